// The compiler's command line on ordinary mistakes and on large inputs, run as a user runs
// it (bin/tsboot.js). Every mistake ends with a message that names the path or the line and
// exit status 1, never an internal compiler error or a stack trace:
//   - an output path that is one of the program's sources (the entry or an import);
//   - output paths that cannot be written: under a regular file, an existing directory,
//     /proc/version, a read-only place, with --emit ll, obj and exe;
//   - optimisation levels that do not exist (-O9, -Os);
//   - invalid UTF-8 in a string literal;
//   - nesting deeper than TypeScript's parser takes (with a small stack, to get there).
// And large inputs compile: a sum of 100,000 terms, 20,000 nested parentheses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { testIf } from '../lib/skip';
import {
  RunResult, compileSubset, compilerBuilt, describe, hasStackTrace, hostArch, makeTempDir, removeDir, repoRoot,
  runExecutable,
} from '../lib/toolchain';

const work = makeTempDir('cli');
const arch = hostArch ?? 'x86_64';
const target = `${arch}-linux`;

const MAIN = 'import { seven } from "./helper";\nexport function main(): i32 {\n  printU(u64(seven())); print("\\n");\n  return 0;\n}\n';
const HELPER = 'export function seven(): u32 { return 7; }\n';
const entry = path.join(work, 'main.ts');
const helper = path.join(work, 'helper.ts');
fs.writeFileSync(entry, MAIN);
fs.writeFileSync(helper, HELPER);

/** Runs tsboot compile with the given output and extra arguments. */
function tsboot(out: string, extra: string[] = [], file = entry, env?: Record<string, string>): RunResult {
  const saved = { ...process.env };
  Object.assign(process.env, env ?? {});
  try {
    return compileSubset(file, { target, out, extra, timeoutMs: 300_000 });
  } finally {
    for (const k of Object.keys(env ?? {})) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  }
}

/** A failure the user caused: exit 1, the expected message, no internal error, no trace. */
function userError(r: RunResult, message: RegExp): void {
  const all = r.stdout + r.stderr;
  assert.ok(!hasStackTrace(all), `a stack trace was printed:\n${describe(r)}`);
  assert.not.match(all, /internal compiler error/, describe(r));
  assert.is(r.status, 1, describe(r));
  assert.match(all, message, describe(r));
}

