// A classic immediate-execution calculator: no eval(), just a small state machine.
'use strict';

const MAX_DIGITS = 15;
const state = { current: '0', stored: null, op: null, fresh: true };
const SYMBOLS = { '+': '+', '-': '−', '*': '×', '/': '÷' };

function compute(a, b, op) {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? NaN : a / b;
  }
  return b;
}

// Rounds away binary noise (0.1 + 0.2) and keeps the display short.
function format(value) {
  if (!Number.isFinite(value)) return 'Error';
  const rounded = Number.parseFloat(value.toPrecision(12));
  const text = String(rounded);
  return text.length > MAX_DIGITS ? rounded.toExponential(8) : text;
}

function inputDigit(digit) {
  if (state.fresh || state.current === '0' || state.current === 'Error') {
    state.current = digit;
    state.fresh = false;
  } else if (state.current.replace(/[-.]/g, '').length < MAX_DIGITS) {
    state.current += digit;
  }
}

function inputPoint() {
  if (state.fresh || state.current === 'Error') {
    state.current = '0.';
    state.fresh = false;
  } else if (!state.current.includes('.')) {
    state.current += '.';
  }
}

function applyOperator(op) {
  const value = Number.parseFloat(state.current);
  if (state.op && !state.fresh) {
    state.current = format(compute(state.stored, value, state.op));
  }
  state.stored = Number.parseFloat(state.current);
  state.op = op;
  state.fresh = true;
}

function equals() {
  if (!state.op) return;
  state.current = format(compute(state.stored, Number.parseFloat(state.current), state.op));
  state.stored = null;
  state.op = null;
  state.fresh = true;
}

const ACTIONS = {
  clear() { Object.assign(state, { current: '0', stored: null, op: null, fresh: true }); },
  back() {
    if (state.fresh) return;
    state.current = state.current.length > 1 ? state.current.slice(0, -1) : '0';
    if (state.current === '-') state.current = '0';
  },
  percent() { state.current = format(Number.parseFloat(state.current) / 100); },
  negate() {
    if (state.current === '0' || state.current === 'Error') return;
    state.current = state.current.startsWith('-') ? state.current.slice(1) : '-' + state.current;
  },
  point: inputPoint,
  equals,
};

function render() {
  document.getElementById('display').textContent = state.current;
  document.getElementById('expression').textContent =
    state.op ? `${format(state.stored)} ${SYMBOLS[state.op]}` : '';
}

function press(key) {
  if (key.digit !== undefined) inputDigit(key.digit);
  else if (key.op) applyOperator(key.op);
  else if (ACTIONS[key.action]) ACTIONS[key.action]();
  render();
}

document.getElementById('keys').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button) press(button.dataset);
});

// A hardware or desktop keyboard works too.
const KEYBOARD = {
  Enter: { action: 'equals' }, '=': { action: 'equals' }, Escape: { action: 'clear' },
  Backspace: { action: 'back' }, '.': { action: 'point' }, ',': { action: 'point' }, '%': { action: 'percent' },
};
document.addEventListener('keydown', (event) => {
  if (/^[0-9]$/.test(event.key)) press({ digit: event.key });
  else if ('+-*/'.includes(event.key) && event.key.length === 1) press({ op: event.key });
  else if (KEYBOARD[event.key]) press(KEYBOARD[event.key]);
  else return;
  event.preventDefault();
});

render();
