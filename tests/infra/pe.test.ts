// linker/pe.ts against tiny EFI applications built here from C (clang-16 + lld-link-16),
// checked field by field against llvm-readobj-16's view of the same file, plus corrupt
// and truncated inputs.
import * as fs from 'fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DIR,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_SUBSYSTEM_EFI_APPLICATION,
  parsePe,
  PE32PLUS_MAGIC,
  PeFormatError,
  REL,
  sectionAt,
  sectionByName,
} from '../../linker/pe';
import { runTool } from '../../scripts/exec';
import type { Arch } from '../../scripts/paths';
import { buildPeFixture, tempDir } from './fixtures';

const tmp = tempDir('pe-test');
const files: Partial<Record<Arch, Buffer>> = {};
const paths: Partial<Record<Arch, string>> = {};

test.before(() => {
  for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
    paths[arch] = buildPeFixture(arch, tmp.dir);
    files[arch] = fs.readFileSync(paths[arch]!);
  }
});
test.after(() => tmp.remove());

interface OracleSection {
  name: string;
  rva: number;
  virtualSize: number;
  rawSize: number;
  rawOffset: number;
  characteristics: number;
}

/** Sections as llvm-readobj-16 --sections prints them. */
function oracleSections(file: string): OracleSection[] {
  const out = runTool('llvm-readobj-16', ['--sections', file]);
  const secs: OracleSection[] = [];
  for (const block of out.split(/Section \{/).slice(1)) {
    const field = (k: string) => {
      const m = new RegExp(`${k}: (0x[0-9A-Fa-f]+|\\d+)`).exec(block);
      if (!m) throw new Error(`llvm-readobj output lacks ${k}:\n${block}`);
      return Number(m[1]);
    };
    secs.push({
      name: /Name: (\S+)/.exec(block)![1],
      rva: field('VirtualAddress'),
      virtualSize: field('VirtualSize'),
      rawSize: field('RawDataSize'),
      rawOffset: field('PointerToRawData'),
      characteristics: Number(/Characteristics \[ \((0x[0-9A-Fa-f]+)\)/.exec(block)![1]),
    });
  }
  return secs;
}

/** Non-padding base relocations as llvm-readobj-16 --coff-basereloc prints them. */
function oracleRelocs(file: string): { type: string; rva: number }[] {
  const out = runTool('llvm-readobj-16', ['--coff-basereloc', file]);
  const rel: { type: string; rva: number }[] = [];
  const re = /Type: (\w+)\s+Address: (0x[0-9A-Fa-f]+)/g;
  for (let m = re.exec(out); m; m = re.exec(out)) if (m[1] !== 'ABSOLUTE') rel.push({ type: m[1], rva: Number(m[2]) });
  return rel;
}

function oracleHeader(file: string): { entry: number; imageBase: bigint; sectionAlignment: number; subsystem: number } {
  const out = runTool('llvm-objdump-16', ['-p', file]);
  const hex = (k: string) => {
    const m = new RegExp(`^${k}\\s+([0-9a-fA-F]+)`, 'm').exec(out);
    if (!m) throw new Error(`llvm-objdump -p output lacks ${k}`);
    return BigInt('0x' + m[1]);
  };
  return { entry: Number(hex('AddressOfEntryPoint')), imageBase: hex('ImageBase'), sectionAlignment: Number(hex('SectionAlignment')), subsystem: Number(hex('Subsystem')) };
}

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`${arch}: headers of an lld-link EFI application`, () => {
    const pe = parsePe(files[arch]!);
    const o = oracleHeader(paths[arch]!);
    assert.is(pe.machine, arch === 'x86_64' ? IMAGE_FILE_MACHINE_AMD64 : IMAGE_FILE_MACHINE_ARM64);
    assert.is(pe.machineName, arch);
    assert.is(pe.magic, PE32PLUS_MAGIC);
    assert.is(pe.subsystem, IMAGE_SUBSYSTEM_EFI_APPLICATION);
    assert.is(pe.subsystem, o.subsystem);
    assert.is(pe.entryRva, o.entry);
    assert.is(pe.imageBase, o.imageBase);
    assert.is(pe.sectionAlignment, o.sectionAlignment);
    assert.is(pe.numberOfSections, pe.sections.length);
    // The entry point is inside an executable section.
    const text = sectionAt(pe, pe.entryRva);
    assert.ok(text, 'entry RVA is inside a section');
    assert.ok(pe.entryRva > text!.rva, 'the fixture puts bump() before efi_main');
    assert.is(text!.name, '.text');
    assert.ok(text!.execute && text!.read && !text!.write, '.text is R-X');
  });

  test(`${arch}: section table matches llvm-readobj`, () => {
    const pe = parsePe(files[arch]!);
    const o = oracleSections(paths[arch]!);
    assert.equal(
      pe.sections.map((s) => ({ name: s.name, rva: s.rva, virtualSize: s.virtualSize, rawSize: s.rawSize, rawOffset: s.rawOffset, characteristics: s.characteristics >>> 0 })),
      o,
    );
    for (const s of pe.sections) {
      assert.is(s.rva % pe.sectionAlignment, 0, `${s.name} RVA is section-aligned`);
      assert.is(s.rawOffset % pe.fileAlignment, 0, `${s.name} file offset is file-aligned`);
    }
    const data = sectionByName(pe, '.data');
    assert.ok(data && data.read && data.write && !data.execute, '.data is RW-');
  });

  test(`${arch}: base relocations match llvm-readobj`, () => {
    const pe = parsePe(files[arch]!);
    const dir = pe.dataDirectories[DIR.BASERELOC];
    assert.ok(dir.size > 0, 'the fixture has a .reloc directory');
    const ours = pe.relocations.flatMap((b) => b.entries.map((e) => ({ type: e.type === REL.DIR64 ? 'DIR64' : String(e.type), rva: e.rva })));
    const theirs = oracleRelocs(paths[arch]!);
    // names[] holds three pointers, table one: at least four DIR64 fixups.
    assert.ok(ours.length >= 4, `expected >= 4 relocations, got ${ours.length}`);
    assert.equal(ours, theirs);
    for (const b of pe.relocations) assert.is(b.pageRva % 4096, 0, 'relocation blocks are page-based');
  });
}

