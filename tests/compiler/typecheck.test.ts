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

function runTsc(): { status: number | null; errors: TscError[]; raw: string; files?: number } {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const dir = path.join(repoRoot, 'build', 'typecheck');
  fs.mkdirSync(dir, { recursive: true });
  const cfg = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(cfg, JSON.stringify({
    extends: '../../tsconfig.subset.json',
    exclude: ['../../tests/subset/diag/**', '../../node_modules', '../../build'],
  }, null, 2) + '\n');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', cfg, '--pretty', 'false', '--diagnostics'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20,
  });
  const raw = (r.stdout ?? '') + (r.stderr ?? '');
  const errors: TscError[] = [];
  for (const line of raw.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): error TS\d+: /.exec(line);
    if (m) errors.push({ file: path.relative(repoRoot, path.resolve(repoRoot, m[1])).replace(/\\/g, '/'), text: line });
    else if (/^error TS\d+: /.test(line)) errors.push({ file: '', text: line });
  }
  const files = /^Files:\s+(\d+)$/m.exec(raw);
  return { status: r.status, errors, raw, files: files ? Number(files[1]) : undefined };
}

// The files tsconfig.subset.json's include / exclude name (its globs are `dir/*.ext` and
// `dir/**/*.ext`), found here by walking the directories, not by asking tsc.
function subsetFiles(): string[] {
  const text = fs.readFileSync(path.join(repoRoot, 'tsconfig.subset.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const cfg = JSON.parse(text) as { include: string[]; exclude: string[] };
  const excluded = [...cfg.exclude, INTENTIONALLY_INVALID + '**'].map((e) => e.replace(/\*\*$/, ''));
  const out = new Set<string>();
  const walk = (dir: string, deep: boolean, suffix: string) => {
    if (!fs.existsSync(path.join(repoRoot, dir))) return;
    for (const e of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory() && deep) walk(rel, deep, suffix);
      else if (e.isFile() && e.name.endsWith(suffix) && !excluded.some((x) => rel.startsWith(x))) out.add(rel);
    }
  };
  for (const inc of cfg.include) {
    const m = /^(.*?)\/(\*\*\/)?\*([^*/]*)$/.exec(inc);
    if (!m) throw new Error(`tsconfig.subset.json: include "${inc}" is not of the form dir/*.ext or dir/**/*.ext`);
    walk(m[1], m[2] !== undefined, m[3]);
  }
  return [...out].sort();
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

// tsc finished (no crash, no timeout, which could leave error lines behind too) and read
// exactly the files the configuration names: none missing, none pulled in from elsewhere.
test('typecheck: tsc ran to completion over every subset source', () => {
  assert.ok(result.files !== undefined, `tsc printed no "Files:" count (it did not finish):\n${result.raw.slice(-2000)}`);
  assert.is(result.status, result.errors.length ? 2 : 0, `tsc exit status with ${result.errors.length} errors:\n${result.raw.slice(-2000)}`);
  const want = subsetFiles();
  assert.ok(want.length > 100, `only ${want.length} subset sources found`);
  assert.is(result.files, want.length, `tsc checked ${result.files} files; tsconfig.subset.json names ${want.length}`);
});

test.run();
