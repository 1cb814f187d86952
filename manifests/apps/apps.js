// Apps: the catalogue's list by category and search, each app with Install
// or Open. Installing goes through the runtime (window.cirrus, which the
// host gives this app only): the shell asks the user, the installer does
// the work; the page can only ask. Without the runtime (the page opened in
// a desktop browser) the list is shown and the buttons say why they are off.
'use strict';
const lang = (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
const runtime = window.cirrus || null;
const state = { apps: [], categories: {}, installed: [], category: 'all', query: '', source: '' };

const $ = (id) => document.getElementById(id);
const label = (app) => (lang === 'zh' && app.nameZh) || app.name;
const about = (app) => (lang === 'zh' && app.descriptionZh) || app.description;
const categoryLabel = (key) => {
  const labels = state.categories[key] || {};
  return (lang === 'zh' ? labels.zh : labels.en) || labels.en || key;
};

// The phone maker's catalogue through the runtime (fetched by the host and
// kept for offline use), else the sample bundled with the app.
async function loadCatalogue() {
  if (runtime && runtime.catalogue) {
    try {
      const answer = await runtime.catalogue();
      if (answer && answer.text) return { json: JSON.parse(answer.text), base: answer.url, source: answer.url };
    } catch (e) {
      console.warn(`catalogue: the device's catalogue cannot be read (${e.message}); showing the bundled sample`);
    }
  }
  const response = await fetch('sample-catalogue.json');
  return { json: await response.json(), base: response.url, source: 'the bundled sample' };
}

async function refreshInstalled() {
  if (!runtime || !runtime.installed) return;
  try {
    state.installed = await runtime.installed();
  } catch (e) {
    state.installed = [];
  }
}

function drawCategories() {
  const nav = $('categories');
  nav.textContent = '';
  const keys = ['all', ...new Set(state.apps.map((app) => app.category))];
  for (const key of keys) {
    const button = document.createElement('button');
    button.textContent = key === 'all' ? (lang === 'zh' ? '全部' : 'All') : categoryLabel(key);
    button.setAttribute('aria-pressed', String(state.category === key));
    button.addEventListener('click', () => { state.category = key; drawCategories(); drawList(); });
    nav.appendChild(button);
  }
}

function actionFor(app) {
  const button = document.createElement('button');
  button.className = 'action';
  const record = Catalogue.installedAs(app, state.installed);
  if (!runtime) {
    button.textContent = 'Install';
    button.disabled = true;
    button.title = 'Installing needs the Cirrus runtime';
    return button;
  }
  if (record) {
    button.textContent = lang === 'zh' ? '打开' : 'Open';
    button.classList.add('open');
    button.addEventListener('click', () => runtime.open(record.id));
    return button;
  }
  button.textContent = lang === 'zh' ? '安装' : 'Install';
  button.addEventListener('click', async () => {
    button.disabled = true;
    let result = 'failed';
    try {
      result = (await runtime.install(app.manifestUrl)).result;
    } catch (e) {
      console.warn(`catalogue: install of ${app.manifestUrl}: ${e.message}`);
    }
    console.info(`catalogue: install ${app.manifestUrl}: ${result}`);
    // "added" is the user's Add: the installer records the app a moment
    // later (its icon is on the home screen with its progress meanwhile).
    button.textContent = result === 'added' ? (lang === 'zh' ? '安装中…' : 'Installing…') : button.textContent;
    for (let tries = 0; tries < 40; ++tries) {
      await refreshInstalled();
      if (result !== 'added' || Catalogue.installedAs(app, state.installed)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    drawList();
  });
  return button;
}

function drawList() {
  const list = $('list');
  list.textContent = '';
  const shown = state.apps.filter((app) =>
    (state.category === 'all' || app.category === state.category) &&
    Catalogue.matches(app, state.query, state.categories));
  for (const app of shown) {
    const item = document.createElement('li');
    const icon = document.createElement('img');
    icon.alt = '';
    if (app.icon) icon.src = app.icon;
    const text = document.createElement('div');
    text.className = 'about';
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = label(app);
    const detail = document.createElement('div');
    detail.className = 'detail';
    detail.textContent = [categoryLabel(app.category), Catalogue.formatSize(app.size), about(app)]
      .filter(Boolean).join(' · ');
    text.append(name, detail);
    item.append(icon, text, actionFor(app));
    list.appendChild(item);
  }
  $('status').textContent = shown.length ? '' : (lang === 'zh' ? '没有找到应用' : 'No apps found');
  // What is listed, for whoever reads the console (cirrus dev, the tests).
  console.info(`catalogue: listed ${shown.length} of ${state.apps.length} from ${state.source}` +
    (state.query ? ` for "${state.query}"` : '') + `: ${shown.map((app) => app.name).join(', ')}`);
}

async function start() {
  const loaded = await loadCatalogue();
  const parsed = Catalogue.parse(loaded.json, loaded.base);
  for (const why of parsed.dropped) console.warn(`catalogue: ${loaded.source}: ${why}`);
  Object.assign(state, { apps: parsed.apps, categories: parsed.categories, source: loaded.source });
  await refreshInstalled();
  const query = new URLSearchParams(location.search).get('q');
  if (query) { state.query = query; $('search').value = query; }
  drawCategories();
  drawList();
}

$('search').addEventListener('input', (event) => { state.query = event.target.value; drawList(); });
// Coming back to the app (after an install in the sheet, or from the app
// just opened): Install may have become Open.
document.addEventListener('visibilitychange', async () => {
  if (document.visibilityState === 'visible') { await refreshInstalled(); drawList(); }
});
start().catch((e) => {
  console.error(`catalogue: ${e.message}`);
  $('status').textContent = lang === 'zh' ? '无法读取应用目录' : 'The catalogue cannot be read';
});
