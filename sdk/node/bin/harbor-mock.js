#!/usr/bin/env node
// `npx harbor-mock ...`: runs the platform binary with the same arguments and stdio, passes
// on termination signals, and exits as it exits.

import { spawn } from 'node:child_process';
import { binaryPath } from '../lib/binary.js';

let binary;
try {
  binary = binaryPath();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of signals) process.on(signal, () => child.kill(signal));
child.on('error', (e) => {
  console.error(`harbor-mock: cannot run ${binary}: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so the caller sees what the server saw.
    for (const s of signals) process.removeAllListeners(s);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
