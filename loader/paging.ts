// The kernel's initial address space, built with the shared engine (common/paging) while
// boot services still run (firmware memory is identity-mapped, so physToVirt = 0):
//   - HHDM: every region of the memory map at HHDM_BASE + phys, largest pages possible,
//     never executable; MMIO as device memory, the GOP framebuffer write-combining;
//   - the kernel's PT_LOAD segments at their link addresses, permissions from p_flags;
//   - the kernel stack below KERNEL_STACK_TOP with an unmapped guard page under it;
//   - identity mappings only for the switch: the trampoline's code pages (R-X), the
//     loader's current stack pages (RW-), and on x86_64, when the kernel gets another
//     number of paging levels than the firmware runs with, the switch page (R--).
// x86_64 table frames are allocated below 4 GiB: a change between 4- and 5-level paging
// loads CR3 from 32-bit code (so will an SMP start-up trampoline).

import { Attr } from "../common/paging/attrs";
import {
  type FrameSource, PageTable, PT_OK, PT_ENOMEM, PT_EINVAL, PT_EWX, PT_EEXIST, PT_NEW_ROOT,
} from "../common/paging/engine";
import { type Translation, ptTranslate } from "../common/paging/lookup";
import { type MemRegion, MemType, HHDM_BASE, KERNEL_STACK_TOP, KERNEL_STACK_SIZE } from "../common/bootinfo";
import { type Elf64Phdr, PF_W, PF_X } from "../common/elf";
import { efiAllocPages, efiAllocPagesBelow } from "./efi";
import { logSerial, log, logError, logWarning } from "./log";
import { nameAt } from "../common/names";
import { type LoadedKernel, kernelPhdr, isLoad, segmentFlags } from "./kernel";
import {
  archHas1GPages, archTrampolineAddress, archStackPointer, archFirmwareLevels, archHasLevels5, archPrepareLevelSwitch,
} from "./arch/index";

const PAGE: u64 = 4096;
/** Table frames are taken from the firmware in chunks, so building the tables changes the
 *  memory map only a few times. */
const FRAME_CHUNK: u64 = 32;
/** x86_64: where table frames, the trampoline and the switch page must lie (see above). */
const BELOW_4G: u64 = 0xFFFF_FFFF;

let chunkNext: u64 = 0;
let chunkEnd: u64 = 0;
let freeStack: Arr<u64, 64>;
let freeCount: u32 = 0;
let framesTaken: u64 = 0;

function loaderFrameAlloc(ctx: Ptr<void>): u64 {
  if (freeCount > 0) {
    freeCount--;
    return freeStack[freeCount];
  }
  if (chunkNext == chunkEnd) {
    let chunk: u64 = efiAllocPagesBelow(FRAME_CHUNK, 2, target.x86_64 ? BELOW_4G : 0, "page tables");
    if (chunk == 0) return 0;
    chunkNext = chunk;
    chunkEnd = chunk + FRAME_CHUNK * PAGE;
  }
  let pa: u64 = chunkNext;
  chunkNext += PAGE;
  framesTaken++;
  return pa;
}

/** Frames the engine gives back (merged tables) are reused; beyond the stack's capacity
 *  they stay allocated as loader memory, which the kernel may reclaim. */
function loaderFrameFree(ctx: Ptr<void>, pa: u64): void {
  if (freeCount < freeStack.length) {
    freeStack[freeCount] = pa;
    freeCount++;
  }
}

let frames: FrameSource;
let pt: PageTable;
/** aarch64 only: TTBR0_EL1's table, holding just the identity mappings for the switch
 *  (`pt`, with highHalf set, is TTBR1_EL1's: HHDM, kernel, stack). */
let ptLow: PageTable;

export function loaderPageTable(): Ptr<PageTable> { return addressOf(pt); }

/**
 * Maps [va, va + size) -> pa in the kernel's table (TTBR1_EL1's on aarch64), after
 * buildAddressSpace. `allowWX` lifts the engine's W^X refusal for this call only (UEFI
 * runtime code that the firmware does not split into code and data pages). Logs and
 * returns false on failure.
 */
export function mapInKernelTable(what: cstr, va: u64, pa: u64, size: u64, attrs: u32, allowWX: bool): bool {
  pt.allowWX = allowWX;
  let ok: bool = mapOrReport(what, va, pa, size, attrs);
  pt.allowWX = false;
  return ok;
}

