// A PE32+ reader (Node side) for tests and tools: checks what lld-link produced for the
// EFI loader. Reads the DOS header, PE signature, COFF header, the PE32+ optional header
// with its data directories, the section table and the base relocation directory.
//
// Every structure is bounds-checked; a truncated or corrupt file raises PeFormatError
// saying which structure is broken, at which offset. 64-bit fields are bigint.

import { ByteReader } from './bytes';

export class PeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeFormatError';
  }
}

export const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
export const IMAGE_FILE_MACHINE_ARM64 = 0xaa64;
export const PE32PLUS_MAGIC = 0x20b;
export const IMAGE_SUBSYSTEM_EFI_APPLICATION = 10;

/** Section characteristics bits. */
export const SCN = {
  CNT_CODE: 0x00000020,
  CNT_INITIALIZED_DATA: 0x00000040,
  CNT_UNINITIALIZED_DATA: 0x00000080,
  MEM_DISCARDABLE: 0x02000000,
  MEM_EXECUTE: 0x20000000,
  MEM_READ: 0x40000000,
  MEM_WRITE: 0x80000000,
} as const;

/** Data directory indices. */
export const DIR = { EXPORT: 0, IMPORT: 1, RESOURCE: 2, EXCEPTION: 3, SECURITY: 4, BASERELOC: 5, DEBUG: 6 } as const;

/** Base relocation types. */
export const REL = { ABSOLUTE: 0, HIGHLOW: 3, DIR64: 10 } as const;

export interface PeSection {
  name: string;
  virtualSize: number;
  /** RVA of the section. */
  rva: number;
  rawSize: number;
  rawOffset: number;
  characteristics: number;
  read: boolean;
  write: boolean;
  execute: boolean;
}

export interface PeDataDirectory {
  rva: number;
  size: number;
}

export interface PeRelocEntry {
  type: number;
  /** RVA the relocation applies to (block page + offset). */
  rva: number;
}

export interface PeRelocBlock {
  pageRva: number;
  blockSize: number;
  /** Entries without the ABSOLUTE (type 0) padding entries. */
  entries: PeRelocEntry[];
}

export interface PeImage {
  machine: number;
  /** 'x86_64' | 'aarch64' | 'unknown(0x....)' */
  machineName: string;
  numberOfSections: number;
  timeDateStamp: number;
  coffCharacteristics: number;
  magic: number;
  entryRva: number;
  baseOfCode: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checksum: number;
  subsystem: number;
  dllCharacteristics: number;
  dataDirectories: PeDataDirectory[];
  sections: PeSection[];
  relocations: PeRelocBlock[];
  /** File offset of the PE signature (e_lfanew). */
  peOffset: number;
}

class Reader extends ByteReader {
  constructor(buf: Uint8Array) {
    super(buf, 'PE', (m) => new PeFormatError(m));
  }
}

function machineName(m: number): string {
  if (m === IMAGE_FILE_MACHINE_AMD64) return 'x86_64';
  if (m === IMAGE_FILE_MACHINE_ARM64) return 'aarch64';
  return `unknown(0x${m.toString(16)})`;
}

