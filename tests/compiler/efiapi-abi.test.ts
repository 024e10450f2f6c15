// UEFI's BOOLEAN across an Efiapi boundary: tests/subset/efiabi/boolean.ts (an @efiapi
// callback and a call through an Efiapi function pointer, both with a bool parameter and
// result) is compiled to IR for both UEFI targets and both ELF targets (a kernel calling
// firmware), and its twin boolean.c (BOOLEAN is a UINT8) by clang-16 for the same triple.
// The IR types of the definition and of the call must be clang's (`i8`, no extension
// attribute, as neither the Microsoft x64 convention nor AAPCS64 defines the bits above
// the byte), and the calling convention the same (win64 on x86_64, the default on aarch64).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { compileSubset, compilerBuilt, describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const DIR = path.join(repoRoot, 'tests', 'subset', 'efiabi');
const TRIPLES: Record<string, string> = {
  'x86_64-uefi': 'x86_64-unknown-windows', 'aarch64-uefi': 'aarch64-unknown-windows',
  'x86_64-elf': 'x86_64-unknown-none-elf', 'aarch64-elf': 'aarch64-unknown-none-elf',
};
const work = makeTempDir('efiabi');

interface Sig { cc: string; ret: string; params: string[] }

/** The convention, result and parameter types of `define ... @name(` and of the indirect call in `caller`. */
function signatures(ir: string, windows: boolean): { def: Sig; call: Sig } {
  const clean = (s: string) => s.replace(/\b(noundef|dso_local|local_unnamed_addr|tail|internal)\b/g, ' ')
    .replace(/\s+/g, ' ').trim();
  // On x86_64 Windows the default convention is win64 already.
  const cc = (s: string | undefined) => (s ? s.trim() : windows ? 'win64cc' : 'default');
  const types = (list: string) => list.split(',').map((p) => p.trim().split(' ')[0]).filter(Boolean);
  const def = /define (win64cc )?(\S+) @efi_not\(([^)]*)\)/.exec(clean(ir.split('\n').find((l) => l.includes('@efi_not('))
    ?? ''));
  const callerBody = ir.slice(ir.indexOf('@efi_call('));
  const callLine = callerBody.split('\n').find((l) => / call (win64cc )?\S+ %\w+\(/.test(l)) ?? '';
  const call = / call (win64cc )?(\S+) %\w+\(([^)]*)\)/.exec(clean(callLine));
  assert.ok(def && call, `no definition of efi_not or no indirect call in efi_call:\n${ir}`);
  return {
    def: { cc: cc(def![1]), ret: def![2], params: types(def![3]) },
    call: { cc: cc(call![1]), ret: call![2], params: types(call![3]) },
  };
}

for (const [target, triple] of Object.entries(TRIPLES)) {
  test(`BOOLEAN across Efiapi on ${target} is what clang emits for ${triple}`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b tsconfig.json');
    const entry = path.join(DIR, target.endsWith('uefi') ? 'uefi-main.ts' : 'elf-main.ts');
    const ours = path.join(work, `${target}.ll`);
    const r = compileSubset(entry, { target, out: ours, emit: 'll', opt: 'O2' });
    assert.is(r.status, 0, describe(r));
    const c = spawnSync('clang-16', ['-S', '-emit-llvm', '-O2', '-target', triple, '-o', '-', path.join(DIR, 'boolean.c')],
      { encoding: 'utf8' });
    assert.is(c.status, 0, c.stderr);
    const windows = triple === 'x86_64-unknown-windows';
    const mine = signatures(fs.readFileSync(ours, 'utf8'), windows);
    const theirs = signatures(c.stdout, windows);
    assert.equal(mine, theirs);
    assert.equal(mine.def, { cc: target.startsWith('x86_64') ? 'win64cc' : 'default', ret: 'i8', params: ['i8', 'i64'] });
  });
}

test.after(() => removeDir(work));
test.run();
