// The kernel's own function symbol table (linker/ksyms.ts): a small *-elf program linked
// by the tsboot compiler carries a .ksyms table between __ksyms_start and __ksyms_end,
// which must list exactly the functions llvm-readelf-16 sees in the file, with their
// addresses and sizes, sorted by address; the second link must not move any function.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseElf, findSymbol, PT } from '../../linker/elf';
import { checkKsymsStable, decodeKsyms, encodeKsyms, functionSymbols } from '../../linker/ksyms';
import { runTool } from '../../scripts/exec';
import type { Arch } from '../../scripts/paths';
import { makeTempDir, removeDir, tsbootBin } from '../lib/toolchain';

const dir = makeTempDir('ksyms');
const PROGRAM = `/** @noinline */
function alpha(x: u64): u64 { return x * 3 + 1; }
/** @noinline */
function beta(x: u64): u64 { return alpha(x) ^ 0x55; }
export function main(arg: u64): void {
  storeVolatile<u64>(0x1000, beta(arg));
  while (true) {}
}
`;
const out: Partial<Record<Arch, string>> = {};

test.before(() => {
  const src = path.join(dir, 'prog.ts');
  fs.writeFileSync(src, PROGRAM);
  for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
    const exe = path.join(dir, `prog-${arch}.elf`);
    const args = [tsbootBin, 'compile', src, '--target', `${arch}-elf`, '-o', exe];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compiling for ${arch}-elf failed:\n${r.stdout}${r.stderr}`);
    out[arch] = exe;
  }
});
test.after(() => removeDir(dir));

/** The .ksyms bytes of a linked file, found through its linker-script symbols. */
function ksymsBytes(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  const elf = parseElf(bytes);
  const start = findSymbol(elf, '__ksyms_start')!.value;
  const end = findSymbol(elf, '__ksyms_end')!.value;
  const inFile = (p: { vaddr: bigint; filesz: number }) => start >= p.vaddr && end <= p.vaddr + BigInt(p.filesz);
  const seg = elf.programHeaders.find((p) => p.type === PT.LOAD && inFile(p));
  assert.ok(seg, '.ksyms lies in the file bytes of a PT_LOAD');
  const off = seg!.offset + Number(start - seg!.vaddr);
  return bytes.subarray(off, off + Number(end - start));
}

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`${arch}: .ksyms lists exactly the functions llvm-readelf sees, with addresses and sizes, sorted`, () => {
    const table = decodeKsyms(ksymsBytes(out[arch]!));
    // llvm-readelf -s: "Num: Value Size Type Bind Vis Ndx Name"; the FUNC rows.
    const row = /^\s*\d+: ([0-9a-f]{16})\s+(\d+) FUNC\s+\S+\s+\S+\s+\d+ (.+)$/;
    const nm = runTool('llvm-readelf-16', ['-s', '--wide', out[arch]!]).split('\n')
      .map((l) => row.exec(l)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ addr: BigInt('0x' + m[1]), size: Number(m[2]), name: m[3] }));
    const key = (s: { addr: bigint; size: number; name: string }) => `${s.addr.toString(16)} ${s.size} ${s.name}`;
    assert.equal(table.map(key).sort(), nm.map(key).sort());
    for (const name of ['prog.alpha', 'prog.beta', 'tsboot_main']) {
      assert.ok(table.some((s) => s.name === name), `${name} is in the table`);
    }
    for (let i = 1; i < table.length; i++) assert.ok(table[i - 1].addr <= table[i].addr, 'sorted by address');
  });

  test(`${arch}: a function moved by the second link fails the link`, () => {
    const syms = functionSymbols(parseElf(fs.readFileSync(out[arch]!)));
    checkKsymsStable(out[arch]!, syms);
    const moved = syms.map((s, i) => (i === 0 ? { ...s, addr: s.addr + 16n } : s));
    assert.throws(() => checkKsymsStable(out[arch]!, moved), /moved .* keep \.ksyms last/);
  });
}

test('encode/decode round trip, and a damaged table is refused', () => {
  const syms = [{ name: 'a', addr: 0xffffffff80000000n, size: 16 }, { name: 'bb', addr: 0xffffffff80000010n, size: 0 }];
  assert.equal(decodeKsyms(encodeKsyms(syms)), syms);
  assert.equal(decodeKsyms(encodeKsyms([])), []);
  const b = encodeKsyms(syms);
  assert.throws(() => decodeKsyms(b.subarray(0, b.length - 4)), /truncated/);
  b[0] ^= 1;
  assert.throws(() => decodeKsyms(b), /bad magic/);
});

test.run();