/** Parses a PE32+ image. Throws PeFormatError for anything truncated or inconsistent. */
export function parsePe(data: Uint8Array): PeImage {
  const r = new Reader(data);
  if (data.length < 64) throw new PeFormatError(`not a PE file: ${data.length} bytes is shorter than the 64-byte DOS header`);
  if (data[0] !== 0x4d || data[1] !== 0x5a) throw new PeFormatError(`not a PE file: no "MZ" DOS signature at offset 0 (found 0x${data[0].toString(16)} 0x${data[1].toString(16)})`);
  const peOffset = r.u32(0x3c, 'e_lfanew');
  r.need(peOffset, 4, 'PE signature (from e_lfanew)');
  if (data[peOffset] !== 0x50 || data[peOffset + 1] !== 0x45 || data[peOffset + 2] !== 0 || data[peOffset + 3] !== 0) {
    throw new PeFormatError(`not a PE file: no "PE\\0\\0" signature at e_lfanew = 0x${peOffset.toString(16)}`);
  }
  const coff = peOffset + 4;
  r.need(coff, 20, 'COFF header');
  const machine = r.u16(coff, 'COFF Machine');
  const numberOfSections = r.u16(coff + 2, 'NumberOfSections');
  const timeDateStamp = r.u32(coff + 4, 'TimeDateStamp');
  const sizeOfOptionalHeader = r.u16(coff + 16, 'SizeOfOptionalHeader');
  const coffCharacteristics = r.u16(coff + 18, 'Characteristics');

  const opt = coff + 20;
  if (sizeOfOptionalHeader < 112) throw new PeFormatError(`corrupt PE file: SizeOfOptionalHeader ${sizeOfOptionalHeader} is too small for a PE32+ optional header (>= 112)`);
  r.need(opt, sizeOfOptionalHeader, 'optional header');
  const magic = r.u16(opt, 'optional header Magic');
  if (magic !== PE32PLUS_MAGIC) {
    throw new PeFormatError(`not a PE32+ image: optional header magic is 0x${magic.toString(16)} (${magic === 0x10b ? 'PE32, 32-bit' : 'unknown'}), expected 0x20b`);
  }
  const entryRva = r.u32(opt + 16, 'AddressOfEntryPoint');
  const baseOfCode = r.u32(opt + 20, 'BaseOfCode');
  const imageBase = r.u64(opt + 24, 'ImageBase');
  const sectionAlignment = r.u32(opt + 32, 'SectionAlignment');
  const fileAlignment = r.u32(opt + 36, 'FileAlignment');
  const sizeOfImage = r.u32(opt + 56, 'SizeOfImage');
  const sizeOfHeaders = r.u32(opt + 60, 'SizeOfHeaders');
  const checksum = r.u32(opt + 64, 'CheckSum');
  const subsystem = r.u16(opt + 68, 'Subsystem');
  const dllCharacteristics = r.u16(opt + 70, 'DllCharacteristics');
  const numberOfRvaAndSizes = r.u32(opt + 108, 'NumberOfRvaAndSizes');
  if (112 + numberOfRvaAndSizes * 8 > sizeOfOptionalHeader) {
    throw new PeFormatError(`corrupt PE file: ${numberOfRvaAndSizes} data directories do not fit in the ${sizeOfOptionalHeader}-byte optional header`);
  }
  const dataDirectories: PeDataDirectory[] = [];
  for (let i = 0; i < numberOfRvaAndSizes; i++) {
    dataDirectories.push({ rva: r.u32(opt + 112 + i * 8, `data directory ${i}`), size: r.u32(opt + 116 + i * 8, `data directory ${i}`) });
  }

  const secTable = opt + sizeOfOptionalHeader;
  r.need(secTable, numberOfSections * 40, `section table (${numberOfSections} entries)`);
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const o = secTable + i * 40;
    let name = '';
    for (let j = 0; j < 8 && data[o + j] !== 0; j++) name += String.fromCharCode(data[o + j]);
    const characteristics = r.u32(o + 36, `section ${i} Characteristics`);
    const s: PeSection = {
      name,
      virtualSize: r.u32(o + 8, `section ${i} VirtualSize`),
      rva: r.u32(o + 12, `section ${i} VirtualAddress`),
      rawSize: r.u32(o + 16, `section ${i} SizeOfRawData`),
      rawOffset: r.u32(o + 20, `section ${i} PointerToRawData`),
      characteristics,
      read: (characteristics & SCN.MEM_READ) !== 0,
      write: (characteristics & SCN.MEM_WRITE) >>> 0 !== 0,
      execute: (characteristics & SCN.MEM_EXECUTE) !== 0,
    };
    if (s.rawSize > 0 && s.rawOffset + s.rawSize > data.length) {
      throw new PeFormatError(`truncated PE file: section ${name || i} raw data 0x${s.rawOffset.toString(16)}+0x${s.rawSize.toString(16)} extends beyond the end of the file (${data.length} bytes)`);
    }
    sections.push(s);
  }

  const img: PeImage = {
    machine,
    machineName: machineName(machine),
    numberOfSections,
    timeDateStamp,
    coffCharacteristics,
    magic,
    entryRva,
    baseOfCode,
    imageBase,
    sectionAlignment,
    fileAlignment,
    sizeOfImage,
    sizeOfHeaders,
    checksum,
    subsystem,
    dllCharacteristics,
    dataDirectories,
    sections,
    relocations: [],
    peOffset,
  };
  img.relocations = parseRelocations(img, r);
  return img;
}

/** File offset of an RVA, or throws when no section (or the headers) contains it. */
export function rvaToOffset(img: PeImage, rva: number, len = 1): number {
  if (rva + len <= img.sizeOfHeaders) return rva;
  for (const s of img.sections) {
    if (rva >= s.rva && rva + len <= s.rva + s.rawSize) return s.rawOffset + (rva - s.rva);
  }
  throw new PeFormatError(`corrupt PE file: RVA 0x${rva.toString(16)} (+${len}) is not inside any section's file data`);
}

function parseRelocations(img: PeImage, r: Reader): PeRelocBlock[] {
  const dir = img.dataDirectories[DIR.BASERELOC];
  if (!dir || dir.size === 0) return [];
  const start = rvaToOffset(img, dir.rva, dir.size);
  const blocks: PeRelocBlock[] = [];
  let off = start;
  while (off < start + dir.size) {
    const pageRva = r.u32(off, 'base relocation block PageRVA');
    const blockSize = r.u32(off + 4, 'base relocation block SizeOfBlock');
    if (blockSize < 8 || blockSize % 2 !== 0 || off + blockSize > start + dir.size) {
      throw new PeFormatError(`corrupt base relocation block at file offset 0x${off.toString(16)}: SizeOfBlock ${blockSize} (directory is ${dir.size} bytes at RVA 0x${dir.rva.toString(16)})`);
    }
    const entries: PeRelocEntry[] = [];
    for (let e = off + 8; e < off + blockSize; e += 2) {
      const v = r.u16(e, 'base relocation entry');
      const type = v >> 12;
      if (type === REL.ABSOLUTE) continue;
      entries.push({ type, rva: pageRva + (v & 0xfff) });
    }
    blocks.push({ pageRva, blockSize, entries });
    off += blockSize;
  }
  return blocks;
}

export function sectionByName(img: PeImage, name: string): PeSection | undefined {
  return img.sections.find((s) => s.name === name);
}

/** The section that contains `rva` in memory. */
export function sectionAt(img: PeImage, rva: number): PeSection | undefined {
  return img.sections.find((s) => rva >= s.rva && rva < s.rva + Math.max(s.virtualSize, s.rawSize));
}
