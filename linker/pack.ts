// The self-extracting loader (issue 14: a loader of at most 32 KiB with every feature).
// BOOTX64.EFI / BOOTAA64.EFI as shipped are a small stub (loader/unpack/) whose read-only
// data is the real loader, compressed; the stub decompresses it and hands it to the
// firmware's LoadImage. This module makes that data and links the stub around it:
//
//   payload = header (PAYLOAD_HEADER_SIZE bytes, layout below) + raw LZMA1 stream
//   of the loader image after a branch filter
//
// The compressor is xz (Debian's xz-utils) writing a raw LZMA1 stream; the decoder is our
// own (loader/unpack/lzma.ts), so only the stream format is shared. The filter turns the
// relative targets of direct calls into absolute ones before compression: calls to the
// same function then look alike wherever they are, which LZMA finds as repeats (about 2 %
// of the stream; on aarch64 ADRP's page offsets too). It is exactly invertible; loader/unpack/filter.ts undoes it.
//
// Header, little-endian (loader/unpack/payload.ts reads the same layout):
//   0  u64  PAYLOAD_MAGIC
//   8  u32  size of the loader image (the decoded bytes)
//  12  u32  size of the LZMA stream that follows the header
//  16  u8   LZMA properties byte: lc + 9 * (lp + 5 * pb)
//  17  u8   filter: FILTER_X86_CALL or FILTER_A64_BL
//  18  u16  pc bias: the loader's .text RVA minus its file offset (the aarch64 filter
//           counts pages of the image in memory, where ADRP counts them)
//  20  u32  check: the Fletcher-style sum of the loader image (payloadCheck)

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ToolError } from '../toolchain/src/diagnostics';
import { findTools, runTool } from '../toolchain/src/link/tools';
import { link } from './lld';
import { parsePe } from './pe';

/** "tsbpack1" as a little-endian u64. */
export const PAYLOAD_MAGIC = 0x316B_6361_7062_7374n;
export const PAYLOAD_HEADER_SIZE = 24;
export const FILTER_X86_CALL = 1;
export const FILTER_A64_BL = 2;

/**
 * LZMA properties per architecture, measured on the loaders (xz 5.4, raw LZMA1): x86_64
 * code has no alignment to exploit (lp=0, pb=0; lc=3 is best); aarch64's fixed 4-byte
 * instructions want position bits (lp=2, pb=2), and then one literal context bit is best.
 */
const LZMA_PROPS = {
  x86_64: { lc: 3, lp: 0, pb: 0, filter: FILTER_X86_CALL },
  aarch64: { lc: 1, lp: 2, pb: 2, filter: FILTER_A64_BL },
} as const;

export type PackArch = keyof typeof LZMA_PROPS;

/**
 * x86_64: in each E8 (call rel32) whose displacement's top byte is 0x00 or 0xFF (a target
 * within 16 MiB), the low 24 bits of the displacement become those of the target's offset
 * in the image. The top byte is left as it is, so the decoder sees the same E8s and makes
 * the same choice; every E8 skips its four bytes in both directions, so both scan the same
 * positions.
 */
function x86Calls(b: Buffer, encode: boolean): void {
  for (let i = 0; i + 5 <= b.length;) {
    if (b[i] !== 0xE8) { i++; continue; }
    const top = b[i + 4];
    if (top === 0x00 || top === 0xFF) {
      const low = b[i + 1] | (b[i + 2] << 8) | (b[i + 3] << 16);
      const v = (encode ? low + (i + 5) : low - (i + 5)) & 0xFFFFFF;
      b[i + 1] = v & 0xFF;
      b[i + 2] = (v >> 8) & 0xFF;
      b[i + 3] = v >> 16;
    }
    i += 5;
  }
}

/**
 * aarch64: in each aligned word that is a BL (top six bits 100101), the 26-bit word offset
 * becomes the target's word index (modulo 2^26); in each ADRP (bit 31 set, bits 28-24
 * 10000), the 21-bit page offset (immhi:immlo) becomes the target's page (modulo 2^21).
 * Positions are the file offset plus `bias`, which puts .text's words where they are in
 * memory (ADRP counts 4 KiB pages of addresses: 48 bytes shorter with the bias than with
 * bare file offsets). The opcode bits are unchanged, so the decoder finds the same words.
 */
function a64Calls(b: Buffer, encode: boolean, bias: number): void {
  for (let i = 0; i + 4 <= b.length; i += 4) {
    const w = b.readUInt32LE(i);
    const pc = i + bias;
    if (w >>> 26 === 0x25) {
      const v = (encode ? (w & 0x3FFFFFF) + (pc >>> 2) : (w & 0x3FFFFFF) - (pc >>> 2)) & 0x3FFFFFF;
      b.writeUInt32LE((0x9400_0000 | v) >>> 0, i);
    } else if ((w & 0x9F00_0000) >>> 0 === 0x9000_0000) {
      const imm = ((w >>> 29) & 3) | (((w >>> 5) & 0x7FFFF) << 2);
      const v = (encode ? imm + (pc >>> 12) : imm - (pc >>> 12)) & 0x1FFFFF;
      b.writeUInt32LE(((w & 0x9F00_001F) | ((v & 3) << 29) | ((v >>> 2) << 5)) >>> 0, i);
    }
  }
}

