// An ELF64 (little-endian) reader (Node side) for tests and tools: checks the kernels that
// ld.lld produces. Header, program headers, section headers with names, symbol tables.
//
// Addresses (entry, vaddr, paddr, section and symbol addresses) are bigint because higher-
// half kernel addresses (0xffffffff80000000) do not fit a double exactly. File offsets and
// sizes are numbers, checked to be exact. Truncated or corrupt input raises ElfFormatError
// naming the broken structure and its offset.

import { ByteReader } from './bytes';

export class ElfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfFormatError';
  }
}

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const ET = { NONE: 0, REL: 1, EXEC: 2, DYN: 3 } as const;
export const PT = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, DYNSYM: 11 } as const;
export const SHF = { WRITE: 1, ALLOC: 2, EXECINSTR: 4 } as const;

export interface ElfProgramHeader {
  type: number;
  flags: number;
  r: boolean;
  w: boolean;
  x: boolean;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  bind: number;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** Section index (0 = undefined). */
  shndx: number;
}

export interface ElfFile {
  /** 1 = little-endian (the only kind accepted). */
  data: number;
  osabi: number;
  type: number;
  machine: number;
  machineName: string;
  version: number;
  entry: bigint;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  programHeaders: ElfProgramHeader[];
  sections: ElfSection[];
  /** .symtab (or .dynsym when there is no .symtab) symbols, without the null symbol. */
  symbols: ElfSymbol[];
}

