// Weather: fetches a JSON forecast from a server on this device (loopback
// only) and keeps the last good one, so the app still shows something offline.
'use strict';

const DEFAULT_FORECAST_URL = 'http://127.0.0.1:8088/forecast.json';
const SETTINGS_KEY = 'cirrus.weather.forecast-url';
const CACHE_KEY = 'cirrus.weather.last-forecast';
const TIMEOUT_MS = 8000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const ICONS = { sun: '☀️', 'cloud-sun': '⛅', cloud: '☁️', rain: '🌧️', snow: '❄️', storm: '⛈️', fog: '🌫️' };
const $ = (id) => document.getElementById(id);

// The URL comes from the settings field if the user saved one, otherwise
// from the start_url's ?forecast= (set in the manifest), otherwise the default.
function forecastUrl() {
  return localStorage.getItem(SETTINGS_KEY) ||
    new URLSearchParams(location.search).get('forecast') ||
    DEFAULT_FORECAST_URL;
}

function checkLoopback(text) {
  let url;
  try { url = new URL(text); } catch (error) { throw new Error(`"${text}" is not a URL.`); }
  if (!['http:', 'https:'].includes(url.protocol) || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(`${url.origin} is not on this device; only 127.0.0.1, localhost or [::1] are allowed.`);
  }
  return url;
}

function cachedForecast() {
  try {
    return JSON.parse(localStorage.getItem(CACHE_KEY) || 'null');
  } catch (error) {
    return null;  // a damaged cache is as good as none
  }
}

function notice(text, isError) {
  $('notice').textContent = text;
  $('notice').className = isError ? 'error' : '';
  $('notice').hidden = !text;
}

function dayName(date) {
  const day = new Date(date + 'T12:00:00');
  return Number.isNaN(day.getTime()) ? String(date) : day.toLocaleDateString(undefined, { weekday: 'long' });
}

function degrees(value, units) {
  return Number.isFinite(value) ? `${Math.round(value)}°${units === 'F' ? 'F' : 'C'}` : '–';
}

function render(forecast) {
  const units = forecast.units;
  $('place').textContent = forecast.place || 'Weather';
  const now = forecast.current || {};
  $('now-icon').textContent = ICONS[now.icon] || '';
  $('now-temperature').textContent = degrees(now.temperature, units);
  $('now-summary').textContent = now.summary || '';
  const details = [];
  if (Number.isFinite(now.wind_kmh)) details.push(`Wind ${Math.round(now.wind_kmh)} km/h`);
  if (Number.isFinite(now.humidity)) details.push(`Humidity ${Math.round(now.humidity)}%`);
  $('now-details').textContent = details.join(' · ');
  $('now').hidden = false;

  const list = $('days');
  list.textContent = '';
  for (const day of (Array.isArray(forecast.days) ? forecast.days : []).slice(0, 10)) {
    const item = document.createElement('li');
    const icon = document.createElement('span');
    icon.textContent = ICONS[day.icon] || '';
    const name = document.createElement('span');
    name.className = 'day';
    name.textContent = `${dayName(day.date)} — ${day.summary || ''}`;
    const range = document.createElement('span');
    range.className = 'range';
    range.textContent = degrees(day.high, units);
    const low = document.createElement('span');
    low.className = 'low';
    low.textContent = degrees(day.low, units);
    range.appendChild(low);
    item.append(icon, name, range);
    list.appendChild(item);
  }
  const updated = new Date(forecast.updated);
  $('updated').textContent = Number.isNaN(updated.getTime()) ? '' : `Updated ${updated.toLocaleString()}`;
}

async function download(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
    if (!response.ok) throw new Error(`the server answered HTTP ${response.status}`);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

async function refresh() {
  let url;
  try {
    url = checkLoopback(forecastUrl());
  } catch (error) {
    notice(error.message, true);
    return;
  }
  notice('Loading…');
  try {
    const forecast = await download(url.href);
    localStorage.setItem(CACHE_KEY, JSON.stringify(forecast));
    render(forecast);
    notice('');
  } catch (error) {
    const cached = cachedForecast();
    if (cached) render(cached);
    const why = error.name === 'AbortError' ? 'it did not answer in time' : (error.message || 'no connection');
    notice(`Offline: cannot reach the forecast server (${why}). ` +
      (cached ? 'Showing the last forecast.' : 'Try again when it is running.'), !cached);
  }
}

$('origin').value = forecastUrl();
$('settings-form').addEventListener('submit', (event) => {
  event.preventDefault();
  try {
    localStorage.setItem(SETTINGS_KEY, checkLoopback($('origin').value.trim()).href);
    $('settings').open = false;
    refresh();
  } catch (error) {
    notice(error.message, true);
  }
});
$('refresh').addEventListener('click', refresh);
window.addEventListener('online', refresh);

const cached = cachedForecast();
if (cached) render(cached);
refresh();
