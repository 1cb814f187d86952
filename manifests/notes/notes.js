// Notes: kept in localStorage, so they need no network and survive restarts.
'use strict';

const STORAGE_KEY = 'cirrus.notes.v1';
const $ = (id) => document.getElementById(id);

let notes = load();
let editingId = null;

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || '[]');
    return Array.isArray(saved) ? saved : [];
  } catch (error) {
    return [];  // a damaged store should not stop the app
  }
}

function save() {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(notes));
    $('status').textContent = 'Saved on this phone.';
  } catch (error) {
    $('status').textContent = 'Could not save: storage is full.';
  }
}

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

function deleteNote(id) {
  notes = notes.filter((note) => note.id !== id);
  if (editingId === id) stopEditing();
  save();
  render();
}

function submit(event) {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  const now = Date.now();
  const existing = notes.find((note) => note.id === editingId);
  if (existing) {
    existing.text = text;
    existing.updated = now;
    notes = [existing, ...notes.filter((note) => note !== existing)];
  } else {
    notes.unshift({ id: String(now) + Math.random().toString(16).slice(2, 6), text, updated: now });
  }
  stopEditing();
  save();
  render();
}

$('editor').addEventListener('submit', submit);
$('cancel').addEventListener('click', stopEditing);
$('search').addEventListener('input', render);
// Another window of the app may have changed the notes.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) { notes = load(); render(); }
});
render();
