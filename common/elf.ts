// ELF64 kernel validation and loading, shared by the loader and by the host-side checker
// (tests/subset/elfcheck), so the exact same code is fed corrupt files by the tests.
//
// Every check has its own status and message. The validator never trusts a field of the
// file: all offset/size arithmetic is checked for overflow before it is used, and headers
// are copied out of the buffer (memcpy) so an unaligned e_phoff cannot fault.

import { nameAt } from "./names";

export interface Elf64Ehdr extends Struct {
  ident: Arr<u8, 16>;
  type: u16;
  machine: u16;
  version: u32;
  entry: u64;
  phoff: u64;
  shoff: u64;
  flags: u32;
  ehsize: u16;
  phentsize: u16;
  phnum: u16;
  shentsize: u16;
  shnum: u16;
  shstrndx: u16;
}

export interface Elf64Phdr extends Struct {
  type: u32;
  flags: u32;
  offset: u64;
  vaddr: u64;
  paddr: u64;
  filesz: u64;
  memsz: u64;
  align: u64;
}

export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const ET_EXEC = 2;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
const PAGE = 4096;
/** More program headers than this is not a kernel we want to reason about. */
export const ELF_MAX_PHNUM = 64;

export enum ElfStatus {
  Ok = 0,
  TooSmall,
  BadMagic,
  BadClass,
  BadData,
  BadVersion,
  BadType,
  BadMachine,
  BadEhsize,
  BadPhentsize,
  NoPhdrs,
  TooManyPhdrs,
  PhdrsOutOfFile,
  SegmentOutOfFile,
  MemszBelowFilesz,
  BadAlign,
  SegmentTooLarge,
  SegmentOutsideKernelSpace,
  WriteAndExec,
  Overlap,
  NoLoadSegments,
  EntryNotExecutable,
  /** The entry is in an executable segment, but past its file bytes (only zeros there). */
  EntryNotFileBacked,
  /** The mapped segments together span more than ElfLimits.maxSpan. */
  SpanTooLarge,
}

/** The field a failed check reports (ElfImage.badField), named by elfFieldName(). */
export enum ElfField {
  None = 0,
  FileSize,
  Magic,
  Class,
  Data,
  IdentVersion,
  Version,
  Type,
  Machine,
  Ehsize,
  Phentsize,
  Phnum,
  Phoff,
  Offset,
  Filesz,
  Memsz,
  Align,
  Vaddr,
  Flags,
  Entry,
  Span,
}

/** What the kernel loader needs to know, and for a failure, where it happened. */
export interface ElfImage extends Struct {
  entry: u64;
  /** Page-aligned lowest PT_LOAD vaddr and page-rounded end of the highest. */
  vbase: u64;
  vend: u64;
  phoff: u64;
  phnum: u32;
  loadCount: u32;
  /** Index of the offending program header (or -1); badField is a field of this one. */
  badIndex: i32;
  /** The segment it overlaps (or -1). */
  otherIndex: i32;
  /** The field that failed the check (ElfField), and its value, for messages. */
  badField: u32;
  badValue: u64;
}

export interface ElfLimits extends Struct {
  /** e_machine expected. */
  machine: u16;
  /** Lowest allowed segment vaddr (the kernel's address-space window). */
  vmin: u64;
  /** Largest allowed page-rounded span from the lowest to the highest segment. */
  maxSpan: u64;
}

function pageDown(v: u64): u64 { return v & ~u64(PAGE - 1); }

/** Program header `i` (bounds were checked by the caller; the file need not be aligned). */
export function elfReadPhdr(buf: Ptr<u8>, phoff: u64, i: u32): Elf64Phdr {
  let ph: Elf64Phdr = zeroed<Elf64Phdr>();
  memcpy(cast<u8>(addressOf(ph)), byteAdd(buf, phoff + u64(i) * PHDR_SIZE), PHDR_SIZE);
  return ph;
}

function fail(img: Ptr<ElfImage>, s: ElfStatus, index: i32, field: ElfField, value: u64): ElfStatus {
  img.badIndex = index;
  img.badField = field;
  img.badValue = value;
  return s;
}