test.before(() => { assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b'); });

test('cli: -o naming the entry source is refused, and the source is unchanged', () => {
  userError(tsboot(entry), /tsboot: refusing to write .*main\.ts: it is .*main\.ts, a source of this program/);
  assert.is(fs.readFileSync(entry, 'utf8'), MAIN);
});

test('cli: -o naming an imported module is refused', () => {
  for (const emit of ['exe', 'obj', 'll']) {
    userError(tsboot(helper, ['--emit', emit]), /refusing to write .*helper\.ts: it is .*helper\.ts, a source/);
  }
  assert.is(fs.readFileSync(helper, 'utf8'), HELPER);
});

test('cli: -o under a regular file', () => {
  const file = path.join(work, 'a-file');
  fs.writeFileSync(file, 'x');
  for (const emit of ['exe', 'obj', 'll']) {
    userError(tsboot(path.join(file, 'sub', 'out'), ['--emit', emit]), /tsboot: cannot write .*a-file\/sub\/out: .*a-file is a file, not a directory/);
  }
});

test('cli: -o an existing directory', () => {
  const dir = path.join(work, 'a-dir');
  fs.mkdirSync(dir, { recursive: true });
  for (const emit of ['ll', 'obj', 'exe']) userError(tsboot(dir, ['--emit', emit]), /tsboot: cannot write .*a-dir: it is a directory/);
});

const NO_PROCFS = fs.existsSync('/proc/version') && fs.existsSync('/sys/kernel') ? undefined : 'needs Linux /proc and /sys';
testIf(test, 'cli: -o a file that cannot be written (/proc/version, sysfs)', NO_PROCFS, () => {
  for (const emit of ['exe', 'obj', 'll']) {
    userError(tsboot('/proc/version', ['--emit', emit]), /tsboot: cannot write \/proc\/version: /);
  }
  // sysfs refuses to create files, for root too.
  userError(tsboot('/sys/kernel/tsboot-out.o', ['--emit', 'obj']), /tsboot: cannot write \/sys\/kernel\/tsboot-out\.o: permission denied/);
});

test('cli: the reasons for file-system errors are words', () => {
  // A read-only file system cannot be made without privileges; its error code is mapped here.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { reason } = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'output.js')) as typeof import('../../toolchain/src/output');
  const err = (code: string) => Object.assign(new Error(code), { code });
  assert.is(reason(err('EROFS'), '/x'), 'the file system is read-only');
  assert.is(reason(err('EACCES'), '/x'), 'permission denied');
  assert.is(reason(err('ENOSPC'), '/x'), 'no space left on the device');
  assert.is(reason(err('EISDIR'), '/x'), 'it is a directory');
});

test('cli: an entry file that does not exist', () => {
  userError(tsboot(path.join(work, 'nope'), [], path.join(work, 'nope.ts')), /nope\.ts:1:1: error: cannot read the entry file: no such file/);
});

test('cli: optimisation levels that do not exist', () => {
  for (const bad of ['-O9', '-Os', '-O']) {
    userError(tsboot(path.join(work, 'o'), [bad]), new RegExp(`tsboot: ${bad}: the optimisation level is one of -O0, -O1, -O2`));
  }
});

test('cli: invalid UTF-8 in a string literal is a diagnostic at its line and column', () => {
  const file = path.join(work, 'latin1.ts');
  const text = Buffer.concat([Buffer.from('export function main(): i32 {\n  print("caf'), Buffer.from([0xe9]),
    Buffer.from('\\n");\n  return 0;\n}\n')]);
  fs.writeFileSync(file, text);
  userError(tsboot(path.join(work, 'latin1'), [], file), /latin1\.ts:2:13: error: invalid UTF-8 \(byte 0xE9\)/);
});

test('cli: a sum of 100,000 terms compiles and runs', () => {
  const file = path.join(work, 'sum.ts');
  const terms = 100_000;
  fs.writeFileSync(file, 'export function main(): i32 {\n  let x: u32 = 3;\n'
    + `  let s: u32 = x${' + x'.repeat(terms - 1)};\n`
    + `  let c: u64 = 0${' + 1'.repeat(terms)};\n`
    + '  printU(u64(s)); print(" "); printU(c); print("\\n");\n  return 0;\n}\n');
  const exe = path.join(work, 'sum');
  const r = tsboot(exe, ['-O0'], file);
  assert.is(r.status, 0, describe(r));
  assert.is(runExecutable(exe, arch).stdout, `${3 * terms} ${terms}\n`);
});

/** `((((x + 1) + 1) ...) + 1)`: parentheses nested `depth` levels deep. */
function nested(file: string, depth: number): void {
  fs.writeFileSync(file, 'export function main(): i32 {\n  let x: u32 = 1;\n'
    + `  let s: u32 = ${'('.repeat(depth)}x${' + 1)'.repeat(depth)};\n`
    + '  printU(u64(s)); print("\\n");\n  return 0;\n}\n');
}

test('cli: 20,000 nested parentheses compile and run', () => {
  const file = path.join(work, 'parens.ts');
  nested(file, 20_000);
  const exe = path.join(work, 'parens');
  const r = tsboot(exe, ['-O0'], file);
  assert.is(r.status, 0, describe(r));
  assert.is(runExecutable(exe, arch).stdout, '20001\n');
});

test('cli: nesting deeper than the parser takes is a diagnostic at its place', () => {
  // With a 4 MB stack (TSBOOT_STACK_MB), TypeScript's parser gives up after a few thousand levels.
  const file = path.join(work, 'deep.ts');
  nested(file, 50_000);
  const r = tsboot(path.join(work, 'deep'), ['-O0'], file, { TSBOOT_STACK_MB: '4' });
  userError(r, /deep\.ts:3:\d+: error: brackets nested 50001 levels deep here are more than TypeScript's parser can take/);
});

test('cli: a chain of operators deeper than the parser takes is a diagnostic on its line', () => {
  // No brackets to blame: `x == 0 ? 0 : x == 1 ? 1 : ...` nests one conditional in the next.
  const file = path.join(work, 'chain.ts');
  const links = Array.from({ length: 50_000 }, (_, i) => `x == ${i % 1000} ? ${i % 7}`).join(' : ');
  fs.writeFileSync(file, `export function main(): i32 {\n  let x: u32 = 1;\n  const y: u32 = ${links} : 0;\n`
    + '  return i32(y);\n}\n');
  const r = tsboot(path.join(work, 'chain'), ['-O0'], file, { TSBOOT_STACK_MB: '4' });
  userError(r, /chain\.ts:3:1: error: an expression on this line chains more operators than TypeScript's parser/);
});

test.after(() => removeDir(work));
test.run();
