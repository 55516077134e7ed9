// Where the harbor-mock executable is: $HARBOR_MOCK_BIN, else the platform package that npm
// installed as an optional dependency (the esbuild pattern: one small package per platform,
// each carrying one binary, of which npm installs only the one whose `os`/`cpu` match).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The platform packages, by `${process.platform} ${process.arch}`. Add a line per new build. */
export const PLATFORM_PACKAGES = {
  'linux x64': '@harbor-mock/linux-x64',
};

/** Raised when the binary cannot be found or the server does not start. */
export class HarborMockError extends Error {
  name = 'HarborMockError';
}

/**
 * The path of the harbor-mock executable.
 * @returns {string}
 * @throws {HarborMockError} naming what was looked for, when there is no binary.
 */
export function binaryPath() {
  if (process.env.HARBOR_MOCK_BIN) return process.env.HARBOR_MOCK_BIN;
  const key = `${process.platform} ${process.arch}`;
  const pkg = PLATFORM_PACKAGES[key];
  if (!pkg) {
    throw new HarborMockError(
      `harbor-mock has no binary for ${key} (built: ${Object.keys(PLATFORM_PACKAGES).join(', ')}); ` +
        'build one (cargo install harbor-mock) and set HARBOR_MOCK_BIN to it',
    );
  }
  const exe = process.platform === 'win32' ? 'harbor-mock.exe' : 'harbor-mock';
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    throw new HarborMockError(
      `harbor-mock binary not found: $HARBOR_MOCK_BIN is unset and ${pkg} is not installed ` +
        '(was the install run with --omit=optional or --no-optional, or on another platform?); ' +
        `reinstall harbor-mock, or npm install ${pkg}, or set HARBOR_MOCK_BIN`,
    );
  }
}