/**
 * Validates an ELF64 kernel image of `size` bytes at `buf`. On success `img` describes the
 * image; on failure `img.badIndex`, `badField` and `badValue` locate the problem for
 * elfStatusMessage() and elfFieldName(). Segments with p_memsz = 0 are checked but map
 * nothing, so they count neither in the span nor in loadCount.
 */
export function elfValidate(buf: Ptr<u8>, size: u64, lim: Ptr<ElfLimits>, img: Ptr<ElfImage>): ElfStatus {
  img.entry = 0;
  img.vbase = 0;
  img.vend = 0;
  img.phoff = 0;
  img.phnum = 0;
  img.loadCount = 0;
  img.badIndex = -1;
  img.otherIndex = -1;
  img.badField = ElfField.None;
  img.badValue = 0;

  if (size < EHDR_SIZE) return fail(img, ElfStatus.TooSmall, -1, ElfField.FileSize, size);
  let eh: Elf64Ehdr = zeroed<Elf64Ehdr>();
  memcpy(cast<u8>(addressOf(eh)), buf, EHDR_SIZE);

  if (eh.ident[0] != 0x7F || eh.ident[1] != 0x45 || eh.ident[2] != 0x4C || eh.ident[3] != 0x46) {
    let magic: u64 = (u64(eh.ident[0]) << 24) | (u64(eh.ident[1]) << 16) | (u64(eh.ident[2]) << 8) | u64(eh.ident[3]);
    return fail(img, ElfStatus.BadMagic, -1, ElfField.Magic, magic);
  }
  if (eh.ident[4] != 2) return fail(img, ElfStatus.BadClass, -1, ElfField.Class, u64(eh.ident[4]));
  if (eh.ident[5] != 1) return fail(img, ElfStatus.BadData, -1, ElfField.Data, u64(eh.ident[5]));
  if (eh.ident[6] != 1) return fail(img, ElfStatus.BadVersion, -1, ElfField.IdentVersion, u64(eh.ident[6]));
  if (eh.version != 1) return fail(img, ElfStatus.BadVersion, -1, ElfField.Version, u64(eh.version));
  if (eh.type != ET_EXEC) return fail(img, ElfStatus.BadType, -1, ElfField.Type, u64(eh.type));
  if (eh.machine != lim.machine) return fail(img, ElfStatus.BadMachine, -1, ElfField.Machine, u64(eh.machine));
  if (eh.ehsize != EHDR_SIZE) return fail(img, ElfStatus.BadEhsize, -1, ElfField.Ehsize, u64(eh.ehsize));
  if (eh.phnum == 0) return fail(img, ElfStatus.NoPhdrs, -1, ElfField.Phnum, 0);
  if (eh.phentsize != PHDR_SIZE) return fail(img, ElfStatus.BadPhentsize, -1, ElfField.Phentsize, u64(eh.phentsize));
  if (eh.phnum > ELF_MAX_PHNUM) return fail(img, ElfStatus.TooManyPhdrs, -1, ElfField.Phnum, u64(eh.phnum));
  let phBytes: u64 = u64(eh.phnum) * PHDR_SIZE;
  if (eh.phoff > size) return fail(img, ElfStatus.PhdrsOutOfFile, -1, ElfField.Phoff, eh.phoff);
  if (phBytes > size - eh.phoff) return fail(img, ElfStatus.PhdrsOutOfFile, -1, ElfField.Phnum, u64(eh.phnum));
  img.phoff = eh.phoff;
  img.phnum = u32(eh.phnum);

  let lo: u64 = 0xFFFF_FFFF_FFFF_FFFF;
  let hi: u64 = 0;
  let ph: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    ph = elfReadPhdr(buf, eh.phoff, i);
    if (ph.type != PT_LOAD) continue;
    let idx: i32 = i32(i);
    if (ph.offset > size) return fail(img, ElfStatus.SegmentOutOfFile, idx, ElfField.Offset, ph.offset);
    if (ph.filesz > size - ph.offset) return fail(img, ElfStatus.SegmentOutOfFile, idx, ElfField.Filesz, ph.filesz);
    if (ph.memsz < ph.filesz) return fail(img, ElfStatus.MemszBelowFilesz, idx, ElfField.Memsz, ph.memsz);
    // Page-granular mapping needs p_align to be a power of two of at least a page and
    // the file offset congruent to the address, so one page can back both.
    if (ph.align < PAGE || (ph.align & (ph.align - 1)) != 0) {
      return fail(img, ElfStatus.BadAlign, idx, ElfField.Align, ph.align);
    }
    if ((ph.vaddr % ph.align) != (ph.offset % ph.align)) return fail(img, ElfStatus.BadAlign, idx, ElfField.Vaddr, ph.vaddr);
    if (ph.vaddr < lim.vmin) return fail(img, ElfStatus.SegmentOutsideKernelSpace, idx, ElfField.Vaddr, ph.vaddr);
    if (ph.memsz > lim.maxSpan || ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr + ph.memsz + (PAGE - 1) < ph.vaddr) {
      return fail(img, ElfStatus.SegmentTooLarge, idx, ElfField.Memsz, ph.memsz);
    }
    if ((ph.flags & PF_W) != 0 && (ph.flags & PF_X) != 0) {
      return fail(img, ElfStatus.WriteAndExec, idx, ElfField.Flags, u64(ph.flags));
    }
    // An empty segment maps nothing: it must not stretch the span (and the allocation).
    if (ph.memsz == 0) continue;
    let s: u64 = pageDown(ph.vaddr);
    let e: u64 = pageDown(ph.vaddr + ph.memsz + (PAGE - 1));
    if (s < lo) lo = s;
    if (e > hi) hi = e;
    img.loadCount++;
  }
  if (img.loadCount == 0) return fail(img, ElfStatus.NoLoadSegments, -1, ElfField.Phnum, u64(eh.phnum));
  if (hi - lo > lim.maxSpan) return fail(img, ElfStatus.SpanTooLarge, -1, ElfField.Span, hi - lo);

  // Segments get their own page permissions, so they may not share a page.
  let other: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    ph = elfReadPhdr(buf, eh.phoff, i);
    if (ph.type != PT_LOAD || ph.memsz == 0) continue;
    let s1: u64 = pageDown(ph.vaddr);
    let e1: u64 = pageDown(ph.vaddr + ph.memsz + (PAGE - 1));
    for (let j: u32 = i + 1; j < u32(eh.phnum); j++) {
      other = elfReadPhdr(buf, eh.phoff, j);
      if (other.type != PT_LOAD || other.memsz == 0) continue;
      let s2: u64 = pageDown(other.vaddr);
      let e2: u64 = pageDown(other.vaddr + other.memsz + (PAGE - 1));
      if (s1 < e2 && s2 < e1) {
        img.otherIndex = i32(i);
        return fail(img, ElfStatus.Overlap, i32(j), ElfField.Vaddr, other.vaddr);
      }
    }
  }

  // The entry must be code that came from the file: in an executable segment, below its
  // p_filesz (the rest of the segment is zero-filled memory, where only zeros can run).
  let inExec: bool = false;
  let fileBacked: bool = false;
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    ph = elfReadPhdr(buf, eh.phoff, i);
    if (ph.type != PT_LOAD || (ph.flags & PF_X) == 0) continue;
    if (eh.entry >= ph.vaddr && eh.entry - ph.vaddr < ph.memsz) inExec = true;
    if (eh.entry >= ph.vaddr && eh.entry - ph.vaddr < ph.filesz) fileBacked = true;
  }
  if (!inExec) return fail(img, ElfStatus.EntryNotExecutable, -1, ElfField.Entry, eh.entry);
  if (!fileBacked) return fail(img, ElfStatus.EntryNotFileBacked, -1, ElfField.Entry, eh.entry);

  img.entry = eh.entry;
  img.vbase = lo;
  img.vend = hi;
  return ElfStatus.Ok;
}

