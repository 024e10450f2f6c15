// The kernel's own function symbol table (.ksyms), so that an exception report can name
// the functions of a backtrace with nothing but the loaded image.
//
// linker/kernel.ld reserves a `.ksyms` input section at the end of the rodata segment,
// between __ksyms_start and __ksyms_end. A kernel link is done twice: the first link gives
// the final addresses of every function, the table is built from its .symtab, and the
// second link adds the table as one more object. The table comes after everything else the
// text refers to, so the second link moves no function (checked: every function symbol
// must keep its address and size, or the link fails).
//
// Layout (little-endian; `kernel-stub/trap/ksyms.ts` reads it):
//   header  u32 magic "TSKS" (0x534B5354), u32 version 1, u32 count, u32 string bytes
//   entry   u64 address, u32 size, u32 name offset (into the strings)   × count, by address
//   strings NUL-terminated names
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ToolError } from '../toolchain/src/diagnostics';
import { parseElf, ElfFile, SHF } from './elf';

export const KSYMS_MAGIC = 0x534b5354;
export const KSYMS_VERSION = 1;
const HEADER_BYTES = 16;
const ENTRY_BYTES = 16;
const STT_FUNC = 2;

export interface KernelSymbol {
  name: string;
  addr: bigint;
  size: number;
}

/** Whether the image was linked with a script that has room for a symbol table. */
export function wantsKsyms(f: ElfFile): boolean {
  return f.symbols.some((s) => s.name === '__ksyms_start');
}

/** The function symbols of executable sections, sorted by address (ties by name). */
export function functionSymbols(f: ElfFile): KernelSymbol[] {
  const exec = new Set(f.sections.filter((s) => (s.flags & BigInt(SHF.EXECINSTR)) !== 0n).map((s) => s.index));
  const seen = new Set<string>();
  const out: KernelSymbol[] = [];
  for (const s of f.symbols) {
    if (s.type !== STT_FUNC || !exec.has(s.shndx) || s.name === '') continue;
    const key = `${s.value}:${s.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: s.name, addr: s.value, size: s.size });
  }
  const cmp = <T>(x: T, y: T) => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort((a, b) => cmp(a.addr, b.addr) || cmp(a.name, b.name));
}

/** The .ksyms bytes for `syms` (already sorted). */
export function encodeKsyms(syms: KernelSymbol[]): Buffer {
  const names = syms.map((s) => Buffer.from(s.name + '\0', 'utf8'));
  const strBytes = names.reduce((n, b) => n + b.length, 0);
  const out = Buffer.alloc(HEADER_BYTES + ENTRY_BYTES * syms.length + strBytes);
  out.writeUInt32LE(KSYMS_MAGIC, 0);
  out.writeUInt32LE(KSYMS_VERSION, 4);
  out.writeUInt32LE(syms.length, 8);
  out.writeUInt32LE(strBytes, 12);
  let str = 0;
  syms.forEach((s, i) => {
    const o = HEADER_BYTES + ENTRY_BYTES * i;
    out.writeBigUInt64LE(s.addr, o);
    out.writeUInt32LE(Math.min(s.size, 0xffff_ffff), o + 8);
    out.writeUInt32LE(str, o + 12);
    names[i].copy(out, HEADER_BYTES + ENTRY_BYTES * syms.length + str);
    str += names[i].length;
  });
  return out;
}

/** Parses .ksyms bytes (the inverse of encodeKsyms; used by the tests). */
export function decodeKsyms(b: Buffer): KernelSymbol[] {
  if (b.length < HEADER_BYTES || b.readUInt32LE(0) !== KSYMS_MAGIC) throw new Error('not a .ksyms table (bad magic)');
  const version = b.readUInt32LE(4);
  if (version !== KSYMS_VERSION) throw new Error(`.ksyms version ${version}, expected ${KSYMS_VERSION}`);
  const count = b.readUInt32LE(8);
  const strings = HEADER_BYTES + ENTRY_BYTES * count;
  if (strings + b.readUInt32LE(12) > b.length) throw new Error('.ksyms table is truncated');
  const out: KernelSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + ENTRY_BYTES * i;
    const n = strings + b.readUInt32LE(o + 12);
    out.push({ addr: b.readBigUInt64LE(o), size: b.readUInt32LE(o + 8), name: b.toString('utf8', n, b.indexOf(0, n)) });
  }
  return out;
}

/** The assembly that puts `blobFile` into the .ksyms section. */
function ksymsAsm(blobFile: string): string {
  const quoted = blobFile.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `\t.section .ksyms,"a"\n\t.balign 8\n\t.incbin "${quoted}"\n`;
}

function assemble(clang: string, triple: string, src: string, obj: string): void {
  const r = spawnSync(clang, ['-c', '-target', triple, '-x', 'assembler', src, '-o', obj], { encoding: 'utf8' });
  if (r.error) throw new ToolError(`cannot run ${clang}: ${r.error.message}`);
  if (r.status !== 0) throw new ToolError(`${clang} could not assemble the kernel symbol table:\n${r.stderr.trim()}`);
}

/**
 * After the first link of a kernel (`output`): builds its symbol table into an object in
 * `tmpDir` and returns it for the second link, or undefined when the linker script has no
 * .ksyms section.
 */
export function ksymsObject(
  output: string, clang: string, triple: string, tmpDir: string,
): { object: string; symbols: KernelSymbol[] } | undefined {
  const first = parseElf(fs.readFileSync(output));
  if (!wantsKsyms(first)) return undefined;
  const symbols = functionSymbols(first);
  const blob = path.join(tmpDir, 'ksyms.bin');
  const src = path.join(tmpDir, 'ksyms.s');
  const object = path.join(tmpDir, 'ksyms.o');
  fs.writeFileSync(blob, encodeKsyms(symbols));
  fs.writeFileSync(src, ksymsAsm(blob));
  assemble(clang, triple, src, object);
  return { object, symbols };
}

/** Fails the link when the second link moved a function the table names. */
export function checkKsymsStable(output: string, symbols: KernelSymbol[]): void {
  const linked = new Map(functionSymbols(parseElf(fs.readFileSync(output))).map((s) => [s.name, s]));
  for (const s of symbols) {
    const n = linked.get(s.name);
    if (!n || n.addr !== s.addr || n.size !== s.size) {
      const where = n ? '0x' + n.addr.toString(16) : 'gone';
      throw new ToolError(`internal linker error: adding the kernel symbol table moved ${s.name} ` +
        `(0x${s.addr.toString(16)} -> ${where}); keep .ksyms last in the rodata segment of the linker script`);
    }
  }
}
