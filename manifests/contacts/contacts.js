// Contacts: the phone's address book through window.cirrus.contacts, which
// Cirrus asks the user for once. The contacts live in the phone's
// contacts.sqlite (cirrus-sync keeps it in step with the user's CardDAV
// server); this page keeps nothing of its own.
'use strict';

const $ = (id) => document.getElementById(id);
let contacts = [];
let current = null;  // the contact shown or edited; null: a new one

function say(text) { $('status').textContent = text; }

function show(view) {
  for (const id of ['list-view', 'card-view', 'edit-view']) $(id).hidden = id !== view;
  $('add').hidden = view !== 'list-view';
  $('search').hidden = view !== 'list-view';
}

async function load() {
  if (!(window.cirrus && window.cirrus.contacts)) {
    say('Open Contacts on a Cirrus phone: the address book is the phone\'s, not this browser\'s.');
    document.body.dataset.state = 'absent';
    $('add').disabled = true;
    return;
  }
  try {
    contacts = await window.cirrus.contacts.list();
    document.body.dataset.state = 'ready';
    say('');
  } catch (error) {
    contacts = [];
    document.body.dataset.state = error.name === 'NotAllowedError' ? 'denied' : 'failed';
    say(error.name === 'NotAllowedError'
      ? 'Contacts may not use your address book. Allow it in Settings, or with: cirrus permission contacts contacts grant.'
      : 'Could not read the contacts: ' + error.message);
  }
  render();
}

function byName(a, b) { return a.name.localeCompare(b.name); }

function matches(contact, query) {
  if (!query) return true;
  const words = [contact.name, contact.organization, ...contact.phones.map((p) => p.value),
    ...contact.emails.map((e) => e.value)];
  return words.some((w) => w.toLowerCase().includes(query));
}

function render() {
  const query = $('search').value.trim().toLowerCase();
  const list = $('contacts');
  list.textContent = '';
  for (const contact of contacts.filter((c) => matches(c, query)).sort(byName)) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = contact.name;  // as text, never markup: names come from anywhere
    const detail = document.createElement('span');
    detail.className = 'detail';
    detail.textContent = (contact.phones[0] || contact.emails[0] || { value: '' }).value;
    item.append(name, detail);
    if (contact.conflict) item.classList.add('conflict');
    item.tabIndex = 0;
    item.addEventListener('click', () => openCard(contact));
    list.appendChild(item);
  }
  $('empty').hidden = contacts.length > 0 || document.body.dataset.state !== 'ready';
}

function openCard(contact) {
  current = contact;
  $('card-name').textContent = contact.name;
  $('card-conflict').hidden = !contact.conflict;
  const fields = $('card-fields');
  fields.textContent = '';
  const row = (label, value, href) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = value;
      dd.appendChild(a);
    } else {
      dd.textContent = value;
    }
    fields.append(dt, dd);
  };
  for (const p of contact.phones) row(p.type ? 'Phone (' + p.type + ')' : 'Phone', p.value, 'tel:' + p.value.replace(/[^0-9+*#]/g, ''));
  for (const e of contact.emails) row(e.type ? 'E-mail (' + e.type + ')' : 'E-mail', e.value, 'mailto:' + e.value);
  if (contact.organization) row('Organisation', contact.organization);
  if (contact.note) row('Note', contact.note);
  show('card-view');
}

function openEditor(contact) {
  current = contact;
  $('f-name').value = contact ? contact.name : '';
  $('f-phones').value = contact ? contact.phones.map((p) => p.value).join('\n') : '';
  $('f-emails').value = contact ? contact.emails.map((e) => e.value).join('\n') : '';
  $('f-org').value = contact ? contact.organization : '';
  $('f-note').value = contact ? contact.note : '';
  show('edit-view');
  $('f-name').focus();
}

// One value a line; a value that was there keeps its type (cell, work, ...).
function valuesFrom(text, before) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((value) => {
    const old = before.find((v) => v.value === value);
    return { value, type: old ? old.type : '' };
  });
}

async function save(event) {
  event.preventDefault();
  const contact = {
    name: $('f-name').value.trim(),
    phones: valuesFrom($('f-phones').value, current ? current.phones : []),
    emails: valuesFrom($('f-emails').value, current ? current.emails : []),
    organization: $('f-org').value.trim(),
    note: $('f-note').value.trim(),
  };
  if (current) contact.id = current.id;
  try {
    const saved = await window.cirrus.contacts.save(contact);
    contacts = [saved, ...contacts.filter((c) => c.id !== saved.id)];
    say('Saved on this phone.');
    render();
    openCard(saved);
  } catch (error) {
    say('Could not save: ' + error.message);  // the form keeps what was typed
  }
}

// A second tap within 4 s deletes (no dialog: the page draws everything).
let armed = null;
async function remove() {
  if (!current) return;
  if (armed !== current.id) {
    armed = current.id;
    $('delete').textContent = 'Tap again to delete';
    setTimeout(() => { armed = null; $('delete').textContent = 'Delete'; }, 4000);
    return;
  }
  armed = null;
  $('delete').textContent = 'Delete';
  try {
    await window.cirrus.contacts.remove(current.id);
    contacts = contacts.filter((c) => c.id !== current.id);
    say('Deleted.');
    current = null;
    render();
    show('list-view');
  } catch (error) {
    say('Could not delete: ' + error.message);
  }
}

$('search').addEventListener('input', render);
$('add').addEventListener('click', () => openEditor(null));
$('back').addEventListener('click', () => { current = null; show('list-view'); });
$('edit').addEventListener('click', () => openEditor(current));
$('delete').addEventListener('click', remove);
$('cancel').addEventListener('click', () => (current ? openCard(current) : show('list-view')));
$('edit-view').addEventListener('submit', save);
// Back from another app: the sync may have brought changes.
document.addEventListener('visibilitychange', () => { if (!document.hidden && !$('list-view').hidden) load(); });
load();
