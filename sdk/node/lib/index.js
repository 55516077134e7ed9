// harbor-mock for JavaScript tests: start the binary, read its port from the startup line,
// and drive its control API (/_mock/...). Types: index.d.ts.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HarborMockError, binaryPath } from './binary.js';

export { HarborMockError, binaryPath, PLATFORM_PACKAGES } from './binary.js';

// The startup line, in either log format (pretty text, or json's fields.message).
const LISTENING = /harbor-mock listening on http:\/\/([^\s;"]+)/;
const KEEP_LINES = 500;
const TAIL_LINES = 20;
// The control token when none is given: a server started with --control-token (a container,
// a CI service) wants it on every control call but /_mock/health.
const CONTROL_TOKEN_ENV = 'HARBOR_MOCK_CONTROL_TOKEN';

/** `given`, else $HARBOR_MOCK_CONTROL_TOKEN; an empty string is no token. */
function controlToken(given) {
  return (given ?? process.env[CONTROL_TOKEN_ENV]) || undefined;
}

// Node has no parent-death signal, so a small shell stands between: it starts a watcher that
// waits for EOF on stdin, then execs the server in its own place (so the child's pid is the
// server's). Our end of that stdin pipe closes when this process ends in any way, SIGKILL
// included; the watcher then sends the server SIGTERM. The watcher is detached from the shell
// (double fork) and has its stdout and stderr on /dev/null, so the server's output pipes end
// when the server does. `$$` is the shell's pid, which the exec hands to the server. (When the
// server has already exited, that kill finds a pid just freed: Linux hands pids out in
// sequence, so it is not someone else's within that moment.)
const WATCHDOG = `
exec 3<&0
( ( while read -r _ <&3; do :; done; kill -TERM $$ ) </dev/null >/dev/null 2>&1 & )
exec "$@" 3<&- </dev/null
`;

/** Servers still running, stopped synchronously if this process exits normally first. */
const live = new Set();
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

/** A control call the server refused (`status` > 0) or that did not reach it (`status` 0). */
export class ControlError extends Error {
  name = 'ControlError';
  constructor(method, url, status, message) {
    super(`${method} ${url}: ${status || 'no answer'}: ${message}`);
    this.method = method;
    this.url = url;
    this.status = status;
    this.serverMessage = message;
  }
}

function formatTime(when) {
  return when instanceof Date ? when.toISOString() : String(when);
}

class Clock {
  #call;
  constructor(call) {
    this.#call = call;
  }
  /** `{ now, frozen }`: the instance's time (RFC 3339, ms, Z) and whether it stands still. */
  get() {
    return this.#call('GET', '/clock');
  }
  /** Move to `now` and/or freeze (`frozen: true`) or release the clock. */
  set({ now, frozen } = {}) {
    const body = {};
    if (now !== undefined) body.now = formatTime(now);
    if (frozen !== undefined) body.frozen = frozen;
    return this.#call('PUT', '/clock', body);
  }
  /** Move on (back when negative): `'31d'`, `'1h30m'`, or a number of milliseconds. */
  advance(by) {
    return this.#call('POST', '/clock/advance', { by: typeof by === 'number' ? `${Math.round(by)}ms` : by });
  }
}

class Faults {
  #call;
  constructor(call) {
    this.#call = call;
  }
  /** Add a rule (`{ path, method?, status?, times?, message?, latency_ms?, drop? }`); returns it with its `id`. */
  add(rule) {
    return this.#call('POST', '/faults', rule);
  }
  /** The rules in force, oldest first. */
  list() {
    return this.#call('GET', '/faults');
  }
  /** Remove one rule; ControlError 404 if there is none with that id. */
  async remove(id) {
    await this.#call('DELETE', `/faults/${id}`);
  }
  /** Remove every rule. */
  async clear() {
    for (const rule of await this.list()) {
      try {
        await this.remove(rule.id);
      } catch (e) {
        if (!(e instanceof ControlError && e.status === 404)) throw e; // used up meanwhile
      }
    }
  }
}

/** What a server and a session have in common: URLs and the control API of that instance. */
class Instance {
  #url;
  #token;
  constructor(url, token) {
    this.#url = url;
    this.#token = token;
    const call = (method, path, body) => this._call(method, path, body);
    /** The instance's clock. */
    this.clock = new Clock(call);
    /** The instance's fault rules. */
    this.faults = new Faults(call);
  }

  /** `http://127.0.0.1:PORT`, or `http://127.0.0.1:PORT/sessions/ID` for a session. */
  get url() {
    return this.#url;
  }

  /** `url + '/api/v2.0'`. */
  get apiUrl() {
    return `${this.#url}/api/v2.0`;
  }

  _setUrl(url) {
    this.#url = url;
  }

  _controlToken() {
    return this.#token;
  }

  async _call(method, path, body) {
    const target = `${this.#url}/_mock${path}`;
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let response;
    try {
      response = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ControlError(method, target, 0, e.cause?.message ?? e.message);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.trim();
      try {
        message = JSON.parse(text).errors[0].message;
      } catch {
        // not Harbor's envelope: keep the raw body
      }
      throw new ControlError(method, target, response.status, message);
    }
    return text.trim() ? JSON.parse(text) : undefined;
  }

  /** Back to the fixtures (state, clock, journal, faults); resolves to the counts loaded. */
  reset() {
    return this._call('POST', '/reset');
  }

  /** The whole state in fixtures format (robots with hashed secrets). */
  state() {
    return this._call('GET', '/state');
  }

  /** Replace the state (fixtures format); resolves to the counts loaded. */
  loadState(state) {
    return this._call('PUT', '/state', state);
  }

  /** Requests received, oldest first; filter by `method`, `path` (`*` wildcards), `status`. */
  journal(filter = {}) {
    const query = new URLSearchParams();
    for (const key of ['method', 'path', 'status']) {
      if (filter[key] !== undefined) query.set(key, String(filter[key]));
    }
    const qs = query.toString();
    return this._call('GET', `/journal${qs ? `?${qs}` : ''}`);
  }

  /** Forget the journaled requests; resolves to how many there were. */
  async clearJournal() {
    return (await this._call('DELETE', '/journal')).cleared;
  }
}

/** An isolated instance on a server, under `/sessions/<id>`; `close()` deletes it. */
export class Session extends Instance {
  #server;
  #closed = false;
  constructor(server, id, url) {
    super(url, server._controlToken());
    this.#server = server;
    /** The session id. */
    this.id = id;
  }

  /** Delete the session; idempotent, and quiet when the server is already gone. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#server._call('DELETE', `/sessions/${this.id}`);
    } catch (e) {
      if (!(e instanceof ControlError && (e.status === 0 || e.status === 404))) throw e;
    }
  }

  [Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')]() {
    return this.close();
  }
}

/** A running harbor-mock process. */
export class HarborMock extends Instance {
  #child;
  #exited;
  #lines;
  #tmp;
  constructor(child, exited, lines, binary, tmp, token) {
    super('', token);
    this.#child = child;
    this.#exited = exited;
    this.#lines = lines;
    this.#tmp = tmp;
    /** The executable that was run. */
    this.binary = binary;
    /** The server's process id (undefined for an attached server). */
    this.pid = child?.pid;
    /** Milliseconds from `startHarborMock()` to a server that answered its health check. */
    this.startupMs = undefined;
  }

  /** The server's output lines (the last 500 at most). */
  logs() {
    return [...this.#lines];
  }

  /** A new isolated instance (own state, clock, journal, faults); `fixtures`: an object or a file path. */
  async session({ fixtures } = {}) {
    const body = typeof fixtures === 'string' ? JSON.parse(readFileSync(fixtures, 'utf8')) : fixtures;
    const created = await this._call('POST', '/sessions', body);
    return new Session(this, created.id, this.url + created.base_path);
  }

  /** The sessions that live on this server: `[{ id, created, last_used, robots }]`. */
  sessions() {
    return this._call('GET', '/sessions');
  }

  /** Stop the server: SIGTERM (it exits at once), SIGKILL after 5 s. Idempotent. A server
   * attached with connectHarborMock() is left running. */
  async stop() {
    const child = this.#child;
    if (!child) return;
    child.ref(); // keep the event loop alive until it has exited
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      child.stdin?.destroy(); // ends the watcher
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await this.#exited;
      clearTimeout(timer);
    }
    live.delete(child);
    if (this.#tmp) rmSync(this.#tmp, { recursive: true, force: true });
  }

  [Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')]() {
    return this.stop();
  }
}

function commandArgs(options, token, tmp) {
  const args = ['--listen', '127.0.0.1:0'];
  const { fixtures, seed, clock, robotPrefix, journalSize } = options;
  if (fixtures !== undefined && typeof fixtures === 'object') {
    const path = join(tmp(), 'fixtures.json');
    writeFileSync(path, JSON.stringify(fixtures));
    args.push('--fixtures', path);
  } else if (fixtures !== undefined) {
    args.push('--fixtures', String(fixtures));
  }
  if (seed !== undefined) args.push('--seed', String(seed));
  if (clock !== undefined) args.push('--clock', formatTime(clock));
  if (robotPrefix !== undefined) args.push('--robot-prefix', robotPrefix);
  if (journalSize !== undefined) args.push('--journal-size', String(journalSize));
  if (token) args.push('--control-token', token);
  return [...args, ...(options.args ?? [])];
}

/**
 * Rejects with HarborMockError when the control API refuses our token (or its absence).
 * /_mock/health takes none, so this asks a guarded route; other errors (a control API
 * switched off with --no-control) are left to the calls that meet them.
 */
async function checkToken(server, who) {
  try {
    await server._call('GET', '/clock');
  } catch (e) {
    if (!(e instanceof ControlError && e.status === 401)) return;
    const given = server._controlToken()
      ? 'the control token given was refused'
      : 'it needs a control token and none was given';
    throw new HarborMockError(
      `${who}: 401 unauthorized: ${given}. Pass the server's --control-token as controlToken or in $${CONTROL_TOKEN_ENV}.`,
    );
  }
}

/**
 * Attach to a harbor-mock that runs already (a container, a CI service) at `url`: the same
 * API, but `stop()` leaves it running. `options.controlToken`: the server's --control-token,
 * sent as `Authorization: Bearer <token>` on every control call (default
 * $HARBOR_MOCK_CONTROL_TOKEN). Rejects with HarborMockError when none answers there, or when
 * it answers 401 because the token is missing or wrong.
 */
export async function connectHarborMock(url, options = {}) {
  const server = new HarborMock(null, null, [], undefined, undefined, controlToken(options.controlToken));
  server._setUrl(url.replace(/\/+$/, ''));
  try {
    await server._call('GET', '/health');
  } catch (e) {
    throw new HarborMockError(`no harbor-mock answers at ${url}: ${e.message}`);
  }
  await checkToken(server, `harbor-mock at ${url}`);
  return server;
}

/**
 * Start harbor-mock on 127.0.0.1 and a free port and wait until it answers.
 * Rejects with HarborMockError (naming the binary, with its last log lines) when it cannot.
 */
export async function startHarborMock(options = {}) {
  const began = performance.now();
  const binary = options.binary ?? binaryPath();
  try {
    accessSync(binary, constants.X_OK);
  } catch (e) {
    throw new HarborMockError(`harbor-mock could not be run: ${binary}: ${e.code ?? e.message}`);
  }
  let tmp;
  const token = controlToken(options.controlToken);
  const args = commandArgs(options, token, () => (tmp ??= mkdtempSync(join(tmpdir(), 'harbor-mock-'))));
  // Our settings only: a HARBOR_MOCK_* variable meant for another server (a control token,
  // a state file, a listen address) must not change this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HARBOR_MOCK_')));
  env.NO_COLOR = '1';
  const child =
    process.platform === 'win32'
      ? spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
      : spawn('/bin/sh', ['-c', WATCHDOG, 'harbor-mock', binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  live.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = [];
  // The control token stays out of error messages (and the CI logs they end up in).
  const command = [binary, ...args].map((a, i) => (i > 0 && args[i - 1] === '--control-token' ? '***' : a)).join(' ');
  const server = new HarborMock(child, exited, lines, binary, tmp, token);

  let ready;
  const address = new Promise((resolve) => (ready = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    // Read to the end so the server never blocks on a full pipe.
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
      const match = LISTENING.exec(line);
      if (match) ready(match[1]);
    });
  }
  const fail = async (what) => {
    await server.stop();
    const tail = lines.slice(-TAIL_LINES).map((l) => `  ${l}`).join('\n') || '  (no output)';
    return new HarborMockError(`harbor-mock did not start: ${what}\ncommand: ${command}\nlast log lines:\n${tail}`);
  };

  let timer;
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const outcome = await Promise.race([
    address.then((addr) => ({ addr })),
    // 'exit' can come before the last lines are read: wait for the streams to end too.
    exited.then(async (how) => {
      await Promise.all([child.stdout, child.stderr].map((s) => s.closed || once(s, 'close')));
      return { how };
    }),
    new Promise((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome.how) {
    const { code, signal } = outcome.how;
    throw await fail(`${binary} exited with ${signal ? `signal ${signal}` : `status ${code}`} before listening`);
  }
  if (outcome.timeout) {
    throw await fail(`${binary} printed no listening line within ${timeoutMs} ms and was stopped`);
  }
  server._setUrl(`http://${outcome.addr}`);
  try {
    // The socket is bound before the startup line is printed, so this is no poll: it checks
    // that the control API answers (and was not switched off through `args`).
    await server._call('GET', '/health');
  } catch (e) {
    throw await fail(`${binary}: ${e.message}`);
  }
  try {
    // A --control-token in `args` that is not `controlToken`.
    await checkToken(server, `harbor-mock started, but ${binary}`);
  } catch (e) {
    await server.stop();
    throw e;
  }
  // A server the test forgets to stop must not keep Node alive; it dies with this process.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.unref?.();
  server.startupMs = performance.now() - began;
  return server;
}
