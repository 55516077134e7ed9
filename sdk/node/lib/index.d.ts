// Types of harbor-mock's JavaScript API (lib/index.js).

/** Fixtures as the server reads them (README "Fixtures format"). */
export interface Fixtures {
  users?: Array<{ id: number; username: string; password?: string; sysadmin?: boolean; [key: string]: unknown }>;
  projects?: Array<{ id: number; name: string }>;
  members?: Array<{ project: string; user: string; role: string | number }>;
  robots?: Array<Record<string, unknown>>;
}

export interface StartOptions {
  /** A fixtures file path or object; the binary's built-in defaults when omitted. */
  fixtures?: string | Fixtures;
  /** Reproducible secrets, salts, request and session ids. */
  seed?: number | bigint;
  /** Start the clock here (RFC 3339 or Date), frozen until moved. */
  clock?: string | Date;
  /** Robot name prefix (default `robot$`). */
  robotPrefix?: string;
  /** Requests the journal keeps (default 1000). */
  journalSize?: number;
  /** The executable (default: `binaryPath()`). */
  binary?: string;
  /** Extra command-line flags, e.g. `['--session-ttl', '30m']`. */
  args?: string[];
  /** How long to wait for the startup line (default 10000). */
  startTimeoutMs?: number;
  /**
   * Passed to the server as `--control-token` and sent as `Authorization: Bearer <token>` on
   * every control call, its sessions' included. Default `$HARBOR_MOCK_CONTROL_TOKEN`; `''` for none.
   */
  controlToken?: string;
}

export interface ConnectOptions {
  /** The server's `--control-token` (default `$HARBOR_MOCK_CONTROL_TOKEN`; `''` for none). */
  controlToken?: string;
}

/** The counts of records loaded by reset() / loadState(). */
export interface Counts {
  users: number;
  projects: number;
  members: number;
  robots: number;
}

export interface ClockState {
  /** RFC 3339 with milliseconds and `Z`. */
  now: string;
  frozen: boolean;
}

/** A fault rule, in the server's field names. `id` is set by the server. */
export interface FaultRule {
  id?: number;
  method?: string;
  /** Path pattern with `*` wildcards, e.g. `/api/v2.0/robots/*`. */
  path: string;
  /** Fire this many times only (always when absent). */
  times?: number;
  /** Answer with this status and Harbor's error body. */
  status?: number;
  /** Error message (statuses below 500). */
  message?: string;
  latency_ms?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

/**
 * One journaled request. `authorization` and cookies in `headers` are redacted, and so is the
 * value of every key naming a secret or password in `body`.
 */
export interface JournalEntry {
  /** Position in the journal's history, from 1. */
  seq: number;
  /** The instance's clock when the request arrived (RFC 3339). */
  time: string;
  method: string;
  /** A session's path without its `/sessions/<id>` prefix. */
  path: string;
  /** The raw query string; absent when empty. */
  query?: string;
  request_id: string;
  /** `client` when the request carried `X-Request-Id`, `generated` when the mock made it. */
  request_id_source: 'client' | 'generated';
  status: number;
  /** The response body's size in bytes. */
  response_size: number;
  /** Why the mock answered a 500 (its `X-Harbor-Mock-Error` header); absent otherwise. */
  error?: string;
  /** `anonymous`, a username, or a robot's full name. */
  caller: string;
  headers: Record<string, string>;
  /** The request body's size in bytes, as sent. */
  body_size: number;
  /** The request body as text (redacted), up to the server's per-body limit; absent when empty. */
  body?: string;
  /** `true` when `body` was cut at that limit; absent otherwise. */
  body_truncated?: true;
}

/** A live session, as `GET /_mock/sessions` lists it. */
export interface SessionInfo {
  id: string;
  /** When it was made (RFC 3339, real time). */
  created: string;
  /** When a request last reached it (RFC 3339, real time). */
  last_used: string;
  /** Robots it holds. */
  robots: number;
}

export interface JournalFilter {
  method?: string;
  /** Exact path or a pattern with `*` wildcards. */
  path?: string;
  status?: number;
}

export declare class Clock {
  get(): Promise<ClockState>;
  set(change: { now?: string | Date; frozen?: boolean }): Promise<ClockState>;
  /** `'31d'`, `'1h30m'`, `'-2h'`, or milliseconds. */
  advance(by: string | number): Promise<ClockState>;
}

export declare class Faults {
  add(rule: FaultRule): Promise<Required<Pick<FaultRule, 'id' | 'path'>> & FaultRule>;
  list(): Promise<FaultRule[]>;
  remove(id: number): Promise<void>;
  clear(): Promise<void>;
}

/** What a server and a session share; every call acts on that instance only. */
export declare class Instance {
  /** `http://127.0.0.1:PORT`, or `.../sessions/ID` for a session. */
  readonly url: string;
  /** `url + '/api/v2.0'`. */
  readonly apiUrl: string;
  readonly clock: Clock;
  readonly faults: Faults;
  reset(): Promise<Counts>;
  state(): Promise<Fixtures>;
  loadState(state: Fixtures): Promise<Counts>;
  journal(filter?: JournalFilter): Promise<JournalEntry[]>;
  clearJournal(): Promise<number>;
}

export declare class Session extends Instance {
  readonly id: string;
  /** Delete the session (idempotent). */
  close(): Promise<void>;
}

export declare class HarborMock extends Instance {
  /** The executable that was run (undefined when attached). */
  readonly binary: string | undefined;
  /** The server's process id (undefined when attached). */
  readonly pid: number | undefined;
  /** Milliseconds from startHarborMock() to a server that answered its health check. */
  readonly startupMs: number;
  /** The server's output lines (the last 500). */
  logs(): string[];
  /** A new isolated instance; `fixtures` defaults to the server's. */
  session(options?: { fixtures?: string | Fixtures }): Promise<Session>;
  /** The sessions that live on this server. */
  sessions(): Promise<SessionInfo[]>;
  /** SIGTERM, SIGKILL after 5 s; idempotent. An attached server is left running. */
  stop(): Promise<void>;
}

/** A control call refused by the server (`status` > 0) or that did not reach it (0). */
export declare class ControlError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The first message of Harbor's error envelope. */
  readonly serverMessage: string;
}

/** The binary could not be found or the server did not start. */
export declare class HarborMockError extends Error {}

/** Platform packages by `${process.platform} ${process.arch}`. */
export declare const PLATFORM_PACKAGES: Readonly<Record<string, string>>;

/** `$HARBOR_MOCK_BIN`, else the installed platform package's binary. Throws HarborMockError. */
export declare function binaryPath(): string;

/**
 * Start harbor-mock on 127.0.0.1 and a free port, and wait until it answers.
 * Rejects with HarborMockError naming the binary and quoting its last log lines.
 */
export declare function startHarborMock(options?: StartOptions): Promise<HarborMock>;

/**
 * Attach to a harbor-mock that runs already (a container, a CI service): the same API, but
 * `stop()` leaves it running. Rejects with HarborMockError when none answers at `url`, or when
 * it answers 401 because the control token is missing or wrong.
 */
export declare function connectHarborMock(url: string, options?: ConnectOptions): Promise<HarborMock>;
