// The Settings app (issue 19): the cloud account, the sync service's line
// and Back up now. Everything goes through window.cirrus.settings, which the
// runtime gives this app only (webapp-host/settings_bridge.hpp); the secret
// never comes back to the page. Every string from the runtime is shown as
// text (textContent), never as markup. Lines starting "settings:" on the
// console say what the page shows (the integration test reads them).
'use strict';

const $ = (id) => document.getElementById(id);
const api = window.cirrus && window.cirrus.settings;
const POLL_MS = 2000;
let backupAsked = false;
let backupNote = '';

function say(line) { console.log('settings: ' + line); }

function result(text, good) {
  const node = $('account-result');
  node.textContent = text;
  node.className = good === undefined ? '' : good ? 'good' : 'bad';
}

async function showAccount() {
  const answer = await api.account();
  const account = answer.account;
  $('account').hidden = !account;
  $('add').hidden = !!account;
  if (answer.problem) result(answer.problem, false);
  if (account) {
    $('account-url').textContent = account.url;
    $('account-contacts').textContent = account.contacts_url || 'none (contacts are not synced)';
    $('account-user').textContent = account.user || 'none (an app token)';
    $('account-secret').textContent = (account.secret_kind === 'token' ? 'an app token' : 'a password') +
      ', kept on this phone for this user only; never shown';
    say('account ' + account.url + ' user ' + (account.user || '-'));
  } else {
    say('no account' + (answer.problem ? ': ' + answer.problem : ''));
  }
  $('backup').disabled = !account;
  return answer;
}

function countsLine(status) {
  const parts = [];
  if (status.photos_pending || status.photos_uploaded)
    parts.push('photos: ' + status.photos_pending + ' waiting, ' + status.photos_uploaded + ' uploaded');
  if (status.contacts || status.notes) parts.push(status.contacts + ' contacts, ' + status.notes + ' notes');
  if (status.conflicts) parts.push(status.conflicts + ' kept in two versions');
  if (status.link) parts.push('link: ' + status.link);
  return parts.join(' · ');
}

let lastSaid = '';
async function showStatus() {
  const answer = await api.status();
  const status = answer.status;
  if (!status) {
    $('sync-line').textContent = 'The sync service is not running.';
    $('sync-last').textContent = '';
    $('sync-error').hidden = true;
    $('sync-counts').textContent = '';
  } else {
    $('sync-line').textContent = status.line;
    let last = status.last_success_words;
    if (status.retry_in_s !== null) last += ' · tries again in ' + status.retry_in_s + ' s';
    $('sync-last').textContent = last;
    const error = status.last_error && status.last_error !== status.line ? status.last_error : '';
    $('sync-error').textContent = error ? 'Last error: ' + error : '';
    $('sync-error').hidden = !error;
    $('sync-counts').textContent = countsLine(status);
  }
  let backup = '';
  if (answer.backup_requested) backup = 'Backup requested: it runs on the next good link (Wi-Fi or LTE).';
  else if (backupAsked) backup = 'Backup requested; done or under way: see the line above.';
  $('backup-state').textContent = [backup, backupNote].filter(Boolean).join(' ');
  const said = 'sync: ' + $('sync-line').textContent + ' | ' + $('sync-last').textContent + ' | ' +
    $('sync-counts').textContent + (answer.backup_requested ? ' | backup requested' : '');
  if (said !== lastSaid) say(said);
  lastSaid = said;
}

async function refresh() {
  try {
    await showAccount();
    await showStatus();
  } catch (e) {
    result(String(e.message || e), false);
  }
}

$('add').addEventListener('submit', async (event) => {
  event.preventDefault();
  const kind = document.querySelector('input[name=kind]:checked').value;
  const form = {
    url: $('url').value.trim(),
    user: $('user').value.trim(),
    secret: $('secret').value,
    secret_kind: kind,
    contacts_url: $('contacts').value.trim(),
  };
  $('add-button').disabled = true;
  result('Checking ' + form.url + ' …');
  try {
    const answer = await api.add(form);
    if (answer.ok && answer.saved) {
      $('secret').value = '';
      result('Signed in: the server answers and the account is stored on this phone.', true);
      say('add: saved');
      await refresh();
    } else {
      result(answer.message + ' Nothing was stored.', false);
      say('add: ' + answer.problem + ': ' + answer.message);
    }
  } catch (e) {
    result(String(e.message || e), false);
  } finally {
    $('add-button').disabled = false;
  }
});

$('test').addEventListener('click', async () => {
  $('test').disabled = true;
  result('Testing…');
  try {
    const answer = await api.test();
    if (answer.ok) result('The server answers and the account opens it.', true);
    else result(answer.message, false);
    say('test: ' + (answer.ok ? 'ok' : answer.problem + ': ' + answer.message));
  } catch (e) {
    result(String(e.message || e), false);
  } finally {
    $('test').disabled = false;
  }
});

// A second tap removes (no modal dialog on the phone): the first says what it does.
let removeArmed = false;
$('remove').addEventListener('click', async () => {
  if (!removeArmed) {
    removeArmed = true;
    $('remove').textContent = 'Tap again to remove';
    result('Removing forgets the account on this phone; nothing on the server or the phone is deleted.');
    setTimeout(() => { removeArmed = false; $('remove').textContent = 'Remove'; }, 5000);
    return;
  }
  removeArmed = false;
  $('remove').textContent = 'Remove';
  try {
    const answer = await api.remove();
    result(answer.removed ? 'The account was removed from this phone.' : 'There was no account.', true);
    await refresh();
  } catch (e) {
    result(String(e.message || e), false);
  }
});

$('backup').addEventListener('click', async () => {
  try {
    const answer = await api.backup();
    backupAsked = true;
    say('backup requested');
    backupNote = answer.backup_key ? '' : 'The first backup needs your passphrase: run cirrus backup now ' +
      'once on this phone; later backups run by themselves.';
    await showStatus();
  } catch (e) {
    $('backup-state').textContent = String(e.message || e);
  }
});

if (!api) {
  $('unavailable').hidden = false;
  for (const section of document.querySelectorAll('section')) section.hidden = true;
  say('unavailable');
} else {
  refresh();
  setInterval(() => { if (!document.hidden) showStatus().catch(() => {}); }, POLL_MS);
}