/** Applies (encode) or undoes (decode) a branch filter in place; `bias` as in the header. */
export function branchFilter(b: Buffer, filter: number, encode: boolean, bias = 0): void {
  if (filter === FILTER_X86_CALL) x86Calls(b, encode);
  else if (filter === FILTER_A64_BL) a64Calls(b, encode, bias);
  else throw new Error(`unknown branch filter ${filter}`);
}

/**
 * The check the stub verifies after decoding (a damaged file can still decode): two
 * running sums over the image's little-endian u32 words, as in Fletcher's checksum, folded
 * to 32 bits. Position-dependent, so swapped or shifted data changes it; cheap enough (two
 * adds a word) to cost nothing at boot. A PE image's size is a multiple of its file
 * alignment, so of 4.
 */
export function payloadCheck(b: Buffer): number {
  if (b.length % 4 !== 0) throw new Error(`a loader image of ${b.length} bytes (not a multiple of 4) cannot be packed`);
  let a = 0;
  let s = 0;
  for (let i = 0; i < b.length; i += 4) {
    a = (a + b.readUInt32LE(i)) >>> 0;
    s = (s + a) >>> 0;
  }
  return (a ^ ((s << 16) | (s >>> 16))) >>> 0;
}

let xzVersion: string | undefined;

/** Which xz packs (its --version line): part of a boot file's build record, since another
 *  xz may compress differently. */
export function packerIdentity(): string {
  if (xzVersion === undefined) {
    const r = spawnSync('xz', ['--version'], { encoding: 'utf8' });
    xzVersion = r.status === 0 ? r.stdout.split('\n')[0] : 'xz: -';
  }
  return xzVersion;
}

