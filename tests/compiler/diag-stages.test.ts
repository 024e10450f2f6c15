// What README.md and docs/architecture.md say about when diagnostics are reported: stage by
// stage. Every syntax error of a run comes at once (the checker does not run on a program
// that does not parse); when there is none, every error the checker finds, in every file,
// comes at once; an error only the lowering finds (an intrinsic of the other architecture
// outside `if (target.<arch>)`) comes only once the checker found nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compilerBuilt, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');
const work = makeTempDir('diag-stages');

/** Compiles the files (the first is the entry) for aarch64-linux; returns the formatted diagnostics. */
async function diagnose(files: Record<string, string>): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(work, 'p-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const entry = path.join(dir, Object.keys(files)[0]);
  const r = await driver.compile({ entry, target: 'aarch64-linux', output: path.join(dir, 'out.ll'), emit: 'll' });
  assert.not.ok(r.ok, 'the program compiled');
  return r.diagnostics.format().split('\n').filter((l) => /: error: /.test(l)).map((l) => l.replace(/^.*\//, ''));
}

const TWO_BAD_WIDTHS = 'import { two } from "./b";\nexport function main(): i32 {\n  let x: u8 = 300;\n  let y: u8 = 400;\n  return i32(two());\n}\n';
const BAD_BOOL = 'export function two(): u32 {\n  let z: u16 = true;\n  return 2;\n}\n';

test.before(() => { assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b'); });

test('the checker reports every error of every file in one run', async () => {
  const errors = await diagnose({ 'a.ts': TWO_BAD_WIDTHS, 'b.ts': BAD_BOOL });
  assert.equal(errors.map((e) => e.split(': error')[0]), ['a.ts:3:15', 'a.ts:4:15', 'b.ts:2:16']);
});

test('a syntax error stops the run before the checker: only the syntax errors are reported', async () => {
  const errors = await diagnose({
    'a.ts': TWO_BAD_WIDTHS,
    'b.ts': 'export function two(): u32 {\n  let z = (;\n  return 2;\n}\nexport function three(): u32 {\n  return 3 +;\n}\n',
  });
  assert.equal(errors.map((e) => e.split(': error')[0]), ['b.ts:2:12', 'b.ts:6:13']);
});

test("an error only the lowering sees comes once the checker's errors are fixed", async () => {
  const body = (extra: string) => `export function main(): i32 {\n${extra}  hlt();\n  return 0;\n}\n`;
  const first = await diagnose({ 'a.ts': body('  let x: u8 = 300;\n') });
  assert.equal(first.map((e) => e.split(': error')[0]), ['a.ts:2:15']);
  const second = await diagnose({ 'a.ts': body('') });
  assert.is(second.length, 1);
  assert.match(second[0], /^a\.ts:2:3: error: hlt is an x86_64 intrinsic and the target is aarch64-linux; put it under `if \(target\.x86_64\)`/);
});

test.after(() => removeDir(work));
test.run();