/**
 * Copies every PT_LOAD of a validated image to `dst`, which backs [img.vbase, img.vend):
 * the whole span is zeroed first (.bss and the gaps between segments), then each
 * segment's file bytes are copied to dst + (p_vaddr - vbase).
 */
export function elfLoad(buf: Ptr<u8>, img: Ptr<ElfImage>, dst: Ptr<u8>): void {
  memset(dst, 0, img.vend - img.vbase);
  let ph: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < img.phnum; i++) {
    ph = elfReadPhdr(buf, img.phoff, i);
    if (ph.type != PT_LOAD || ph.filesz == 0) continue;
    memcpy(byteAdd(dst, ph.vaddr - img.vbase), byteAdd(buf, ph.offset), ph.filesz);
  }
}

/** By ElfStatus (common/names.ts). */
const STATUS_MESSAGES: cstr = "\
valid ELF64 kernel\0\
the file size is smaller than an ELF64 header (64 bytes)\0\
bad magic: not an ELF file (e_ident[0..3] must be 7f 45 4c 46)\0\
not a 64-bit ELF file (e_ident[EI_CLASS] must be 2, ELFCLASS64)\0\
not a little-endian ELF file (e_ident[EI_DATA] must be 1, ELFDATA2LSB)\0\
unknown ELF version (e_ident[EI_VERSION] and e_version must be 1)\0\
not an executable (e_type must be 2, ET_EXEC; relink without -shared/-pie)\0\
wrong machine (e_machine is not this CPU architecture)\0\
bad e_ehsize (must be 64)\0\
bad e_phentsize (must be 56)\0\
no program headers (e_phnum is 0)\0\
too many program headers (e_phnum is more than 64)\0\
truncated: the program headers (e_phoff, e_phnum) extend past the end of the file\0\
truncated: a PT_LOAD segment's file bytes (p_offset, p_filesz) extend past the end of the file\0\
a PT_LOAD segment has p_memsz smaller than p_filesz\0\
a PT_LOAD segment is misaligned (p_align must be a power of two >= 4096 and p_vaddr = p_offset mod p_align)\0\
a PT_LOAD segment is too large (p_memsz exceeds the limit, or p_vaddr + p_memsz wraps around)\0\
a PT_LOAD segment's p_vaddr lies below the kernel address window (link the kernel with linker/kernel.ld)\0\
a PT_LOAD segment is both writable and executable (p_flags has PF_W and PF_X; W^X)\0\
two PT_LOAD segments overlap or share a page (p_vaddr, p_memsz)\0\
no PT_LOAD segment maps anything (none with p_memsz > 0 among the e_phnum program headers)\0\
the entry point (e_entry) is outside every executable PT_LOAD segment\0\
the entry point (e_entry) is in the zero-filled part of its segment, past p_filesz\0\
the PT_LOAD segments span too much address space (lowest p_vaddr to highest p_vaddr + p_memsz exceeds the limit)\0\
";

/** By ElfField (common/names.ts). */
const FIELD_NAMES: cstr = "\
no field\0\
file size\0\
e_ident[0..3]\0\
e_ident[EI_CLASS]\0\
e_ident[EI_DATA]\0\
e_ident[EI_VERSION]\0\
e_version\0\
e_type\0\
e_machine\0\
e_ehsize\0\
e_phentsize\0\
e_phnum\0\
e_phoff\0\
p_offset\0\
p_filesz\0\
p_memsz\0\
p_align\0\
p_vaddr\0\
p_flags\0\
e_entry\0\
span\0\
";

/**
 * One line describing a status; each names the field(s) it checks. The failing field and
 * its value are in the image (elfFieldName(img.badField) = img.badValue).
 */
export function elfStatusMessage(s: ElfStatus): cstr {
  return nameAt(STATUS_MESSAGES, u64(s), "unknown ELF status");
}

/** The name of a field for messages (`e_machine`, `p_filesz`, ...). */
export function elfFieldName(f: u32): cstr {
  return nameAt(FIELD_NAMES, u64(f), "no field");
}