/** The LZMA1 stream of `data` as `xz --format=raw` writes it with these properties. */
function xzRaw(data: Buffer, lc: number, lp: number, pb: number): Buffer {
  // Explicit options rather than a preset: a preset's meaning may change between xz
  // versions. The normal (optimal-parsing) mode with the bt4 match finder as in preset 9,
  // but nice=40: measured on both loaders (nice 16 to 273), the shortest streams (aarch64
  // 136 bytes shorter than with 273). The dictionary only has to hold the whole image.
  const opts = `dict=1MiB,lc=${lc},lp=${lp},pb=${pb},mode=normal,nice=40,mf=bt4,depth=0`;
  const r = spawnSync('xz', ['--format=raw', `--lzma1=${opts}`, '--stdout'], { input: data, maxBuffer: 64 << 20 });
  if (r.error) {
    throw new ToolError(`cannot run xz (${r.error.message}): the loader is packed with it; install Debian's xz-utils (npm run setup)`);
  }
  if (r.status !== 0) throw new ToolError(`xz failed packing the loader: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

export interface Payload {
  /** Header and stream, as linked into the stub. */
  bytes: Buffer;
  imageSize: number;
  streamSize: number;
}

/** The payload for `image` (a loader PE) on `arch`. */
export function makePayload(image: Buffer, arch: PackArch): Payload {
  const p = LZMA_PROPS[arch];
  const text = parsePe(image).sections.find((sec) => sec.name === '.text');
  const bias = text ? text.rva - text.rawOffset : 0;
  if (bias < 0 || bias > 0xFFFF || bias % 4 !== 0) throw new Error(`the loader's .text (RVA - file offset ${bias}) does not fit the payload header`);
  const filtered = Buffer.from(image);
  branchFilter(filtered, p.filter, true, bias);
  const stream = process.env.TSBOOT_STORE ? filtered : xzRaw(filtered, p.lc, p.lp, p.pb);
  const h = Buffer.alloc(PAYLOAD_HEADER_SIZE);
  h.writeBigUInt64LE(PAYLOAD_MAGIC, 0);
  h.writeUInt32LE(image.length, 8);
  h.writeUInt32LE(stream.length, 12);
  h.writeUInt8(process.env.TSBOOT_STORE ? 255 : p.lc + 9 * (p.lp + 5 * p.pb), 16);
  h.writeUInt8(p.filter, 17);
  h.writeUInt16LE(bias, 18);
  h.writeUInt32LE(payloadCheck(image), 20);
  return { bytes: Buffer.concat([h, stream]), imageSize: image.length, streamSize: stream.length };
}

export interface FoundPayload {
  /** File offset of the payload's header in the boot file. */
  offset: number;
  imageSize: number;
  streamSize: number;
  props: number;
  filter: number;
  bias: number;
  check: number;
}

/**
 * The payload inside a boot file (for tests and tools): the 8-aligned header whose magic,
 * filter and sizes fit the file. The stub's code holds the magic too, as an immediate, so
 * the first match is not necessarily the header.
 */
export function findPayload(file: Buffer): FoundPayload {
  const magic = Buffer.alloc(8);
  magic.writeBigUInt64LE(PAYLOAD_MAGIC);
  for (let at = file.indexOf(magic); at >= 0; at = file.indexOf(magic, at + 1)) {
    if (at % 8 !== 0 || at + PAYLOAD_HEADER_SIZE > file.length) continue;
    const f: FoundPayload = {
      offset: at, imageSize: file.readUInt32LE(at + 8), streamSize: file.readUInt32LE(at + 12),
      props: file[at + 16], filter: file[at + 17], bias: file.readUInt16LE(at + 18), check: file.readUInt32LE(at + 20),
    };
    if ((f.filter === FILTER_X86_CALL || f.filter === FILTER_A64_BL) && at + PAYLOAD_HEADER_SIZE + f.streamSize <= file.length) return f;
  }
  throw new Error('no loader payload in this file (not a boot file made by linker/pack.ts?)');
}

/**
 * The PE image `file` with its headers moved up behind the smallest MS-DOS header there is
 * (64 bytes: 'MZ' and e_lfanew, the only fields firmware reads) instead of lld-link's 120
 * bytes with a DOS program, and every section's file data moved up by what that saves in
 * SizeOfHeaders (rounded to FileAlignment): 96 bytes of the boot file. (lld-link 16 takes
 * /stub: but writes its own header anyway.)
 */
export function compactHeaders(file: Buffer): Buffer {
  const pe = parsePe(file);
  const DOS = 64;
  const coff = pe.peOffset + 4;
  const optSize = file.readUInt16LE(coff + 16);
  const headersEnd = coff + 20 + optSize + 40 * pe.sections.length;
  const align = pe.fileAlignment;
  const newSize = Math.ceil((DOS + headersEnd - pe.peOffset) / align) * align;
  const delta = pe.sizeOfHeaders - newSize;
  if (delta <= 0) return file;
  for (const sec of pe.sections) {
    if (sec.rawSize !== 0 && sec.rawOffset < pe.sizeOfHeaders) throw new Error(`section ${sec.name} starts inside the PE headers`);
  }
  const out = Buffer.alloc(file.length - delta);
  file.copy(out, 0, 0, DOS);
  out.writeUInt32LE(DOS, 0x3C);
  file.copy(out, DOS, pe.peOffset, headersEnd);
  file.copy(out, newSize, pe.sizeOfHeaders);
  const opt = DOS + 24;
  out.writeUInt32LE(newSize, opt + 60); // SizeOfHeaders
  const table = DOS + 24 + optSize;
  for (let i = 0; i < pe.sections.length; i++) {
    const at = table + 40 * i + 20; // PointerToRawData
    const raw = out.readUInt32LE(at);
    if (raw !== 0) out.writeUInt32LE(raw - delta, at);
  }
  const check = parsePe(out);
  if (check.sizeOfHeaders !== newSize) throw new Error('compacting the PE headers went wrong');
  return out;
}

/**
 * Links the self-extracting image `output`: the stub's object (`stubObject`, compiled from
 * loader/unpack/main.ts for the arch's uefi target) and an object holding the payload of
 * `image` between the symbols the stub reads, tsboot_payload and tsboot_payload_end (in
 * .rdata, 8-aligned).
 */
export async function packLoader(image: string, stubObject: string, arch: PackArch, output: string, tmp: string): Promise<Payload> {
  const payload = makePayload(fs.readFileSync(image), arch);
  const bin = path.join(tmp, 'payload.bin');
  const asm = path.join(tmp, 'payload.s');
  const obj = path.join(tmp, 'payload.o');
  fs.writeFileSync(bin, payload.bytes);
  // .incbin takes a quoted path; the temporary directory has no quotes or backslashes.
  fs.writeFileSync(asm, `.section .rdata,"dr"\n.p2align 3\n.globl tsboot_payload\ntsboot_payload:\n.incbin "${bin}"\n.globl tsboot_payload_end\ntsboot_payload_end:\n`);
  const triple = arch === 'x86_64' ? 'x86_64-unknown-windows' : 'aarch64-unknown-windows';
  const r = await runTool(findTools().clang, ['-c', '-target', triple, asm, '-o', obj]);
  if (r.status !== 0) throw new ToolError(`assembling the loader's payload failed:\n${r.output.trim()}`);
  // The read-only data goes into .text (the stub's image stays W^X: read-execute and
  // read-write, never both): one section header less.
  const linked = path.join(tmp, 'linked.efi');
  await link({ kind: 'pe', arch, objects: [stubObject, obj], output: linked, debug: false, merge: ['.rdata=.text'] });
  fs.writeFileSync(output, compactHeaders(fs.readFileSync(linked)));
  return payload;
}
