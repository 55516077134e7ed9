// Browser tests of harbor-mock's dashboard (/_mock/ui): Playwright (playwright-core) driving
// Debian's Chromium, headless, against the release binary. Each test does what a person would
// do on the page, then checks both what the page shows and what the Harbor API answers. Waits
// are for elements and events, never for time. A screenshot of each view goes to target/ui/.
//
//   CHROMIUM=/usr/bin/chromium     the browser (Debian's package)
//   HARBOR_MOCK_BIN=...            the binary (default target/release/harbor-mock)

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(REPO, 'target', 'ui');
const VIEWPORT = { width: 1400, height: 900 };
// The server's clock starts here, frozen, so expiry and journal times are exact.
const START = '2026-03-01T09:00:00.000Z';
const TWO_DAYS_ON = '2026-03-03T09:00:00.000Z';

const basic = (user, password) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', 'Harbor12345');

let server;
let browser;
const scratch = mkdtempSync(path.join(tmpdir(), 'harbor-mock-ui-'));

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer(['--seed', '7', '--clock', START]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container has no user namespace for Chromium's sandbox.
    args: ['--no-sandbox'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

// Every test starts from the fixtures, the clock at START, an empty journal and no faults.
beforeEach(async () => {
  const reset = await call(server, 'POST', '/_mock/reset', { auth: null });
  assert.equal(reset.status, 200, reset.text);
});

/** A request to `target`'s API; `auth` null sends none. */
async function call(target, method, pathname, { auth = ADMIN, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (auth) init.headers.Authorization = auth;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(target.url + pathname, init);
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

const api = (method, pathname, options) => call(server, method, pathname, options);

/** A system robot that may list robots and expires one day after it is made. */
async function createRobot(name = 'browser-ci') {
  const reply = await api('POST', '/api/v2.0/robots', {
    body: {
      name,
      level: 'system',
      duration: 1,
      description: 'made by the browser test',
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'robot', action: 'list' }] },
      ],
    },
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.json();
}

/** A fresh browser session on `pathname`, confirming every dialog. */
async function open(pathname, { target = server, javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled });
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  const response = await page.goto(target.url + pathname);
  return { page, response, close: () => context.close() };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits for the message of the action just taken: done (the page reloaded), or its error. */
async function done(page, label) {
  const flash = page.locator('#flash');
  await flash.waitFor();
  const text = await flash.innerText();
  assert.ok(text.startsWith(`${label}: done`), `${label}: ${text}`);
}

test('a robot created through the API appears on the robots view', async () => {
  const created = await createRobot();
  const { page, close } = await open('/_mock/ui/robots');
  const row = page.locator('tr[data-robot="robot$browser-ci"]');
  await row.waitFor();
  const text = await row.innerText();
  for (const shown of ['system', '/: robot:list', 'admin', START, 'in 1d', 'active']) {
    assert.ok(text.includes(shown), `${shown} in ${text}`);
  }
  assert.ok(!(await page.content()).includes(created.secret), 'the secret never reaches the page');
  await shot(page, 'robots');
  await close();
});

test('a fault added in the UI makes the next API call fail as configured', async () => {
  const { page, close } = await open('/_mock/ui/faults');
  const form = page.locator('#add-fault');
  await form.locator('select[name=method]').selectOption('GET');
  await form.locator('input[name=path]').fill('/api/v2.0/projects');
  await form.locator('input[name=status]').fill('503');
  await form.locator('input[name=times]').fill('1');
  await form.locator('button[type=submit]').click();
  await done(page, 'Add rule');
  const rule = page.locator('tr[data-fault]');
  assert.match(await rule.innerText(), /GET\s+\/api\/v2\.0\/projects\s+answer 503\s+1/);
  await shot(page, 'faults');

  const failed = await api('GET', '/api/v2.0/projects');
  assert.equal(failed.status, 503);
  assert.deepEqual(failed.json(), {
    errors: [{ code: 'UNKNOWN', message: 'internal server error' }],
  });
  assert.equal((await api('GET', '/api/v2.0/projects')).status, 200, 'only the next call');
  await page.reload();
  assert.equal(await page.locator('tr[data-fault]').count(), 0, 'the rule is used up');

  // A rule that always fires, removed from the page.
  await form.locator('input[name=path]').fill('/api/v2.0/ping');
  await form.locator('input[name=status]').fill('429');
  await form.locator('input[name=message]').fill('slow down');
  await form.locator('button[type=submit]').click();
  await done(page, 'Add rule');
  const limited = await api('GET', '/api/v2.0/ping');
  assert.equal(limited.status, 429);
  assert.equal(limited.json().errors[0].message, 'slow down');
  assert.equal((await api('GET', '/api/v2.0/ping')).status, 429, 'always');
  await page.locator('tr[data-fault] button', { hasText: 'Remove' }).click();
  await done(page, 'Remove');
  assert.equal(await page.locator('tr[data-fault]').count(), 0);
  assert.equal((await api('GET', '/api/v2.0/ping')).status, 200);
  assert.deepEqual((await api('GET', '/_mock/faults', { auth: null })).json(), []);
  await close();
});

test('advancing the clock in the UI shows the robot as expired, and the API agrees', async () => {
  const created = await createRobot();
  const robot = basic(created.name, created.secret);
  assert.equal((await api('GET', '/api/v2.0/robots', { auth: robot })).status, 200);

  const { page, close } = await open('/_mock/ui/clock');
  assert.equal(await page.locator('#clock-now').innerText(), START);
  await page.locator('#advance-clock input[name=by]').fill('2d');
  await page.locator('#advance-clock button').click();
  await done(page, 'Advance');
  assert.equal(await page.locator('#clock-now').innerText(), TWO_DAYS_ON);
  assert.equal(await page.locator('#clock-state').innerText(), 'frozen');
  await shot(page, 'clock');

  await page.goto(`${server.url}/_mock/ui/robots`);
  const row = page.locator('tr[data-robot="robot$browser-ci"]');
  await row.locator('.badge.expired').waitFor();
  assert.match(await row.innerText(), /1d ago/);
  assert.equal(await row.locator('.badge.active').count(), 0);
  // The API agrees: the robot no longer logs in, and the clock reads the same.
  assert.equal((await api('GET', '/api/v2.0/robots', { auth: robot })).status, 401);
  const clock = (await api('GET', '/_mock/clock', { auth: null })).json();
  assert.deepEqual(clock, { now: TWO_DAYS_ON, frozen: true });

  // Let it run, set it back, freeze it again: the robot is valid once more.
  await page.goto(`${server.url}/_mock/ui/clock`);
  await page.locator('#freeze-clock button', { hasText: 'Let it run' }).click();
  await done(page, 'Let it run');
  assert.equal(await page.locator('#clock-state').innerText(), 'running');
  await page.locator('#set-clock input[name=now]').fill(START);
  await page.locator('#set-clock button').click();
  await done(page, 'Set');
  await page.locator('#freeze-clock button', { hasText: 'Freeze' }).click();
  await done(page, 'Freeze');
  assert.equal(await page.locator('#clock-state').innerText(), 'frozen');
  assert.equal((await api('GET', '/api/v2.0/robots', { auth: robot })).status, 200);
  await close();
});

test('the live journal shows a request made after the page loaded', async () => {
  const { page, close } = await open('/_mock/ui/journal');
  await page.locator('#live', { hasText: 'live' }).waitFor();
  assert.equal(await page.locator('details.entry').count(), 0);

  const created = await api('POST', '/api/v2.0/users', {
    body: { username: 'dora', email: 'dora@example.com', realname: 'Dora', password: 'Dora-Secret-12' },
    headers: { 'X-Request-Id': 'browser-live-1' },
  });
  assert.equal(created.status, 201, created.text);
  const entry = page.locator('details.entry', { hasText: '/api/v2.0/users' });
  await entry.waitFor();
  assert.match(await entry.locator('summary').innerText(), /POST\s+\/api\/v2\.0\/users\s+201\s+admin/);
  assert.equal(await page.locator('#shown').innerText(), '1');
  await entry.locator('summary').click();
  const detail = await entry.innerText();
  for (const shown of ['browser-live-1', 'Basic <redacted>', '"password": "<redacted>"', 'dora@example.com']) {
    assert.ok(detail.includes(shown), `${shown} in ${detail}`);
  }
  assert.ok(!detail.includes('Dora-Secret-12'), 'the password never reaches the page');
  await shot(page, 'journal');

  // Filtered by caller, live: the admin's request is left out, bob's comes in.
  await page.goto(`${server.url}/_mock/ui/journal?caller=bob`);
  await page.locator('#live', { hasText: 'live' }).waitFor();
  await api('GET', '/api/v2.0/projects');
  await api('GET', '/api/v2.0/users/current', { auth: basic('bob', 'Bob12345') });
  // Entries stream in order, so once bob's is shown the admin's would be too had it matched.
  await page.locator('details.entry', { hasText: '/api/v2.0/users/current' }).waitFor();
  assert.equal(await page.locator('details.entry', { hasText: '/api/v2.0/projects' }).count(), 0);
  await close();
});

test('every view reads without script', async () => {
  await createRobot();
  await api('GET', '/api/v2.0/robots');
  const { page, close } = await open('/_mock/ui', { javaScriptEnabled: false });
  const views = [
    ['', '#instances'],
    ['/robots', 'tr[data-robot="robot$browser-ci"] .badge.active'],
    ['/projects', 'section[data-project="library"] table.members'],
    ['/users', 'tr[data-user="carol"]'],
    ['/journal', 'details.entry'],
    ['/faults', '#faults'],
    ['/clock', '#clock-now'],
  ];
  for (const [view, selector] of views) {
    await page.goto(`${server.url}/_mock/ui${view}`);
    await page.locator(selector).first().waitFor();
  }
  // A journal entry opens without script too (<details>).
  await page.goto(`${server.url}/_mock/ui/journal`);
  await page.locator('details.entry summary').first().click();
  await page.locator('details.entry table.headers').first().waitFor();
  await close();
});

test('sessions, state download and upload, and reset are actions on the instances view', async () => {
  const { page, close } = await open('/_mock/ui');
  await page.locator('#create-session').click();
  await done(page, 'New session');
  const row = page.locator('tr[data-session]');
  const id = await row.getAttribute('data-session');
  const sessions = (await api('GET', '/_mock/sessions', { auth: null })).json();
  assert.deepEqual(sessions.map((s) => s.id), [id]);

  // The session's own dashboard shows its own state.
  assert.equal((await api('POST', `/sessions/${id}/api/v2.0/robots`, {
    body: { name: 'in-session', level: 'system', duration: -1, permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'robot', action: 'list' }] }] },
  })).status, 201);
  await page.locator(`a[href="/sessions/${id}/_mock/ui"]`).click();
  await page.locator('#instance', { hasText: id }).waitFor();
  await page.locator('nav a', { hasText: 'Robots' }).click();
  await page.locator('tr[data-robot="robot$in-session"]').waitFor();
  await page.goto(`${server.url}/_mock/ui/robots`);
  assert.equal(await page.locator('tr[data-robot]').count(), 0, 'the main instance has none');

  await createRobot();
  await api('GET', '/api/v2.0/users', { auth: basic('bob', 'Bob12345') });
  await page.goto(`${server.url}/_mock/ui`);
  await shot(page, 'instances');

  // Download the state: hashes only.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#download-state').click(),
  ]);
  const state = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(state.robots.map((r) => r.name), ['browser-ci']);
  assert.ok(state.robots.every((r) => !('secret' in r) && r.secret_hash), 'hashes only');

  // Upload it changed: a new project appears.
  state.projects.push({ name: 'uploaded' });
  delete state.next_project_id; // one past the highest id, the new project's included
  const file = path.join(scratch, 'state.json');
  writeFileSync(file, JSON.stringify(state));
  await page.locator('input[name=state]').setInputFiles(file);
  await page.locator('#upload-state').click();
  await done(page, 'Upload state');
  const uploaded = await api('GET', '/api/v2.0/projects?name=uploaded');
  assert.equal(uploaded.json().length, 1, uploaded.text);
  await page.goto(`${server.url}/_mock/ui/projects`);
  await page.locator('section[data-project="uploaded"]').waitFor();
  await shot(page, 'projects');
  await page.goto(`${server.url}/_mock/ui/users`);
  await shot(page, 'users');

  // Reset: back to the fixtures.
  await page.goto(`${server.url}/_mock/ui`);
  await page.locator('#reset').click();
  await done(page, 'Reset');
  assert.deepEqual((await api('GET', '/api/v2.0/robots')).json(), []);
  assert.equal((await api('GET', '/api/v2.0/projects?name=uploaded')).json().length, 0);

  // Delete the session from its own dashboard: back on the main one.
  await page.goto(`${server.url}/sessions/${id}/_mock/ui`);
  await page.locator(`tr[data-session="${id}"] button`, { hasText: 'Delete' }).click();
  await page.locator('#instance', { hasText: 'main' }).waitFor();
  assert.equal(await page.locator('tr[data-session]').count(), 0);
  assert.deepEqual((await api('GET', '/_mock/sessions', { auth: null })).json(), []);
  await close();
});

