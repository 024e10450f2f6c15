// ELF64 kernel validation and loading, shared by the loader and by the host-side checker
// (tests/subset/elfcheck), so the exact same code is fed corrupt files by the tests.
//
// Every check has its own status and message. The validator never trusts a field of the
// file: all offset/size arithmetic is checked for overflow before it is used, and headers
// are copied out of the buffer (memcpy) so an unaligned e_phoff cannot fault.

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
  /** Index of the offending program header (or -1). */
  badIndex: i32;
  /** The second segment of an overlap (or -1). */
  otherIndex: i32;
  /** The value that failed the check (machine, type, size, ...), for messages. */
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

/** Reads program header `i` into `out` (bounds were checked by the caller). */
export function elfReadPhdr(buf: Ptr<u8>, phoff: u64, i: u32, out: Ptr<Elf64Phdr>): void {
  memcpy(cast<u8>(out), byteAdd(buf, phoff + u64(i) * PHDR_SIZE), PHDR_SIZE);
}

function fail(img: Ptr<ElfImage>, s: ElfStatus, index: i32, value: u64): ElfStatus {
  img.badIndex = index;
  img.badValue = value;
  return s;
}

/**
 * Validates an ELF64 kernel image of `size` bytes at `buf`. On success `img` describes the
 * image; on failure `img.badIndex`/`badValue` locate the problem for elfStatusMessage().
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
  img.badValue = 0;

  if (size < EHDR_SIZE) return fail(img, ElfStatus.TooSmall, -1, size);
  let eh: Elf64Ehdr = zeroed<Elf64Ehdr>();
  memcpy(cast<u8>(addressOf(eh)), buf, EHDR_SIZE);

  if (eh.ident[0] != 0x7F || eh.ident[1] != 0x45 || eh.ident[2] != 0x4C || eh.ident[3] != 0x46) {
    return fail(img, ElfStatus.BadMagic, -1, u64(eh.ident[0]));
  }
  if (eh.ident[4] != 2) return fail(img, ElfStatus.BadClass, -1, u64(eh.ident[4]));
  if (eh.ident[5] != 1) return fail(img, ElfStatus.BadData, -1, u64(eh.ident[5]));
  if (eh.ident[6] != 1 || eh.version != 1) return fail(img, ElfStatus.BadVersion, -1, u64(eh.version));
  if (eh.type != ET_EXEC) return fail(img, ElfStatus.BadType, -1, u64(eh.type));
  if (eh.machine != lim.machine) return fail(img, ElfStatus.BadMachine, -1, u64(eh.machine));
  if (eh.ehsize != EHDR_SIZE) return fail(img, ElfStatus.BadEhsize, -1, u64(eh.ehsize));
  if (eh.phnum == 0) return fail(img, ElfStatus.NoPhdrs, -1, 0);
  if (eh.phentsize != PHDR_SIZE) return fail(img, ElfStatus.BadPhentsize, -1, u64(eh.phentsize));
  if (eh.phnum > ELF_MAX_PHNUM) return fail(img, ElfStatus.TooManyPhdrs, -1, u64(eh.phnum));
  let phBytes: u64 = u64(eh.phnum) * PHDR_SIZE;
  if (eh.phoff > size || phBytes > size - eh.phoff) return fail(img, ElfStatus.PhdrsOutOfFile, -1, eh.phoff);
  img.phoff = eh.phoff;
  img.phnum = u32(eh.phnum);

  let lo: u64 = 0xFFFF_FFFF_FFFF_FFFF;
  let hi: u64 = 0;
  let ph: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    elfReadPhdr(buf, eh.phoff, i, addressOf(ph));
    if (ph.type != PT_LOAD) continue;
    let idx: i32 = i32(i);
    if (ph.offset > size || ph.filesz > size - ph.offset) return fail(img, ElfStatus.SegmentOutOfFile, idx, ph.offset);
    if (ph.memsz < ph.filesz) return fail(img, ElfStatus.MemszBelowFilesz, idx, ph.memsz);
    // Page-granular mapping needs p_align to be a power of two of at least a page and
    // the file offset congruent to the address, so one page can back both.
    if (ph.align < PAGE || (ph.align & (ph.align - 1)) != 0 || (ph.vaddr % ph.align) != (ph.offset % ph.align)) {
      return fail(img, ElfStatus.BadAlign, idx, ph.align);
    }
    if (ph.vaddr < lim.vmin) return fail(img, ElfStatus.SegmentOutsideKernelSpace, idx, ph.vaddr);
    if (ph.memsz > lim.maxSpan || ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr + ph.memsz + (PAGE - 1) < ph.vaddr) {
      return fail(img, ElfStatus.SegmentTooLarge, idx, ph.memsz);
    }
    if ((ph.flags & PF_W) != 0 && (ph.flags & PF_X) != 0) return fail(img, ElfStatus.WriteAndExec, idx, u64(ph.flags));
    let s: u64 = pageDown(ph.vaddr);
    let e: u64 = pageDown(ph.vaddr + ph.memsz + (PAGE - 1));
    if (s < lo) lo = s;
    if (e > hi) hi = e;
    img.loadCount++;
  }
  if (img.loadCount == 0) return fail(img, ElfStatus.NoLoadSegments, -1, 0);
  if (hi - lo > lim.maxSpan) return fail(img, ElfStatus.SegmentTooLarge, -1, hi - lo);

  // Segments get their own page permissions, so they may not share a page.
  let other: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    elfReadPhdr(buf, eh.phoff, i, addressOf(ph));
    if (ph.type != PT_LOAD || ph.memsz == 0) continue;
    let s1: u64 = pageDown(ph.vaddr);
    let e1: u64 = pageDown(ph.vaddr + ph.memsz + (PAGE - 1));
    for (let j: u32 = i + 1; j < u32(eh.phnum); j++) {
      elfReadPhdr(buf, eh.phoff, j, addressOf(other));
      if (other.type != PT_LOAD || other.memsz == 0) continue;
      let s2: u64 = pageDown(other.vaddr);
      let e2: u64 = pageDown(other.vaddr + other.memsz + (PAGE - 1));
      if (s1 < e2 && s2 < e1) {
        img.otherIndex = i32(j);
        return fail(img, ElfStatus.Overlap, i32(i), other.vaddr);
      }
    }
  }

  let entryOk: bool = false;
  for (let i: u32 = 0; i < u32(eh.phnum); i++) {
    elfReadPhdr(buf, eh.phoff, i, addressOf(ph));
    if (ph.type != PT_LOAD || (ph.flags & PF_X) == 0) continue;
    if (eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz) entryOk = true;
  }
  if (!entryOk) return fail(img, ElfStatus.EntryNotExecutable, -1, eh.entry);

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
    elfReadPhdr(buf, img.phoff, i, addressOf(ph));
    if (ph.type != PT_LOAD || ph.filesz == 0) continue;
    memcpy(byteAdd(dst, ph.vaddr - img.vbase), byteAdd(buf, ph.offset), ph.filesz);
  }
}

/** One line describing a status, without the index/value details (see elfStatusDetail). */
export function elfStatusMessage(s: ElfStatus): cstr {
  switch (s) {
    case ElfStatus.Ok: return "valid ELF64 kernel";
    case ElfStatus.TooSmall: return "file is smaller than an ELF64 header (64 bytes)";
    case ElfStatus.BadMagic: return "bad magic: not an ELF file (expected 7f 45 4c 46)";
    case ElfStatus.BadClass: return "not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)";
    case ElfStatus.BadData: return "not a little-endian ELF file (EI_DATA is not ELFDATA2LSB)";
    case ElfStatus.BadVersion: return "unknown ELF version (expected 1)";
    case ElfStatus.BadType: return "not an executable (e_type is not ET_EXEC; relink without -shared/-pie)";
    case ElfStatus.BadMachine: return "wrong machine (e_machine is not this CPU architecture)";
    case ElfStatus.BadEhsize: return "bad e_ehsize (expected 64)";
    case ElfStatus.BadPhentsize: return "bad e_phentsize (expected 56)";
    case ElfStatus.NoPhdrs: return "no program headers (e_phnum is 0)";
    case ElfStatus.TooManyPhdrs: return "too many program headers (more than 64)";
    case ElfStatus.PhdrsOutOfFile: return "truncated: program headers extend past the end of the file";
    case ElfStatus.SegmentOutOfFile: return "truncated: a PT_LOAD segment's file bytes extend past the end of the file";
    case ElfStatus.MemszBelowFilesz: return "a PT_LOAD segment has p_memsz smaller than p_filesz";
    case ElfStatus.BadAlign: return "a PT_LOAD segment is misaligned (p_align must be a power of two >= 4096 and p_vaddr = p_offset mod p_align)";
    case ElfStatus.SegmentTooLarge: return "a PT_LOAD segment is too large (p_memsz or the image span exceeds the limit, or wraps around)";
    case ElfStatus.SegmentOutsideKernelSpace: return "a PT_LOAD segment lies below the kernel address window (link the kernel with linker/kernel.ld)";
    case ElfStatus.WriteAndExec: return "a PT_LOAD segment is both writable and executable (W^X)";
    case ElfStatus.Overlap: return "two PT_LOAD segments overlap (or share a page)";
    case ElfStatus.NoLoadSegments: return "no PT_LOAD segments";
    case ElfStatus.EntryNotExecutable: return "entry point is outside every executable PT_LOAD segment";
  }
  return "unknown ELF status";
}