/** The engine's translation of `va` in the kernel's table. */
export function translateInKernelTable(va: u64): Translation {
  return ptTranslate(addressOf(pt), va);
}

/** Live table frames of the kernel's table (for the log). */
export function kernelTableFrames(): u64 { return pt.tableFrames; }

/** By -rc (common/names.ts). */
const PT_ERROR_NAMES: cstr = "\
PT_OK\0\
PT_ENOMEM (out of memory for page tables)\0\
PT_EINVAL (bad address, size or attributes)\0\
PT_EWX (writable and executable refused)\0\
PT_EEXIST (already mapped)\0\
";

export function ptErrorName(rc: i32): cstr {
  return rc > 0 ? "unknown page-table error" : nameAt(PT_ERROR_NAMES, u64(-rc), "unknown page-table error");
}

/** The table that gets the identity mappings. */
function identityTable(): Ptr<PageTable> {
  if (target.aarch64) return addressOf(ptLow);
  return addressOf(pt);
}

function mapOrReport(what: cstr, va: u64, pa: u64, size: u64, attrs: u32): bool {
  return mapInOrReport(addressOf(pt), what, va, pa, size, attrs);
}

function mapInOrReport(t: Ptr<PageTable>, what: cstr, va: u64, pa: u64, size: u64, attrs: u32): bool {
  let rc: i32 = t.map(va, pa, size, attrs);
  if (rc == PT_OK) return true;
  logError(`mapping ${what} va ${hex(va)} -> pa ${hex(pa)} size ${hex(size)} failed: ${ptErrorName(rc)}`);
  return false;
}

export interface AddressSpace extends Struct {
  root: u64;
  /** Translation levels of the tables (x86_64: 5 means CR4.LA57 for the kernel). */
  levels: u32;
  /** x86_64: the switch page when `levels` differs from the firmware's, else 0. */
  switchPage: u64;
  hhdmSize: u64;
  huge1G: bool;
  stackPhys: u64;
  stackTop: u64;
  trampolinePage: u64;
  /** Root holding the identity mappings: aarch64's TTBR0_EL1 table; `root` on x86_64. */
  identityRoot: u64;
}

function isDevice(t: MemType): bool { return t == MemType.Mmio; }

/**
 * The kernel's translation levels: boot.cfg's paging=4|5 (`asked`, 0 when absent: 4), when
 * the CPU can; a change from the firmware's mode needs the trampoline below 4 GiB.
 */
function chooseLevels(asked: u32): u32 {
  let fw: u32 = archFirmwareLevels();
  let want: u32 = asked == 5 ? 5 : 4;
  logSerial(`paging: the firmware runs ${fw}-level paging` +
    `${!target.x86_64 ? "" : archHasLevels5() ? "; the CPU has LA57" : "; the CPU has no LA57"}`);
  if (want == 5 && !archHasLevels5()) {
    logWarning(`boot.cfg asks for paging=5, but ` +
      `${target.x86_64 ? "this CPU has no 5-level paging (CPUID.(EAX=7,ECX=0):ECX.LA57[bit 16] = 0)"
        : "5-level paging exists on x86_64 only"}` +
      `; falling back to 4-level paging`);
    want = 4;
  }
  if (want != fw && archTrampolineAddress() + 2 * PAGE > BELOW_4G) {
    logWarning(`the loader runs above 4 GiB, where it cannot switch between 4- and 5-level paging; keeping ${fw}` +
      ` levels`);
    want = fw;
  }
  return want;
}

/**
 * Builds the tables. `map`/`count` is the converted memory map (sorted, coalesced);
 * `fbBase`/`fbSize` the framebuffer (0 if none). Returns false after logging on failure.
 */