describe('with --control-token', () => {
  let guarded;
  before(async () => {
    guarded = await startServer(['--seed', '7', '--control-token', 'ui-t0ken']);
  });
  after(() => guarded?.stop());

  test('the dashboard asks for the token once per browser session', async () => {
    const { page, response, close } = await open('/_mock/ui/faults', { target: guarded });
    assert.equal(response.status(), 401);
    await page.locator('input[name=token]').fill('not-it');
    await page.locator('form.login button').click();
    await page.locator('.error', { hasText: 'That is not the token' }).waitFor();
    await shot(page, 'login');
    await page.locator('input[name=token]').fill('ui-t0ken');
    await page.locator('form.login button').click();
    await page.locator('h1', { hasText: 'Faults' }).waitFor();

    // An action: the control API takes the browser's cookie.
    const form = page.locator('#add-fault');
    await form.locator('input[name=path]').fill('/api/v2.0/ping');
    await form.locator('input[name=status]').fill('500');
    await form.locator('button[type=submit]').click();
    await done(page, 'Add rule');
    assert.equal((await call(guarded, 'GET', '/api/v2.0/ping')).status, 500);
    assert.equal((await call(guarded, 'GET', '/_mock/faults', { auth: null })).status, 401);
    const listed = await call(guarded, 'GET', '/_mock/faults', { auth: 'Bearer ui-t0ken' });
    assert.equal(listed.json().length, 1);

    // Other views: no second prompt. Another browser session: asked again.
    await page.goto(`${guarded.url}/_mock/ui/journal`);
    await page.locator('h1', { hasText: 'Journal' }).waitFor();
    await page.locator('#live', { hasText: 'live' }).waitFor();
    const other = await open('/_mock/ui/journal', { target: guarded });
    assert.equal(other.response.status(), 401);
    await other.page.locator('input[name=token]').waitFor();
    await other.close();
    await close();
  });
});
