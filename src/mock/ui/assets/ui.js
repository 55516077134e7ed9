// harbor-mock dashboard: the live journal and the actions. Every view reads without this
// script; it only adds what a page cannot do alone.
//
// - Actions are forms with data-method and data-url naming a control API route (the same
//   routes tests call). Their fields become the JSON body (data-body="none": no body,
//   data-body="file": the chosen file as it is). The page then reloads to show the new state,
//   or goes to data-then. Errors show Harbor's error message.
// - The journal (#journal) follows the server's event stream (data-events) and puts each new
//   entry, rendered by the server, on top.
'use strict';

(() => {
  const FLASH = 'harbor-mock-flash';

  function flash(text, bad) {
    const box = document.getElementById('flash');
    if (!box) return;
    box.textContent = text;
    box.classList.toggle('bad', Boolean(bad));
    box.hidden = false;
  }

  // A message left by the action that reloaded the page.
  const left = sessionStorage.getItem(FLASH);
  if (left) {
    sessionStorage.removeItem(FLASH);
    flash(left, false);
  }

  async function body(form) {
    const kind = form.dataset.body;
    if (kind === 'none') return undefined;
    if (kind === 'file') {
      const file = form.querySelector('input[type=file]').files[0];
      return file ? await file.text() : undefined;
    }
    const out = {};
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue;
      if (field.type === 'checkbox') {
        if (field.checked) out[field.name] = true;
      } else if (field.value.trim() !== '') {
        const value = field.value.trim();
        if (field.type === 'number') out[field.name] = Number(value);
        else if (field.dataset.type === 'boolean') out[field.name] = value === 'true';
        else out[field.name] = value;
      }
    }
    return JSON.stringify(out);
  }

  async function call(method, url, payload) {
    const init = { method, credentials: 'same-origin', headers: {} };
    if (payload !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = payload;
    }
    const response = await fetch(url, init);
    const text = await response.text();
    if (!response.ok) {
      let message = text.trim();
      try {
        message = JSON.parse(text).errors[0].message;
      } catch (_) { /* not Harbor's envelope: keep the text */ }
      throw new Error(`${response.status}: ${message}`);
    }
    return text;
  }

  for (const fieldset of document.querySelectorAll('fieldset.needs-js')) {
    fieldset.disabled = false;
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target.closest('form[data-url]');
    if (!form) return;
    event.preventDefault();
    // The last action's message goes, so the next one shown is this action's.
    document.getElementById('flash').hidden = true;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const method = form.dataset.method;
    const button = form.querySelector('button[type=submit]');
    try {
      const reply = await call(method, form.dataset.url, await body(form));
      const label = button ? button.textContent.trim() : method;
      sessionStorage.setItem(FLASH, `${label}: done. ${reply.trim().slice(0, 200)}`);
      if (form.dataset.then) window.location.assign(form.dataset.then);
      else window.location.reload();
    } catch (error) {
      flash(error.message, true);
    }
  });

  const journal = document.getElementById('journal');
  if (journal && window.EventSource) {
    const limit = Number(journal.dataset.limit) || 100;
    const live = document.getElementById('live');
    const shown = document.getElementById('shown');
    const matching = document.getElementById('matching');
    const empty = document.getElementById('journal-empty');
    const source = new EventSource(journal.dataset.events);
    source.addEventListener('open', () => {
      live.hidden = false;
      live.classList.remove('off');
      live.textContent = 'live';
    });
    source.addEventListener('error', () => {
      live.classList.add('off');
      live.textContent = 'reconnecting';
    });
    source.addEventListener('entry', (event) => {
      if (document.getElementById(`e${event.lastEventId}`)) return;
      journal.insertAdjacentHTML('afterbegin', JSON.parse(event.data));
      journal.firstElementChild.classList.add('new');
      while (journal.children.length > limit) journal.lastElementChild.remove();
      shown.textContent = journal.children.length;
      matching.textContent = Number(matching.textContent) + 1;
      empty.hidden = true;
    });
  }
})();