export function buildAddressSpace(
  map: Ptr<MemRegion>, count: u64, k: Ptr<LoadedKernel>, fbBase: u64, fbSize: u64, askedLevels: u32, out: Ptr<AddressSpace>,
): bool {
  let levels: u32 = chooseLevels(askedLevels);
  frames.alloc = loaderFrameAlloc;
  frames.free = loaderFrameFree;
  frames.ctx = null;
  pt = new PageTable(addressOf(frames), 0, PT_NEW_ROOT);
  if (pt.root == 0) {
    logError(`no frame for the root page table: ${ptErrorName(PT_ENOMEM)}`);
    return false;
  }
  pt.levels = levels;
  pt.allow1G = archHas1GPages();
  out.huge1G = pt.allow1G;
  out.levels = levels;
  out.switchPage = 0;
  if (target.aarch64) {
    pt.highHalf = true;
    ptLow = new PageTable(addressOf(frames), 0, PT_NEW_ROOT);
    if (ptLow.root == 0) {
      logError(`no frame for the TTBR0 identity table: ${ptErrorName(PT_ENOMEM)}`);
      return false;
    }
  }

  // HHDM: runs of physically contiguous regions with the same cacheability.
  let runStart: u64 = 0;
  let runEnd: u64 = 0;
  let runDevice: bool = false;
  let hhdmEnd: u64 = 0;
  for (let i: u64 = 0; i <= count; i++) {
    let flush: bool = i == count;
    let r: Ptr<MemRegion> = null;
    if (!flush) {
      r = ptrAdd(map, i);
      flush = runEnd != runStart && (r.base != runEnd || isDevice(r.type) != runDevice);
    }
    if (flush && runEnd != runStart) {
      let attrs: u32 = Attr.Read | Attr.Write | Attr.Global;
      if (runDevice) attrs |= Attr.Device;
      if (!mapOrReport("the HHDM", HHDM_BASE + runStart, runStart, runEnd - runStart, attrs)) return false;
      if (runEnd > hhdmEnd) hhdmEnd = runEnd;
      runStart = 0;
      runEnd = 0;
    }
    if (i == count) break;
    if (runEnd == runStart) {
      runStart = r.base;
      runDevice = isDevice(r.type);
    }
    runEnd = r.base + r.length;
  }
  // The framebuffer is usually a PCI BAR that the map does not list.
  if (fbBase != 0 && fbSize != 0) {
    let fs: u64 = fbBase & ~(PAGE - 1);
    let fe: u64 = (fbBase + fbSize + PAGE - 1) & ~(PAGE - 1);
    let rc2: i32 = pt.map(HHDM_BASE + fs, fs, fe - fs, Attr.Read | Attr.Write | Attr.Global | Attr.WriteCombining);
    if (rc2 == PT_EEXIST) {
      log("framebuffer is inside the memory map; its HHDM mapping stays as the map says");
    } else if (rc2 != PT_OK) {
      logError(`mapping the framebuffer failed: ${ptErrorName(rc2)}`);
      return false;
    } else if (fe > hhdmEnd) {
      hhdmEnd = fe;
    }
  }
  out.hhdmSize = hhdmEnd;
  // The address space's summary lines go to serial only, like the listings below: each
  // line drawn on OVMF's GOP text console costs about a million guest instructions (the
  // console scrolls the whole screen), and the screen keeps what a person at the machine
  // acts on (what is booted, warnings, errors). docs/boot-protocol.md, "Loader steps".
  logSerial(`HHDM ${hex(HHDM_BASE)} maps phys 0-${hex(hhdmEnd)} (${size(hhdmEnd)}, NX), 1 GiB pages ` +
    `${pt.allow1G ? "allowed" : "not supported by this CPU"}, ${pt.tableFrames} table frames`);

  // Kernel segments at their link addresses.
  let ph: Elf64Phdr = zeroed<Elf64Phdr>();
  for (let i: u32 = 0; i < k.img.phnum; i++) {
    kernelPhdr(k, i, addressOf(ph));
    if (!isLoad(addressOf(ph))) continue;
    let vs: u64 = ph.vaddr & ~(PAGE - 1);
    let ve: u64 = (ph.vaddr + ph.memsz + PAGE - 1) & ~(PAGE - 1);
    let attrs: u32 = Attr.Read | Attr.Global;
    if ((ph.flags & PF_W) != 0) attrs |= Attr.Write;
    if ((ph.flags & PF_X) != 0) attrs |= Attr.Exec;
    if (!mapOrReport("a kernel segment", vs, k.phys + (vs - k.img.vbase), ve - vs, attrs)) return false;
    // The listing lines go to serial only, like the memory map's and the runtime regions':
    // on screen they cost a quarter of the x86_64 loader's guest instructions under QEMU
    // (OVMF's text console draws every character; docs/benchmarks.md, loader time).
    logSerial(`  kernel segment ${hex(vs)}-${hex(ve)} ${segmentFlags(ph.flags)} <- phys ` +
      `${hex(k.phys + (vs - k.img.vbase))}`);
  }

  // Kernel stack; the page under it stays unmapped so an overflow faults.
  let stackPages: u64 = KERNEL_STACK_SIZE / PAGE;
  let stackPhys: u64 = efiAllocPages(stackPages, 2, "the kernel stack");
  if (stackPhys == 0) return false;
  memset(ptr<u8>(stackPhys), 0, KERNEL_STACK_SIZE);
  if (!mapOrReport("the kernel stack", KERNEL_STACK_TOP - KERNEL_STACK_SIZE, stackPhys, KERNEL_STACK_SIZE, Attr.Read | Attr.Write | Attr.Global)) return false;
  out.stackPhys = stackPhys;
  out.stackTop = KERNEL_STACK_TOP;
  logSerial(`  kernel stack ${hex(KERNEL_STACK_TOP - KERNEL_STACK_SIZE)}-${hex(KERNEL_STACK_TOP)} RW- <- phys ` +
    `${hex(stackPhys)}, guard page at ${hex(KERNEL_STACK_TOP - KERNEL_STACK_SIZE - PAGE)}`);

  // Identity: the code that switches CR3 keeps fetching from the same address, and the
  // stack it was called on must not vanish under an NMI before it moves to the new one.
  let tramp: u64 = archTrampolineAddress() & ~(PAGE - 1);
  if (!mapInOrReport(identityTable(), "the trampoline (identity)", tramp, tramp, 2 * PAGE, Attr.Read | Attr.Exec)) return false;
  let sp: u64 = archStackPointer() & ~(PAGE - 1);
  let ss: u64 = sp - PAGE;
  let se: u64 = sp + 2 * PAGE;
  // The trampoline pages are code, never on the stack; but do not map over them anyway.
  if (!(se <= tramp || ss >= tramp + 2 * PAGE)) {
    logError(`the loader stack ${hex(sp)} is next to the trampoline code ${hex(tramp)}`);
    return false;
  }
  if (!mapInOrReport(identityTable(), "the loader stack (identity)", ss, ss, se - ss, Attr.Read | Attr.Write)) return false;
  if (levels != archFirmwareLevels()) {
    // The GDT and far pointer of the 32-bit detour (loader/arch/x86_64.ts), read-only:
    // the descriptors' accessed bits are preset, so the CPU never writes them.
    let page: u64 = efiAllocPagesBelow(1, 2, BELOW_4G, "the paging switch page");
    if (page == 0) return false;
    archPrepareLevelSwitch(page);
    if (!mapInOrReport(identityTable(), "the paging switch page (identity)", page, page, PAGE, Attr.Read)) return false;
    out.switchPage = page;
  }
  if (target.x86_64 && pt.root > BELOW_4G) {
    logError(`the root table ${hex(pt.root)} is above 4 GiB`);
    return false;
  }
  out.trampolinePage = tramp;
  logSerial(`paging: ${levels}-level tables for the kernel${out.switchPage == 0 ? "" : ` (the firmware runs ` +
    `${archFirmwareLevels()}-level: the switch leaves 64-bit mode through 32-bit code; switch page ` +
    `${hex(out.switchPage)})`}`);
  logSerial(`  identity: trampoline ${hex(tramp)} (2 pages R-X), loader stack ${hex(ss)}-${hex(se)} RW-`);

  out.root = pt.root;
  out.identityRoot = identityTable().root;
  return true;
}

/**
 * Checks the finished tables with the engine's own walker: the entry translates to the
 * right physical page and is executable, an HHDM address translates back and is not.
 */
export function selfCheck(k: Ptr<LoadedKernel>, probePhys: u64): bool {
  let t = ptTranslate(addressOf(pt), k.img.entry);
  if (!t.ok || t.pa != k.phys + (k.img.entry - k.img.vbase) || (t.attrs & Attr.Exec) == 0 || (t.attrs & Attr.Write) != 0) {
    logError(`page-table self-check: the kernel entry ${hex(k.img.entry)} is not mapped R-X to ` +
      `${hex(k.phys + (k.img.entry - k.img.vbase))}`);
    return false;
  }
  t = ptTranslate(addressOf(pt), HHDM_BASE + probePhys);
  if (!t.ok || t.pa != probePhys || (t.attrs & Attr.Exec) != 0) {
    logError(`page-table self-check: HHDM address of phys ${hex(probePhys)} is not mapped RW-/NX to it`);
    return false;
  }
  logSerial(`page tables: root ${hex(pt.root)}, ${pt.tableFrames} table frames (${framesTaken} taken), self-check ok`);
  return true;
}
