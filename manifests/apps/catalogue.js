// The catalogue document, read as hostile input: what an entry must hold to
// be listed, the search (English and Chinese, either way round), and which
// installed app an entry is. No DOM here (apps.js draws).
//
// A catalogue: {"apps": [{"name", "manifest_url", "icon", "category",
// "description", "size", "translations": {"zh": {"name", "description"}}}],
// "categories": {"news": {"en": "News", "zh": "新闻"}}}. manifest_url and
// icon are resolved against the catalogue's own URL.
'use strict';
const Catalogue = (() => {
  const kMaxApps = 500;
  const kMaxText = 200;
  const kMaxDescription = 600;

  const text = (value, max) =>
    typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max) : '';

  const webUrl = (value, base) => {
    if (typeof value !== 'string' || value.length > 2048) return null;
    try {
      const url = new URL(value, base);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) {
      return null;
    }
  };

  // An icon may also be one of the catalogue's own files (the bundled sample).
  const iconUrl = (value, base) => {
    if (typeof value !== 'string' || value.length > 2048) return null;
    try {
      const url = new URL(value, base);
      return ['https:', 'http:', 'app:'].includes(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  };

  // The entries worth listing, and why each other one was dropped.
  function parse(json, base) {
    const dropped = [];
    if (!json || typeof json !== 'object' || !Array.isArray(json.apps)) {
      return { apps: [], categories: {}, dropped: ['the document has no "apps" list'] };
    }
    const apps = [];
    const seen = new Set();
    for (const [index, raw] of json.apps.slice(0, kMaxApps).entries()) {
      const where = `apps[${index}]`;
      if (!raw || typeof raw !== 'object') { dropped.push(`${where}: not an object`); continue; }
      const name = text(raw.name, kMaxText);
      const manifestUrl = webUrl(raw.manifest_url, base);
      if (!name) { dropped.push(`${where}: no "name"`); continue; }
      if (!manifestUrl) { dropped.push(`${where} (${name}): "manifest_url" is not an http(s) URL`); continue; }
      if (seen.has(manifestUrl)) { dropped.push(`${where} (${name}): listed twice`); continue; }
      seen.add(manifestUrl);
      const zh = raw.translations && typeof raw.translations === 'object' && raw.translations.zh &&
        typeof raw.translations.zh === 'object' ? raw.translations.zh : {};
      const size = Number.isFinite(raw.size) && raw.size >= 0 ? Math.round(raw.size) : null;
      apps.push({
        name,
        nameZh: text(zh.name, kMaxText),
        manifestUrl,
        icon: iconUrl(raw.icon, base),
        category: text(raw.category, 40).toLowerCase() || 'other',
        description: text(raw.description, kMaxDescription),
        descriptionZh: text(zh.description, kMaxDescription),
        size,
      });
    }
    if (json.apps.length > kMaxApps) dropped.push(`only the first ${kMaxApps} apps are listed`);
    const categories = {};
    if (json.categories && typeof json.categories === 'object') {
      for (const [key, labels] of Object.entries(json.categories).slice(0, 50)) {
        if (labels && typeof labels === 'object') {
          categories[key.toLowerCase()] = { en: text(labels.en, 40), zh: text(labels.zh, 40) };
        }
      }
    }
    return { apps, categories, dropped };
  }

  const fold = (value) => value.normalize('NFKC').toLowerCase();

  // Every word of the query (spaces between) is in one of the entry's
  // texts, in either language: "天气" finds Weather, "news 新闻" a news app.
  function matches(app, query, categories) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return true;
    const label = categories[app.category] || {};
    const haystack = fold([app.name, app.nameZh, app.description, app.descriptionZh, app.category,
      label.en || '', label.zh || ''].join('\n'));
    return words.every((word) => haystack.includes(word));
  }

  // The installed app an entry is: installed from its manifest URL.
  function installedAs(app, installed) {
    return installed.find((record) => record.source === app.manifestUrl) || null;
  }

  function formatSize(bytes) {
    if (bytes === null) return '';
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  return { parse, matches, installedAs, formatSize };
})();
