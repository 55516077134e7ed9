// startHarborMock: start, stop, failed starts, sessions, the control API, and no orphans.
// Runs against $HARBOR_MOCK_BIN or the installed platform package: `node --test test/`.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ControlError, HarborMockError, binaryPath, connectHarborMock, startHarborMock } from '../lib/index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// The repository's copy of the fixtures built into the binary.
const FIXTURES = join(REPO, 'fixtures', 'default.json');
const ADMIN = `Basic ${btoa('admin:Harbor12345')}`;

async function harbor(method, url, body, auth = ADMIN) {
  const res = await fetch(url, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text.trim() ? JSON.parse(text) : undefined };
}

const createRobot = (apiUrl) =>
  harbor('POST', `${apiUrl}/robots`, {
    name: 'ci',
    duration: 30,
    level: 'project',
    permissions: [{ kind: 'project', namespace: 'library', access: [{ resource: 'repository', action: 'pull' }] }],
  });

const projectRobots = async (apiUrl) => (await harbor('GET', `${apiUrl}/robots?q=Level%3Dproject%2CProjectID%3D1`)).body;

/** Resolves to true when nothing listens at `url` any more. */
function refused(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => resolve(socket.destroy() && false));
    socket.once('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Running and not a zombie. */
function alive(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A temporary folder removed after the test. */
function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'harbor-mock-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('start serves on a free port and stop frees it', async () => {
  const server = await startHarborMock();
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.apiUrl, `${server.url}/api/v2.0`);
  assert.deepEqual(await projectRobots(server.apiUrl), []);
  assert.ok(server.logs().some((l) => l.includes('listening on')));
  assert.ok(server.startupMs > 0 && server.startupMs < 10_000);
  await server.stop();
  await server.stop();
  assert.equal(await refused(server.url), true);
  assert.equal(alive(server.pid), false);
});

test('without fixtures the binary serves the ones built into it, wherever it runs', async (t) => {
  const cwd = process.cwd();
  process.chdir(tempDir(t));
  try {
    const server = await startHarborMock();
    assert.deepEqual(await server.reset(), { users: 4, projects: 1, members: 3, robots: 0 });
    await server.stop();
  } finally {
    process.chdir(cwd);
  }
});

test('fixtures object, seed, clock and robot prefix', async () => {
  const fixtures = JSON.parse(readFileSync(FIXTURES, 'utf8'));
  fixtures.projects.push({ id: 2, name: 'team' });
  const server = await startHarborMock({ fixtures, seed: 7, clock: new Date(Date.UTC(2026, 0, 1)), robotPrefix: 'bot-' });
  try {
    assert.deepEqual(await server.clock.get(), { now: '2026-01-01T00:00:00.000Z', frozen: true });
    const { status, body } = await createRobot(server.apiUrl);
    assert.equal(status, 201);
    assert.equal(body.name, 'bot-library+ci');
    assert.equal((await server.state()).projects[1].name, 'team');
  } finally {
    await server.stop();
  }
});

test('a failed start names the binary and shows its last log lines', async (t) => {
  const dir = tempDir(t);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"users": [{"id": 1}]}');
  await assert.rejects(startHarborMock({ fixtures: bad }), (e) => {
    assert.ok(e instanceof HarborMockError);
    assert.match(e.message, new RegExp(`did not start: ${binaryPath()} exited with status 1 before listening`));
    assert.ok(e.message.includes(`${bad}: line 1, column`), e.message);
    assert.ok(e.message.includes('missing field `username`'), e.message);
    return true;
  });
});

test('a missing binary is named', async () => {
  const missing = join(tmpdir(), 'no-such-harbor-mock');
  await assert.rejects(startHarborMock({ binary: missing }), {
    name: 'HarborMockError',
    message: `harbor-mock could not be run: ${missing}: ENOENT`,
  });
});

test('a server that never listens is stopped after the timeout', async (t) => {
  const silent = join(tempDir(t), 'silent-harbor-mock');
  writeFileSync(silent, '#!/bin/sh\necho warming up\nexec sleep 60\n', { mode: 0o755 });
  await assert.rejects(startHarborMock({ binary: silent, startTimeoutMs: 300 }), (e) => {
    assert.ok(e.message.includes(`${silent} printed no listening line within 300 ms and was stopped`), e.message);
    assert.ok(e.message.includes('  warming up'), e.message);
    return true;
  });
});

test("the caller's HARBOR_MOCK_* variables do not reach the server", async () => {
  // Settings meant for another server must not change this one: read by the server, this
  // would switch its control API off.
  process.env.HARBOR_MOCK_NO_CONTROL = 'true';
  // The control token is the helper's default, and reaches the server as a flag.
  process.env.HARBOR_MOCK_CONTROL_TOKEN = 'secret';
  try {
    const server = await startHarborMock();
    assert.equal((await server.reset()).users, 4);
    assert.equal(await controlStatus('POST', `${server.url}/_mock/reset`), 401);
    await server.stop();
    const open = await startHarborMock({ controlToken: '' }); // '' is no token, whatever the environment says
    assert.equal(await controlStatus('POST', `${open.url}/_mock/reset`), 200);
    await open.stop();
  } finally {
    delete process.env.HARBOR_MOCK_NO_CONTROL;
    delete process.env.HARBOR_MOCK_CONTROL_TOKEN;
  }
});

