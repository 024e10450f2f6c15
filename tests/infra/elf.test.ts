// linker/elf.ts against tiny higher-half ELF kernels linked here with ld.lld-16 and a
// linker script, checked against llvm-readelf-16's view of the same file, plus corrupt
// and truncated inputs.
import * as fs from 'fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EM_AARCH64, EM_X86_64, ET, ElfFormatError, findSymbol, loadSegments, parseElf, PT, sectionByName, segmentFlags, SHT } from '../../linker/elf';
import { runTool } from '../../scripts/exec';
import type { Arch } from '../../scripts/paths';
import { buildElfFixture, ELF_PBASE, ELF_VBASE, tempDir } from './fixtures';

const tmp = tempDir('elf-test');
const files: Partial<Record<Arch, Buffer>> = {};
const paths: Partial<Record<Arch, string>> = {};

test.before(() => {
  for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
    paths[arch] = buildElfFixture(arch, tmp.dir);
    files[arch] = fs.readFileSync(paths[arch]!);
  }
});
test.after(() => tmp.remove());

const hex = (s: string) => BigInt('0x' + s.replace(/^0x/i, ''));

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`${arch}: header and program headers match llvm-readelf`, () => {
    const elf = parseElf(files[arch]!);
    assert.is(elf.machine, arch === 'x86_64' ? EM_X86_64 : EM_AARCH64);
    assert.is(elf.machineName, arch);
    assert.is(elf.type, ET.EXEC);
    const out = runTool('llvm-readelf-16', ['-h', '-l', '--wide', paths[arch]!]);
    assert.is(elf.entry, hex(/Entry point address:\s+(0x[0-9A-Fa-f]+)/.exec(out)![1]));
    // LOAD rows: Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
    const rows = [...out.matchAll(/^\s+LOAD\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) ([RWE ]{3}) (0x[0-9a-f]+)/gm)];
    const loads = loadSegments(elf);
    assert.is(loads.length, 3);
    assert.is(rows.length, loads.length);
    loads.forEach((p, i) => {
      const r = rows[i];
      assert.is(p.offset, Number(r[1]), `segment ${i} offset`);
      assert.is(p.vaddr, hex(r[2]), `segment ${i} vaddr`);
      assert.is(p.paddr, hex(r[3]), `segment ${i} paddr`);
      assert.is(p.filesz, Number(r[4]), `segment ${i} filesz`);
      assert.is(p.memsz, Number(r[5]), `segment ${i} memsz`);
      assert.is(p.align, Number(r[7]), `segment ${i} align`);
      assert.is(segmentFlags(p), r[6].replace('E', 'X').replace(/ /g, '-'), `segment ${i} flags`);
    });
    // What the linker script asked for: R-X text, R-- rodata, RW- data+bss (memsz > filesz).
    assert.equal(loads.map(segmentFlags), ['R-X', 'R--', 'RW-']);
    assert.is(loads[0].vaddr, ELF_VBASE);
    assert.is(loads[0].paddr, ELF_PBASE);
    assert.ok(loads[2].memsz > loads[2].filesz, 'bss extends the data segment');
    assert.ok(loads.every((p) => p.type === PT.LOAD));
  });

  test(`${arch}: sections and symbols match llvm-readelf`, () => {
    const elf = parseElf(files[arch]!);
    const out = runTool('llvm-readelf-16', ['-S', '-s', '--wide', paths[arch]!]);
    const secRows = [...out.matchAll(/^\s+\[\s*(\d+)\] (\S*)\s+([A-Z_]+)\s+([0-9a-f]{16}) ([0-9a-f]{6}) ([0-9a-f]{6})/gm)];
    assert.is(elf.sections.length, secRows.length);
    for (const r of secRows) {
      const s = elf.sections[Number(r[1])];
      assert.is(s.name, r[2]);
      assert.is(s.addr, hex(r[4]), `${s.name} address`);
      assert.is(s.offset, Number('0x' + r[5]), `${s.name} offset`);
      assert.is(s.size, Number('0x' + r[6]), `${s.name} size`);
    }
    assert.is(sectionByName(elf, '.bss')!.type, SHT.NOBITS);
    const symRows = [...out.matchAll(/^\s+\d+: ([0-9a-f]{16})\s+(\d+) (\w+)\s+(\w+)\s+\w+\s+\S+ (\S+)$/gm)];
    assert.ok(symRows.length >= 4, 'oracle lists the fixture symbols');
    for (const r of symRows) {
      // aarch64 mapping symbols ($x, $d) repeat one name at many addresses; skip them.
      if (r[5].startsWith('$')) continue;
      const sym = findSymbol(elf, r[5]);
      assert.ok(sym, `symbol ${r[5]} found`);
      assert.is(sym!.value, hex(r[1]), `${r[5]} value`);
      assert.is(sym!.size, Number(r[2]), `${r[5]} size`);
    }
    assert.is(findSymbol(elf, 'kmain')!.value, elf.entry, 'entry is kmain');
    assert.is(findSymbol(elf, 'scratch')!.size, 4096);
    assert.is(findSymbol(elf, 'no_such_symbol'), undefined);
  });
}

function expectElfError(data: Uint8Array, re: RegExp): void {
  try {
    parseElf(data);
  } catch (e) {
    assert.instance(e, ElfFormatError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`parseElf accepted corrupt input (expected ${re})`);
}

test('corrupt: magic, class, endianness, short header', () => {
  const good = files.x86_64!;
  expectElfError(Buffer.from('MZ\x90\x00'), /no "\\x7fELF" magic/);
  expectElfError(good.subarray(0, 40), /shorter than the 64-byte ELF64 header/);
  const elf32 = Buffer.from(good);
  elf32[4] = 1;
  expectElfError(elf32, /not an ELF64 file: EI_CLASS is 1 \(ELF32\)/);
  const be = Buffer.from(good);
  be[5] = 2;
  expectElfError(be, /big-endian/);
});

test('corrupt: truncated program headers, segment data, section headers', () => {
  const good = files.x86_64!;
  const elf = parseElf(good);
  expectElfError(good.subarray(0, 64 + 20), /truncated ELF file: program header table \(3 entries, e_phoff\)/);
  const last = loadSegments(elf)[2];
  expectElfError(good.subarray(0, last.offset + 2), /program header 2 \(PT_LOAD\) file data .* beyond the end of the file/);
  const badSh = Buffer.from(good);
  badSh.writeBigUInt64LE(BigInt(good.length - 10), 40); // e_shoff near EOF
  expectElfError(badSh, /truncated ELF file: section header table/);
  const badIdx = Buffer.from(good);
  badIdx.writeUInt16LE(200, 62); // e_shstrndx
  expectElfError(badIdx, /e_shstrndx 200 is not a section/);
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(0xffff_ffff_ffff_0000n, 32); // e_phoff
  expectElfError(huge, /e_phoff .* far larger than any file/);
});

test.run();
