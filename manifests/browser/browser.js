// The address field: a bare host gets https://, anything else is used as typed.
'use strict';
document.getElementById('go').addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = document.getElementById('address').value.trim();
  if (!typed) return;
  location.href = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : 'https://' + typed;
});