/** A control call made by hand: its status. */
const controlStatus = async (method, url, token) =>
  (await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} })).status;

test('the control token is sent on every control call, sessions included', async () => {
  const server = await startHarborMock({ controlToken: 's3cret', clock: '2026-01-01T00:00:00Z' });
  try {
    assert.equal(await controlStatus('GET', `${server.url}/_mock/clock`), 401);
    assert.equal(await controlStatus('GET', `${server.url}/_mock/clock`, 's3cret'), 200);
    assert.equal((await server.reset()).users, 4);
    assert.equal((await server.clock.advance('1d')).now, '2026-01-02T00:00:00.000Z');
    assert.equal((await createRobot(server.apiUrl)).status, 201);
    assert.deepEqual((await server.journal()).map((e) => e.method), ['POST']);
    assert.equal(await server.clearJournal(), 1);
    const session = await server.session();
    assert.deepEqual((await server.sessions()).map((s) => s.id), [session.id]);
    assert.equal(await controlStatus('GET', `${session.url}/_mock/clock`), 401);
    await session.clock.set({ now: '2030-01-01T00:00:00Z', frozen: true });
    assert.equal((await createRobot(session.apiUrl)).status, 201);
    assert.equal((await session.journal({ method: 'POST' })).length, 1);
    assert.equal((await session.reset()).robots, 0);
    await session.close();
    assert.deepEqual(await server.sessions(), []); // deleted with the token too

    // Attaching: the right token (given, or from the environment), a wrong one, none.
    const attached = await connectHarborMock(server.url, { controlToken: 's3cret' });
    assert.equal((await attached.clock.get()).now, '2026-01-02T00:00:00.000Z');
    await (await attached.session()).close();
    process.env.HARBOR_MOCK_CONTROL_TOKEN = 's3cret';
    try {
      assert.equal((await (await connectHarborMock(server.url)).reset()).robots, 0);
    } finally {
      delete process.env.HARBOR_MOCK_CONTROL_TOKEN;
    }
    await assert.rejects(connectHarborMock(server.url, { controlToken: 'wrong' }), {
      name: 'HarborMockError',
      message: /401 unauthorized: the control token given was refused/,
    });
    await assert.rejects(connectHarborMock(server.url), {
      name: 'HarborMockError',
      message: /401 unauthorized: it needs a control token and none was given/,
    });
  } finally {
    await server.stop();
  }
});

test('a control token in args only is a clear start failure', async () => {
  await assert.rejects(startHarborMock({ args: ['--control-token', 's3cret'] }), {
    name: 'HarborMockError',
    message: /401 unauthorized: it needs a control token/,
  });
});

test('sessions are isolated from each other and from the server', async () => {
  const server = await startHarborMock();
  try {
    const one = await server.session();
    const two = await server.session();
    assert.ok(one.url.startsWith(`${server.url}/sessions/`));
    assert.equal(one.apiUrl, `${one.url}/api/v2.0`);
    assert.equal((await createRobot(one.apiUrl)).status, 201);
    assert.equal((await createRobot(two.apiUrl)).status, 201); // the same name: no conflict
    assert.equal((await projectRobots(one.apiUrl)).length, 1);
    assert.deepEqual(await projectRobots(server.apiUrl), []);
    await one.clock.advance('1d');
    assert.notEqual((await one.clock.get()).now, (await two.clock.get()).now);
    await one.close();
    await one.close();
    assert.equal((await harbor('GET', `${one.apiUrl}/robots`)).status, 404);

    const own = await server.session({ fixtures: { users: [{ id: 1, username: 'zoe', password: 'Zoe12345', sysadmin: true }] } });
    assert.equal((await harbor('GET', `${own.apiUrl}/robots`, undefined, `Basic ${btoa('zoe:Zoe12345')}`)).status, 200);
    await assert.rejects(server.session({ fixtures: { users: [{ id: 1 }] } }), (e) => {
      assert.ok(e instanceof ControlError);
      assert.equal(e.status, 400);
      assert.match(e.serverMessage, /username/);
      return true;
    });
  } finally {
    await server.stop();
  }
});

test('sessions are listed until closed', async () => {
  const server = await startHarborMock();
  try {
    assert.deepEqual(await server.sessions(), []);
    const one = await server.session();
    const two = await server.session();
    assert.equal((await createRobot(one.apiUrl)).status, 201);
    const listed = Object.fromEntries((await server.sessions()).map((s) => [s.id, s]));
    assert.deepEqual(Object.keys(listed).sort(), [one.id, two.id].sort());
    assert.equal(listed[one.id].robots, 1);
    assert.equal(listed[two.id].robots, 0);
    assert.ok(listed[one.id].created <= listed[one.id].last_used);
    await one.close();
    await two.close();
    assert.deepEqual(await server.sessions(), []);
  } finally {
    await server.stop();
  }
});

