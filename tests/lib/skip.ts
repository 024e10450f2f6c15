// Tests that cannot run here are skips that say why, never early returns counted as passes.
// uvu counts a `test.skip` in its "Skipped:" line, tests/run.ts adds those up and prints
// them in its closing line. Under CI=true (which CI services set), a skip because a tool, a
// package, an artifact or a privilege is missing is a failure instead: CI installs
// everything (scripts/setup.js) and runs as root, so a missing piece there is a broken
// setup, not a reason to test less.
import * as fs from 'fs';
import * as path from 'path';
import type { Callback, Test } from 'uvu';

export const IN_CI = process.env.CI === 'true';

/**
 * Registers `name` on `suite`: as a normal test when `missing` is undefined; otherwise as
 * a skip whose name says what is missing (a failure with that message under CI=true).
 * `always`: the skip is a deliberate choice (an environment variable selects another
 * mode), not a missing piece, so CI skips it too.
 */
export function testIf(suite: Test, name: string, missing: string | undefined, fn: Callback, opts: { always?: boolean } = {}): void {
  if (missing === undefined) {
    suite(name, fn);
  } else if (IN_CI && !opts.always) {
    suite(name, () => {
      throw new Error(`cannot run under CI=true: ${missing}`);
    });
  } else {
    console.log(`  skipped: ${name}: ${missing}`);
    suite.skip(`${name} (skipped: ${missing})`, fn);
  }
}

/** Whether `cmd` is on PATH (for the reason of a skip). */
export function onPath(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  return dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
