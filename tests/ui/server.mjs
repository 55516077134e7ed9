// Starts the release harbor-mock binary for the browser tests and stops it again.
//
// The server listens on 127.0.0.1:0; its address is read from the startup line
// `harbor-mock listening on http://ADDR; ...`. The binary is $HARBOR_MOCK_BIN, else
// $CARGO_TARGET_DIR/release/harbor-mock, else target/release/harbor-mock.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function binary() {
  if (process.env.HARBOR_MOCK_BIN) return process.env.HARBOR_MOCK_BIN;
  const target = path.resolve(REPO, process.env.CARGO_TARGET_DIR || 'target');
  return path.join(target, 'release', 'harbor-mock');
}

const LISTENING = /harbor-mock listening on http:\/\/([^\s;]+)/;
// The pretty log format may colour parts of the line.
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Starts a server with `args` besides --listen; resolves to { url, log, stop } once it
 * listens, or rejects with its output if it exits first or takes longer than 20 s.
 */
export function startServer(args = []) {
  const child = spawn(binary(), ['--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`harbor-mock did not start within 20 s:\n${log.join('')}`));
    }, 20_000);
    const read = (chunk) => {
      const text = chunk.toString();
      log.push(text);
      const found = LISTENING.exec(text.replace(ANSI, ''));
      if (found) {
        clearTimeout(timer);
        resolve({ url: `http://${found[1]}`, log, stop: () => stop(child) });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harbor-mock exited (${code}) before listening:\n${log.join('')}`));
    });
  });
}

/** SIGTERM, and resolves once the process has exited. */
function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
