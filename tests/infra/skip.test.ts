// tests/lib/skip.ts: a test that cannot run is counted as skipped (with its reason in its
// name and on the output), never as passed; under CI=true it is a failure, unless the skip
// is a deliberate choice. Each case runs a small uvu suite in its own Node process, as the
// test runner does, and reads uvu's summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { makeTempDir, removeDir } from '../lib/toolchain';

const work = makeTempDir('skip');
const SKIP_JS = path.join(__dirname, '..', 'lib', 'skip.js');

/** Runs a suite of one `testIf` with `missing` and `always`; its summary counts and output. */
function runOne(missing: string | undefined, ci: boolean, always = false) {
  const file = path.join(work, `case-${Math.random().toString(36).slice(2)}.js`);
  fs.writeFileSync(file, [
    `const { test } = require(${JSON.stringify(require.resolve('uvu'))});`,
    `const { testIf } = require(${JSON.stringify(SKIP_JS)});`,
    `testIf(test, 'needs a thing', ${JSON.stringify(missing)}, () => { console.log('BODY RAN'); }, { always: ${always} });`,
    'test.run();',
  ].join('\n'));
  const env = { ...process.env, CI: ci ? 'true' : '' };
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env });
  const out = r.stdout + r.stderr;
  const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1]);
  return { status: r.status, out, total: num('Total'), passed: num('Passed'), skipped: num('Skipped') };
}

test('nothing missing: the test runs and passes', () => {
  const r = runOne(undefined, false);
  assert.is(r.status, 0, r.out);
  assert.is(r.passed, 1, r.out);
  assert.is(r.skipped, 0, r.out);
  assert.match(r.out, /BODY RAN/);
});

test('something missing: a skip with the reason, not a pass, and the body does not run', () => {
  const r = runOne('needs frobnicate-9 (apt-get install frobnicate)', false);
  assert.is(r.status, 0, r.out);
  assert.is(r.passed, 0, r.out);
  assert.is(r.skipped, 1, r.out);
  // uvu's Total leaves skips out: tests/run.ts counts failures as Total - Passed.
  assert.is(r.total, 0, r.out);
  assert.match(r.out, /skipped: needs a thing: needs frobnicate-9 \(apt-get install frobnicate\)/);
  assert.not.match(r.out, /BODY RAN/);
});

test('something missing under CI=true: a failure naming what is missing', () => {
  const r = runOne('needs frobnicate-9', true);
  assert.is(r.status, 1, r.out);
  assert.is(r.total, 1, r.out);
  assert.is(r.passed, 0, r.out);
  assert.is(r.skipped, 0, r.out);
  assert.match(r.out, /cannot run under CI=true: needs frobnicate-9/);
});

test('a deliberate skip stays a skip under CI=true', () => {
  const r = runOne('another kernel is under test', true, true);
  assert.is(r.status, 0, r.out);
  assert.is(r.skipped, 1, r.out);
  assert.is(r.passed, 0, r.out);
});

test.after(() => removeDir(work));

test.run();
