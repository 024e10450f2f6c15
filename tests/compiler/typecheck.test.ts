// Every subset source must type-check with plain tsc against the subset's ambient
// declarations (`tsc --noEmit -p tsconfig.subset.json`), so editors show no false errors.
// tests/subset/diag/ holds programs that are wrong on purpose (the compiler must reject
// them), so the check runs on tsconfig.subset.json through a derived config in build/
// that only adds an exclude for that folder (some of its constructs, e.g. generators, make
// tsc report global errors that no file filter could attribute). Errors anywhere else fail the test,
// and files that are not subset sources at all (Node-side code, node_modules) being pulled
// into the subset check are reported separately, as a configuration error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../lib/toolchain';

const SUBSET_ROOTS = ['toolchain/lib/', 'toolchain/std/', 'common/', 'loader/', 'kernel-stub/', 'tests/subset/', 'bench/subset/'];
const INTENTIONALLY_INVALID = 'tests/subset/diag/';

interface TscError { file: string; text: string }

function runTsc(): { status: number | null; errors: TscError[]; raw: string } {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const dir = path.join(repoRoot, 'build', 'typecheck');
  fs.mkdirSync(dir, { recursive: true });
  const cfg = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(cfg, JSON.stringify({
    extends: '../../tsconfig.subset.json',
    exclude: ['../../tests/subset/diag/**', '../../node_modules', '../../build'],
  }, null, 2) + '\n');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', cfg, '--pretty', 'false'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20,
  });
  const raw = (r.stdout ?? '') + (r.stderr ?? '');
  const errors: TscError[] = [];
  for (const line of raw.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): error TS\d+: /.exec(line);
    if (m) errors.push({ file: path.relative(repoRoot, path.resolve(repoRoot, m[1])).replace(/\\/g, '/'), text: line });
    else if (/^error TS\d+: /.test(line)) errors.push({ file: '', text: line });
  }
  return { status: r.status, errors, raw };
}

const result = runTsc();

test('typecheck: subset sources have no tsc errors', () => {
  const bad = result.errors.filter((e) => SUBSET_ROOTS.some((r) => e.file.startsWith(r)) && !e.file.startsWith(INTENTIONALLY_INVALID));
  assert.is(bad.length, 0, `${bad.length} tsc errors in subset sources:\n${bad.slice(0, 40).map((e) => e.text).join('\n')}`);
});

test('typecheck: tsconfig.subset.json checks only subset sources', () => {
  const foreign = result.errors.filter((e) => !SUBSET_ROOTS.some((r) => e.file.startsWith(r)));
  const files = [...new Set(foreign.map((e) => e.file || '(global)'))];
  assert.is(foreign.length, 0,
    `tsc -p tsconfig.subset.json reports ${foreign.length} errors in files that are not subset sources (its "include" pulls them in): ${files.slice(0, 10).join(', ')}\n${foreign.slice(0, 5).map((e) => e.text).join('\n')}`);
});

test('typecheck: tsc ran', () => {
  assert.ok(result.status === 0 || result.errors.length > 0, `tsc failed without reporting errors:\n${result.raw.slice(0, 2000)}`);
});

test.run();