class Reader extends ByteReader {
  constructor(buf: Uint8Array) {
    super(buf, 'ELF', (m) => new ElfFormatError(m));
  }
  /** A 64-bit offset or size as an exact number. */
  num(off: number, what: string): number {
    const v = this.u64(off, what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfFormatError(`corrupt ELF file: ${what} at offset 0x${off.toString(16)} is 0x${v.toString(16)}, far larger than any file`);
    return Number(v);
  }
  cstr(off: number, what: string): string {
    this.need(off, 1, what);
    let end = off;
    while (end < this.buf.length && this.buf[end] !== 0) end++;
    if (end >= this.buf.length) throw new ElfFormatError(`corrupt ELF file: ${what} at offset 0x${off.toString(16)} is not NUL-terminated`);
    return Buffer.from(this.buf.subarray(off, end)).toString('latin1');
  }
}

function machineName(m: number): string {
  if (m === EM_X86_64) return 'x86_64';
  if (m === EM_AARCH64) return 'aarch64';
  return `unknown(${m})`;
}

/** Parses an ELF64 little-endian file. Throws ElfFormatError for anything truncated or corrupt. */
export function parseElf(data: Uint8Array): ElfFile {
  const r = new Reader(data);
  if (data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    throw new ElfFormatError('not an ELF file: no "\\x7fELF" magic at offset 0');
  }
  if (data.length < 64) throw new ElfFormatError(`truncated ELF file: ${data.length} bytes is shorter than the 64-byte ELF64 header`);
  const cls = data[4];
  if (cls !== 2) throw new ElfFormatError(`not an ELF64 file: EI_CLASS is ${cls} (${cls === 1 ? 'ELF32' : 'invalid'}), expected 2`);
  const enc = data[5];
  if (enc !== 1) throw new ElfFormatError(`unsupported ELF file: EI_DATA is ${enc} (${enc === 2 ? 'big-endian' : 'invalid'}); only little-endian is read`);
  const f: ElfFile = {
    data: enc,
    osabi: data[7],
    type: r.u16(16, 'e_type'),
    machine: r.u16(18, 'e_machine'),
    machineName: '',
    version: r.u32(20, 'e_version'),
    entry: r.u64(24, 'e_entry'),
    phoff: r.num(32, 'e_phoff'),
    shoff: r.num(40, 'e_shoff'),
    flags: r.u32(48, 'e_flags'),
    ehsize: r.u16(52, 'e_ehsize'),
    phentsize: r.u16(54, 'e_phentsize'),
    phnum: r.u16(56, 'e_phnum'),
    shentsize: r.u16(58, 'e_shentsize'),
    shnum: r.u16(60, 'e_shnum'),
    shstrndx: r.u16(62, 'e_shstrndx'),
    programHeaders: [],
    sections: [],
    symbols: [],
  };
  f.machineName = machineName(f.machine);

  if (f.phnum > 0) {
    if (f.phentsize < 56) throw new ElfFormatError(`corrupt ELF file: e_phentsize ${f.phentsize} is smaller than an ELF64 program header (56)`);
    r.need(f.phoff, f.phnum * f.phentsize, `program header table (${f.phnum} entries, e_phoff)`);
    for (let i = 0; i < f.phnum; i++) {
      const o = f.phoff + i * f.phentsize;
      const flags = r.u32(o + 4, `program header ${i} p_flags`);
      const ph: ElfProgramHeader = {
        type: r.u32(o, `program header ${i} p_type`),
        flags,
        r: (flags & PF.R) !== 0,
        w: (flags & PF.W) !== 0,
        x: (flags & PF.X) !== 0,
        offset: r.num(o + 8, `program header ${i} p_offset`),
        vaddr: r.u64(o + 16, `program header ${i} p_vaddr`),
        paddr: r.u64(o + 24, `program header ${i} p_paddr`),
        filesz: r.num(o + 32, `program header ${i} p_filesz`),
        memsz: r.num(o + 40, `program header ${i} p_memsz`),
        align: r.num(o + 48, `program header ${i} p_align`),
      };
      if (ph.type === PT.LOAD && ph.offset + ph.filesz > data.length) {
        throw new ElfFormatError(`truncated ELF file: program header ${i} (PT_LOAD) file data 0x${ph.offset.toString(16)}+0x${ph.filesz.toString(16)} extends beyond the end of the file (${data.length} bytes)`);
      }
      if (ph.type === PT.LOAD && ph.filesz > ph.memsz) {
        throw new ElfFormatError(`corrupt ELF file: program header ${i} has p_filesz 0x${ph.filesz.toString(16)} > p_memsz 0x${ph.memsz.toString(16)}`);
      }
      f.programHeaders.push(ph);
    }
  }

  if (f.shnum > 0) {
    if (f.shentsize < 64) throw new ElfFormatError(`corrupt ELF file: e_shentsize ${f.shentsize} is smaller than an ELF64 section header (64)`);
    r.need(f.shoff, f.shnum * f.shentsize, `section header table (${f.shnum} entries, e_shoff)`);
    const raw: (ElfSection & { nameOff: number })[] = [];
    for (let i = 0; i < f.shnum; i++) {
      const o = f.shoff + i * f.shentsize;
      raw.push({
        index: i,
        name: '',
        nameOff: r.u32(o, `section header ${i} sh_name`),
        type: r.u32(o + 4, `section header ${i} sh_type`),
        flags: r.u64(o + 8, `section header ${i} sh_flags`),
        addr: r.u64(o + 16, `section header ${i} sh_addr`),
        offset: r.num(o + 24, `section header ${i} sh_offset`),
        size: r.num(o + 32, `section header ${i} sh_size`),
        link: r.u32(o + 40, `section header ${i} sh_link`),
        info: r.u32(o + 44, `section header ${i} sh_info`),
        addralign: r.num(o + 48, `section header ${i} sh_addralign`),
        entsize: r.num(o + 56, `section header ${i} sh_entsize`),
      });
    }
    for (const s of raw) {
      if (s.type !== SHT.NOBITS && s.type !== SHT.NULL && s.offset + s.size > data.length) {
        throw new ElfFormatError(`truncated ELF file: section ${s.index} data 0x${s.offset.toString(16)}+0x${s.size.toString(16)} extends beyond the end of the file (${data.length} bytes)`);
      }
    }
    if (f.shstrndx !== 0) {
      if (f.shstrndx >= f.shnum) throw new ElfFormatError(`corrupt ELF file: e_shstrndx ${f.shstrndx} is not a section (there are ${f.shnum})`);
      const strtab = raw[f.shstrndx];
      for (const s of raw) {
        if (s.nameOff >= strtab.size) throw new ElfFormatError(`corrupt ELF file: section ${s.index} name offset ${s.nameOff} is outside the section name table (${strtab.size} bytes)`);
        s.name = r.cstr(strtab.offset + s.nameOff, `section ${s.index} name`);
      }
    }
    f.sections = raw.map(({ nameOff: _n, ...s }) => s);
    const symtab = f.sections.find((s) => s.type === SHT.SYMTAB) ?? f.sections.find((s) => s.type === SHT.DYNSYM);
    if (symtab) f.symbols = readSymbols(r, f, symtab);
  }
  return f;
}

function readSymbols(r: Reader, f: ElfFile, symtab: ElfSection): ElfSymbol[] {
  if (symtab.entsize !== 24) throw new ElfFormatError(`corrupt ELF file: symbol table ${symtab.name} has sh_entsize ${symtab.entsize}, expected 24`);
  if (symtab.link >= f.sections.length) throw new ElfFormatError(`corrupt ELF file: symbol table ${symtab.name} links to string table ${symtab.link}, which does not exist`);
  const strtab = f.sections[symtab.link];
  const out: ElfSymbol[] = [];
  const count = Math.floor(symtab.size / 24);
  for (let i = 1; i < count; i++) {
    const o = symtab.offset + i * 24;
    const nameOff = r.u32(o, `symbol ${i} st_name`);
    if (nameOff >= strtab.size && nameOff !== 0) throw new ElfFormatError(`corrupt ELF file: symbol ${i} name offset ${nameOff} is outside ${strtab.name} (${strtab.size} bytes)`);
    const info = r.u8(o + 4, `symbol ${i} st_info`);
    out.push({
      name: nameOff === 0 ? '' : r.cstr(strtab.offset + nameOff, `symbol ${i} name`),
      bind: info >> 4,
      type: info & 0xf,
      shndx: r.u16(o + 6, `symbol ${i} st_shndx`),
      value: r.u64(o + 8, `symbol ${i} st_value`),
      size: r.num(o + 16, `symbol ${i} st_size`),
    });
  }
  return out;
}

/** The symbol named `name` (a global one when local and global share the name). */
export function findSymbol(f: ElfFile, name: string): ElfSymbol | undefined {
  const all = f.symbols.filter((s) => s.name === name);
  return all.find((s) => s.bind !== 0) ?? all[0];
}

export function sectionByName(f: ElfFile, name: string): ElfSection | undefined {
  return f.sections.find((s) => s.name === name);
}

/** PT_LOAD program headers, in file order. */
export function loadSegments(f: ElfFile): ElfProgramHeader[] {
  return f.programHeaders.filter((p) => p.type === PT.LOAD);
}

/** "R-X"-style flags of a program header, for messages. */
export function segmentFlags(p: ElfProgramHeader): string {
  return `${p.r ? 'R' : '-'}${p.w ? 'W' : '-'}${p.x ? 'X' : '-'}`;
}