// ---- corrupt and truncated input -------------------------------------------------------

function expectPeError(data: Uint8Array, re: RegExp): void {
  try {
    parsePe(data);
  } catch (e) {
    assert.instance(e, PeFormatError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`parsePe accepted corrupt input (expected ${re})`);
}

test('corrupt: too short, no MZ, bad e_lfanew, no PE signature', () => {
  const good = files.x86_64!;
  expectPeError(good.subarray(0, 10), /shorter than the 64-byte DOS header/);
  const noMz = Buffer.from(good);
  noMz[0] = 0x7f;
  expectPeError(noMz, /no "MZ" DOS signature/);
  const farLfanew = Buffer.from(good);
  farLfanew.writeUInt32LE(0x7fff0000, 0x3c);
  expectPeError(farLfanew, /truncated PE file: PE signature .* beyond the end of the file/);
  const noSig = Buffer.from(good);
  noSig[noSig.readUInt32LE(0x3c)] = 0x4e;
  expectPeError(noSig, /no "PE\\0\\0" signature at e_lfanew/);
});

test('corrupt: PE32 magic, bad optional header size, truncated section table and data', () => {
  const good = files.x86_64!;
  const pe = parsePe(good);
  const opt = pe.peOffset + 24;
  const pe32 = Buffer.from(good);
  pe32.writeUInt16LE(0x10b, opt);
  expectPeError(pe32, /not a PE32\+ image: optional header magic is 0x10b \(PE32, 32-bit\)/);
  const smallOpt = Buffer.from(good);
  smallOpt.writeUInt16LE(40, pe.peOffset + 4 + 16);
  expectPeError(smallOpt, /SizeOfOptionalHeader 40 is too small/);
  // Cut inside the section table.
  const secTable = opt + good.readUInt16LE(pe.peOffset + 4 + 16);
  expectPeError(good.subarray(0, secTable + 50), /truncated PE file: section table \(\d+ entries\)/);
  // Cut inside the last section's data.
  const last = pe.sections[pe.sections.length - 1];
  expectPeError(good.subarray(0, last.rawOffset + 8), new RegExp(`section ${last.name.replace('.', '\\.')} raw data .* beyond the end of the file`));
});

test('corrupt: a relocation block with an impossible size', () => {
  const good = files.x86_64!;
  const pe = parsePe(good);
  const reloc = sectionByName(pe, '.reloc')!;
  const bad = Buffer.from(good);
  bad.writeUInt32LE(3, reloc.rawOffset + 4); // SizeOfBlock < 8
  expectPeError(bad, /corrupt base relocation block .* SizeOfBlock 3/);
});

test.run();