test('journal entries carry bodies, sizes and the request id source', async () => {
  const server = await startHarborMock({ seed: 7 });
  try {
    assert.equal((await createRobot(server.apiUrl)).status, 201);
    await harbor('POST', `${server.apiUrl}/users`, { username: 'zoe', password: 'Zoe12345' });
    const [created, user] = await server.journal({ method: 'POST' });
    assert.equal(created.request_id_source, 'generated');
    assert.equal(JSON.parse(created.body).name, 'ci');
    assert.equal(created.body_size, created.body.length);
    assert.ok(created.response_size > 0);
    assert.equal(created.body_truncated, undefined);
    assert.equal(created.error, undefined);
    assert.equal(JSON.parse(user.body).password, '<redacted>');
  } finally {
    await server.stop();
  }
});

for (const where of ['server', 'session']) {
  test(`clock, faults, journal and reset round trips (${where})`, async () => {
    const server = await startHarborMock({ clock: '2026-01-01T00:00:00Z' });
    try {
      const target = where === 'server' ? server : await server.session();
      assert.equal((await target.clock.advance(31 * 86_400_000)).now, '2026-02-01T00:00:00.000Z');
      assert.equal((await target.clock.advance('-1d')).now, '2026-01-31T00:00:00.000Z');
      assert.equal((await target.clock.set({ now: '2026-06-01T12:00:00Z', frozen: false })).frozen, false);
      await assert.rejects(target.clock.advance('soon'), { name: 'ControlError', status: 400 });

      const rule = await target.faults.add({ method: 'GET', path: '/api/v2.0/robots', status: 503, times: 1 });
      assert.ok(rule.id >= 1);
      await target.faults.add({ path: '/api/v2.0/robots/*', latency_ms: 1 });
      assert.equal((await target.faults.list()).length, 2);
      assert.equal((await harbor('GET', `${target.apiUrl}/robots`)).status, 503);
      assert.equal((await harbor('GET', `${target.apiUrl}/robots`)).status, 200);
      await target.faults.clear();
      assert.deepEqual(await target.faults.list(), []);

      await createRobot(target.apiUrl);
      assert.deepEqual((await target.journal({ method: 'GET' })).map((e) => e.status), [503, 200]);
      const [created] = await target.journal({ path: '/api/v2.0/robots*', status: 201 });
      assert.equal(created.caller, 'admin');
      assert.equal(await target.clearJournal(), 3);
      assert.deepEqual(await target.journal(), []);

      assert.deepEqual(await target.reset(), { users: 4, projects: 1, members: 3, robots: 0 });
      assert.deepEqual(await target.clock.get(), { now: '2026-01-01T00:00:00.000Z', frozen: true });
    } finally {
      await server.stop();
    }
  });
}

test('a killed test process leaves no server behind', async () => {
  // A child Node starts a server, prints its address and pid, and hangs as a stuck test would.
  // SIGKILL gives it no chance to clean up: closing its pipes has to stop the server.
  const script = `
    import { startHarborMock } from ${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)};
    const server = await startHarborMock();
    console.log(server.url, server.pid);
    setInterval(() => {}, 1 << 30);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  const [url, pidText] = line.toString().trim().split(' ');
  const pid = Number(pidText);
  assert.equal(alive(pid), true);
  // An open connection to the server: it ends when the server does.
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const closed = once(socket, 'close');

  child.kill('SIGKILL');
  await once(child, 'exit');
  let timer;
  await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
  socket.destroy();
  // Node cannot wait for a process that is not its child: the socket closes as the server
  // exits, and the process is gone a moment later, so look a few times within a bound.
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  try {
    assert.equal(alive(pid), false, `server ${pid} outlived its killed test process`);
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL'); // do not leave behind the orphan this test found
  }
  assert.equal(await refused(url), true);
});

test('binaryPath prefers HARBOR_MOCK_BIN', () => {
  const saved = process.env.HARBOR_MOCK_BIN;
  process.env.HARBOR_MOCK_BIN = '/opt/elsewhere/harbor-mock';
  try {
    assert.equal(binaryPath(), '/opt/elsewhere/harbor-mock');
  } finally {
    if (saved === undefined) delete process.env.HARBOR_MOCK_BIN;
    else process.env.HARBOR_MOCK_BIN = saved;
  }
  assert.ok(existsSync(binaryPath()), 'the binary under test exists');
});

test('connectHarborMock attaches to a running server and leaves it running', async () => {
  const server = await startHarborMock();
  try {
    const attached = await connectHarborMock(`${server.url}/`);
    assert.equal(attached.url, server.url);
    assert.equal(attached.pid, undefined);
    const session = await attached.session();
    assert.equal((await createRobot(session.apiUrl)).status, 201);
    await attached.stop();
    assert.equal((await server.reset()).users, 4);
  } finally {
    await server.stop();
  }
  await assert.rejects(connectHarborMock(server.url), { name: 'HarborMockError', message: new RegExp(`no harbor-mock answers at ${server.url}`) });
});
