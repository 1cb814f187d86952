// Notes: kept in the phone's Notes folder (one plain-text file per note)
// through window.cirrus.notes, which Cirrus asks the user for once; that
// folder is what cirrus-sync keeps in step with the user's own WebDAV
// server. Opened elsewhere (a plain browser), or with the permission
// refused, the notes stay in this app's localStorage and the page says so.
'use strict';

const STORAGE_KEY = 'cirrus.notes.v1';
const $ = (id) => document.getElementById(id);

let notes = [];  // { id, text, updated }; id is the file name on the phone
let editingId = null;
let store = null;

// --- where the notes live ---------------------------------------------------

const localStore = {
  kind: 'local',
  async load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || '[]');
      return Array.isArray(saved) ? saved : [];
    } catch (error) {
      return [];  // a damaged store should not stop the app
    }
  },
  async put() { localStorage.setItem(STORAGE_KEY, JSON.stringify(notes)); },
  async remove() { localStorage.setItem(STORAGE_KEY, JSON.stringify(notes)); },
};

const phoneStore = {
  kind: 'phone',
  async load() {
    const files = await window.cirrus.notes.list();
    const loaded = [];
    for (const file of files) {
      try {
        const note = await window.cirrus.notes.read(file.name);
        loaded.push({ id: file.name, text: note.text, updated: file.modified });
      } catch (error) {
        // One unreadable note (too large, gone meanwhile) does not hide the rest.
      }
    }
    return loaded;
  },
  async put(note) { await window.cirrus.notes.write(note.id, note.text); },
  async remove(id) { await window.cirrus.notes.remove(id); },
};

// Notes kept in localStorage before the phone's folder was there move into it
// once (each written before the old copy is dropped: nothing is lost).
async function moveLocalNotes() {
  const old = await localStore.load();
  for (const note of old) {
    const id = /^note-[0-9a-f]+\.txt$/.test(String(note.id)) ? note.id : newId(note.updated);
    await phoneStore.put({ id, text: String(note.text) });
  }
  localStorage.removeItem(STORAGE_KEY);
  return old.length;
}

async function open() {
  if (!(window.cirrus && window.cirrus.notes)) {
    store = localStore;
    say('Opened outside Cirrus: notes are kept in this browser only.');
  } else {
    try {
      await window.cirrus.notes.list();  // the first call asks the user
      store = phoneStore;
      const moved = await moveLocalNotes();
      say(moved ? 'Moved ' + moved + ' note(s) into the phone\'s notes.' : '');
    } catch (error) {
      store = localStore;
      say('Notes are kept in this app only (' + error.message + ').');
    }
  }
  document.body.dataset.store = store.kind;
  notes = await store.load();
  sort();
  render();
}

// --- the page ---------------------------------------------------------------

function say(text) { $('status').textContent = text; }

function newId(time) {
  return 'note-' + Number(time || Date.now()).toString(16) + Math.random().toString(16).slice(2, 6) + '.txt';
}

function sort() { notes.sort((a, b) => b.updated - a.updated); }

function render() {
  const query = $('search').value.trim().toLowerCase();
  const list = $('notes');
  list.textContent = '';
  const shown = notes.filter((note) => note.text.toLowerCase().includes(query));
  for (const note of shown) list.appendChild(noteItem(note));
  $('empty').hidden = notes.length > 0;
}

function noteItem(note) {
  const item = document.createElement('li');
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = note.text;  // never innerHTML: notes are user text
  const time = document.createElement('time');
  time.dateTime = new Date(note.updated).toISOString();
  time.textContent = new Date(note.updated).toLocaleString();
  text.appendChild(time);
  text.addEventListener('click', () => startEditing(note));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = '✕';
  remove.setAttribute('aria-label', 'Delete note');
  remove.addEventListener('click', () => deleteNote(note.id));
  item.append(text, remove);
  return item;
}

function startEditing(note) {
  editingId = note.id;
  $('text').value = note.text;
  $('save').textContent = 'Save';
  $('cancel').hidden = false;
  $('text').focus();
}

function stopEditing() {
  editingId = null;
  $('text').value = '';
  $('save').textContent = 'Add';
  $('cancel').hidden = true;
}

async function deleteNote(id) {
  const before = notes;
  notes = notes.filter((note) => note.id !== id);
  if (editingId === id) stopEditing();
  try {
    await store.remove(id);
    say(store.kind === 'phone' ? 'Deleted.' : 'Deleted from this app.');
  } catch (error) {
    notes = before;
    say('Could not delete: ' + error.message);
  }
  render();
}

async function submit(event) {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text || !store) return;
  const now = Date.now();
  const existing = notes.find((note) => note.id === editingId);
  const note = existing ? { ...existing, text, updated: now } : { id: newId(now), text, updated: now };
  try {
    notes = [note, ...notes.filter((n) => n.id !== note.id)];
    await store.put(note);
    say(store.kind === 'phone' ? 'Saved on this phone.' : 'Saved in this app only.');
    stopEditing();
  } catch (error) {
    notes = notes.filter((n) => n !== note);
    if (existing) notes.unshift(existing);
    say('Could not save: ' + error.message);  // the text stays in the editor
  }
  render();
}

$('editor').addEventListener('submit', submit);
$('cancel').addEventListener('click', stopEditing);
$('search').addEventListener('input', render);
// Another window of the app may have changed the notes.
window.addEventListener('storage', async (event) => {
  if (store === localStore && event.key === STORAGE_KEY) { notes = await store.load(); sort(); render(); }
});
open();
