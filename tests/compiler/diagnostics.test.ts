// Golden diagnostic tests: every tests/subset/diag/*.ts is a program the compiler must
// reject or warn about. Its sibling .expected lists the exact diagnostics (one
// `file:line:col: error: ...` or `...: warning: ...` per line, file names reduced to the
// base name). The compiler must report every listed diagnostic and nothing else, exit 1
// when any of them is an error (0 when there are only warnings), and never print a
// JavaScript stack trace.
//
// A `// @target <t>` line in the program picks the target (default x86_64-linux).
// To regenerate after an intended change: TSBOOT_DIAG_UPDATE=1 node build/js/tests/compiler/diagnostics.test.js
// and review every changed message by hand (it must say what is wrong and what to use instead).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compileSubsetAsync, compilerBuilt, describe, hasStackTrace, makeTempDir, removeDir, repoRoot, RunResult } from '../lib/toolchain';

const diagDir = path.join(repoRoot, 'tests', 'subset', 'diag');
const update = process.env.TSBOOT_DIAG_UPDATE === '1';
const DIAG_LINE = /^(\S+?):(\d+):(\d+): (error|warning): (.+)$/;

/** Diagnostic lines of a compiler run, with every path reduced to its base name. */
export function diagnosticsOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const m = DIAG_LINE.exec(raw.trim());
    if (m) out.push(`${path.basename(m[1])}:${m[2]}:${m[3]}: ${m[4]}: ${m[5]}`);
  }
  return out;
}

const files = fs.readdirSync(diagDir).filter((f) => f.endsWith('.ts')).sort();
const work = makeTempDir('diag');
const results = new Map<string, RunResult>();

test.before(async () => {
  if (!compilerBuilt()) return;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const f = files[next++];
      const src = fs.readFileSync(path.join(diagDir, f), 'utf8');
      const target = /^\s*\/\/\s*@target\s+(\S+)/m.exec(src)?.[1] ?? 'x86_64-linux';
      // A path relative to the repository, as a user would type it.
      const rel = path.relative(repoRoot, path.join(diagDir, f));
      results.set(f, await compileSubsetAsync(rel, { target, out: path.join(work, f.replace(/\.ts$/, '')), opt: 'O0' }));
    }
  }
  await Promise.all([worker(), worker()]);
});

for (const f of files) {
  const expectedFile = path.join(diagDir, f.replace(/\.ts$/, '.expected'));
  test(`diag ${f}`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built (build/js/toolchain/src/cli.js); run npx tsc -p tsconfig.json');
    const r = results.get(f)!;
    const all = r.stdout + r.stderr;
    assert.ok(!hasStackTrace(all), `the compiler printed a stack trace:\n${describe(r)}`);
    const got = diagnosticsOf(all);
    assert.ok(got.length > 0, `no file:line:col: error/warning: diagnostics printed:\n${describe(r)}`);
    const errors = got.some((d) => / error: /.test(d));
    assert.is(r.status, errors ? 1 : 0, `expected exit status ${errors ? '1 (rejected program)' : '0 (warnings only)'}:\n${describe(r)}`);
    // Every line names this file (or the module it imports) with a real position.
    for (const d of got) assert.match(d, /^[\w.-]+\.ts:[1-9]\d*:[1-9]\d*: (error|warning): \S/);
    if (update) {
      fs.writeFileSync(expectedFile, got.join('\n') + '\n');
      return;
    }
    assert.ok(fs.existsSync(expectedFile), `missing ${path.relative(repoRoot, expectedFile)} (generate with TSBOOT_DIAG_UPDATE=1, then review)`);
    const want = fs.readFileSync(expectedFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
    assert.equal(got, want, `diagnostics differ for ${f}:\n${describe(r)}`);
  });
}

test('diag: a program with several errors reports all of them', () => {
  const r = results.get('several_errors.ts');
  assert.ok(r, 'several_errors.ts was not compiled');
  const lines = new Set(diagnosticsOf(r!.stdout + r!.stderr).map((d) => d.split(':')[1]));
  // class (2), untyped let (4), number (5), literal range (6), arrow (7), truthiness (8), throw (9)
  for (const line of ['2', '4', '5', '6', '7', '8', '9']) assert.ok(lines.has(line), `no diagnostic on line ${line} of several_errors.ts:\n${describe(r!)}`);
});

test('diag: an error in an imported module names that module', () => {
  const r = results.get('imported_error.ts');
  assert.ok(r, 'imported_error.ts was not compiled');
  assert.match(r!.stdout + r!.stderr, /bad_helper\.ts:3:\d+: error: /);
});

test.after(() => removeDir(work));
test.run();
