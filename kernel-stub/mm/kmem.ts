// The kernel's memory manager: owns the physical ranges, the early allocator, the frame
// allocator and the kernel page-table handle, and exposes the calls the rest of the kernel
// uses. Call sequence (docs/memory.md):
//
//   mmInit(bi)          copy what is needed from the boot info, build the ranges, place the
//                       frame allocator's metadata with the early allocator, build the
//                       frame allocator, attach the page-table engine and the vmap window
//   mmSelfTest()        optional (selftest.ts): checks and measurements, [kernel] lines
//   mmReclaimLoader()   once the kernel no longer reads *bi: loader memory (boot info,
//                       memory map, loader image) joins the frame pool; the live page
//                       tables and the kernel stack stay reserved. `bi` is dead afterwards
//                       (mmBootInfo() is the kernel's copy).

import {
  type BootInfo, type MemRegion, BOOTINFO_MAGIC, BOOTINFO_VERSION_MIN, BootFlag,
} from "../../common/bootinfo";
import { type FrameSource, PageTable } from "../../common/paging/engine";
import { ptTranslate } from "../../common/paging/lookup";
import { X86_PS, X86_ADDR_MASK } from "../../common/paging/x86_64";
import { A64_ADDR_MASK } from "../../common/paging/aarch64";
import { type PhysMem, type RangeSet, PhysStatus, PAGE_SIZE, PHYS_END_MAX } from "./ranges";
import { EarlyAlloc } from "./early";
import {
  FrameAlloc, framesMetaBytes, framesSource,
} from "./frames";
import { Vmap, VMAP_BASE, VMAP_SIZE } from "./vmap";
import { mmTicks } from "./ticks";
import { archBreakHook, archApplyFlush, archPagingLevels } from "../arch/index";

/** Regions of the boot info's memory map the kernel can keep a copy of. */
export const MM_MAP_MAX = 512;

let bootCopy: BootInfo;
let mapCopy: Arr<MemRegion, 512>;
let mapCount: u64 = 0;
let pm: PhysMem;
let ea: EarlyAlloc;
let fa: FrameAlloc;
let kpt: PageTable;
let vm: Vmap;
/** Pages never handed out although the map may call them usable or loader-reclaimable:
 *  the live page tables and kernel stack (loader data the kernel runs on), the CPU's
 *  descriptor tables, RSDP, framebuffer and DTB. */
let keep: RangeSet;
let ready: bool = false;
let reclaimed: bool = false;
let bootInfoPhys: u64 = 0;
let memMapPhys: u64 = 0;
let initTicks: u64 = 0;
let spanBase: u64 = 0;
let spanEnd: u64 = 0;
let walkAnomalies: u64 = 0;
let descTables: Arr<u8, 16>;

// ---- accessors -------------------------------------------------------------------------

export function mmReady(): bool { return ready; }
export function mmReclaimed(): bool { return reclaimed; }
export function mmPhys(): Ptr<PhysMem> { return addressOf(pm); }
export function mmEarly(): Ptr<EarlyAlloc> { return addressOf(ea); }
export function mmFrames(): Ptr<FrameAlloc> { return addressOf(fa); }
export function mmPageTable(): Ptr<PageTable> { return addressOf(kpt); }
export function mmVmapState(): Ptr<Vmap> { return addressOf(vm); }
export function mmKeep(): Ptr<RangeSet> { return addressOf(keep); }
/** The kernel's copy of the boot info (valid after mmInit, also after reclaim). */
export function mmBootInfo(): Ptr<BootInfo> { return addressOf(bootCopy); }
export function mmMap(): Ptr<MemRegion> { return addressOf(mapCopy[0]); }
export function mmMapCount(): u64 { return mapCount; }
export function mmBootInfoPhys(): u64 { return bootInfoPhys; }
export function mmMemMapPhys(): u64 { return memMapPhys; }
export function mmInitTicks(): u64 { return initTicks; }
export function mmSpanBase(): u64 { return spanBase; }
export function mmSpanEnd(): u64 { return spanEnd; }

// ---- the kernel's allocation API -------------------------------------------------------
// Safe on several CPUs at once: one std SpinLock serialises the frame allocator and the
// vmap window (whose page-table edits take frames from the same allocator, directly, so
// the lock is never taken twice). The self-tests and mmInit use the allocator directly
// and run before other CPUs start.

let mmLock: SpinLock;

/** A 4 KiB frame (physical address; reach it at mmP2V() + pa), 0 when memory is exhausted. */
export function mmAllocFrame(): u64 {
  spinLock(addressOf(mmLock));
  let pa: u64 = fa.alloc();
  spinUnlock(addressOf(mmLock));
  return pa;
}

export function mmFreeFrame(pa: u64): bool {
  spinLock(addressOf(mmLock));
  let ok: bool = fa.free(pa);
  spinUnlock(addressOf(mmLock));
  return ok;
}

/** A 2 MiB-aligned run of 512 frames, 0 when none is free. */
export function mmAlloc2M(): u64 {
  spinLock(addressOf(mmLock));
  let pa: u64 = fa.alloc2M();
  spinUnlock(addressOf(mmLock));
  return pa;
}

export function mmFree2M(pa: u64): bool {
  spinLock(addressOf(mmLock));
  let ok: bool = fa.free2M(pa);
  spinUnlock(addressOf(mmLock));
  return ok;
}

/** Physical to kernel-virtual offset (the HHDM base). */
export function mmP2V(): u64 { return bootCopy.hhdmBase; }

/** Maps [pa, pa + size) into the vmap window with Attr bits; returns the VA of pa or 0. */
export function mmVmap(pa: u64, size: u64, attrs: u32): u64 {
  spinLock(addressOf(mmLock));
  let va: u64 = vm.map(pa, size, attrs);
  spinUnlock(addressOf(mmLock));
  return va;
}

/** Device registers (uncached, strongly ordered, never executable). */
export function mmVmapMmio(pa: u64, size: u64): u64 {
  spinLock(addressOf(mmLock));
  let va: u64 = vm.mapMmio(pa, size);
  spinUnlock(addressOf(mmLock));
  return va;
}

export function mmVunmap(va: u64, size: u64): bool {
  spinLock(addressOf(mmLock));
  let ok: bool = vm.unmap(va, size);
  spinUnlock(addressOf(mmLock));
  return ok;
}

/** Maps [pa, pa + size) at a fixed kernel VA (outside the vmap window) in the kernel's
 *  tables, under the same lock; the TLB maintenance the engine reports is done. PT_* code. */
export function mmMapFixed(va: u64, pa: u64, size: u64, attrs: u32): i32 {
  spinLock(addressOf(mmLock));
  let rc: i32 = kpt.map(va, pa, size, attrs);
  archApplyFlush(addressOf(kpt));
  spinUnlock(addressOf(mmLock));
  return rc;
}

// ---- output ----------------------------------------------------------------------------

function kline(s: cstr): void {
  println(`[kernel] mm: ${s}`);
}

function kfail(s: cstr, v: u64): bool {
  println(`[kernel] mm: init failed: ${s} ${hex(v)}`);
  return false;
}

/** Bytes for mm's lines: `${mmSizeIn(n)} ${mmSizeUnit(n)}` is "N GiB" or "N MiB" when
 *  exact, else "N KiB". */
export function mmSizeIn(bytes: u64): u64 {
  if (bytes >= (u64(1) << 30) && (bytes & 0x3FFF_FFFF) == 0) return bytes >> 30;
  if (bytes >= (u64(1) << 20) && (bytes & 0xF_FFFF) == 0) return bytes >> 20;
  return bytes >> 10;
}

export function mmSizeUnit(bytes: u64): cstr {
  if (bytes >= (u64(1) << 30) && (bytes & 0x3FFF_FFFF) == 0) return "GiB";
  if (bytes >= (u64(1) << 20) && (bytes & 0xF_FFFF) == 0) return "MiB";
  return "KiB";
}

// ---- live page tables ------------------------------------------------------------------

/** Adds the table frame at tablePa (a table at height h: 0 = page table) and every table
 *  below it to out. */
function walkTables(tablePa: u64, h: u32, out: Ptr<RangeSet>): bool {
  if (tablePa >= bootCopy.hhdmSize) {
    walkAnomalies += 1;           // not reachable through the HHDM: cannot look inside
    return out.add(tablePa, tablePa + PAGE_SIZE);
  }
  if (!out.add(tablePa, tablePa + PAGE_SIZE)) return false;
  if (h == 0) return true;
  let t: Ptr<u64> = ptr<u64>(bootCopy.hhdmBase + tablePa);
  for (let i: u64 = 0; i < 512; i++) {
    let e: u64 = t[i];
    if ((e & 1) == 0) continue;
    let next: u64 = 0;
    if (target.x86_64) {
      if (h < 3 && (e & X86_PS) != 0) continue;           // 1 GiB / 2 MiB page
      next = e & X86_ADDR_MASK;
    } else {
      if ((e & 3) != 3) continue;                          // block
      next = e & A64_ADDR_MASK;
    }
    if (!walkTables(next, h - 1, out)) return false;
  }
  return true;
}

/** Every frame of the live translation tables (the kernel root, and on aarch64 TTBR0's
 *  tables when it has any) into out. False when the set overflowed. */
export function mmCollectTables(out: Ptr<RangeSet>): bool {
  if (!walkTables(bootCopy.pageTableRoot, kpt.levels - 1, out)) return false;
  if (target.aarch64) {
    if (target.elf) {
      let low: u64 = mrs("TTBR0_EL1") & A64_ADDR_MASK;
      if (low != 0 && low != bootCopy.pageTableRoot) {
        if (!walkTables(low, 3, out)) return false;
      }
    }
  }
  return true;
}

/** Physical address behind a kernel virtual address: HHDM arithmetic, the kernel tables,
 *  or (a firmware identity address) itself. */
function virtToPhys(va: u64): u64 {
  if (va >= bootCopy.hhdmBase && va - bootCopy.hhdmBase < bootCopy.hhdmSize) return va - bootCopy.hhdmBase;
  const t = ptTranslate(addressOf(kpt), va);
  return t.ok ? t.pa : va;
}

/** Keeps [pa, pa + size) away from the allocators (and from reclaim). */
function protect(pa: u64, size: u64): bool {
  if (size == 0) return true;
  let b: u64 = pa & ~(PAGE_SIZE - 1);
  let e: u64 = (pa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  if (e < b) e = PHYS_END_MAX;
  if (!keep.add(b, e)) return false;
  return pm.usable.remove(b, e);
}

/** Firmware structures the CPU still points at after ExitBootServices: the GDT and IDT on
 *  x86_64 (until the kernel loads its own), the vector table on aarch64. They sit in
 *  boot-services memory, which the map calls usable. */
function protectCpuTables(): bool {
  if (!target.elf) return true;
  if (target.x86_64) {
    let buf: u64 = addr(addressOf(descTables[0]));
    asm("sgdt ($0)", "r,~{memory}", buf);
    let gdtLimit: u64 = u64(load<u16>(buf));
    let gdtBase: u64 = load<u64>(buf + 2);
    asm("sidt ($0)", "r,~{memory}", buf);
    let idtLimit: u64 = u64(load<u16>(buf));
    let idtBase: u64 = load<u64>(buf + 2);
    return protect(virtToPhys(gdtBase), gdtLimit + 1) && protect(virtToPhys(idtBase), idtLimit + 1);
  } else {
    let vbar: u64 = mrs("VBAR_EL1");
    if (vbar == 0) return true;
    return protect(virtToPhys(vbar), 0x800);
  }
}

/** Big-endian u32 at a physical address (device tree header fields). */
function loadBe32(pa: u64): u64 {
  let v: u32 = load<u32>(bootCopy.hhdmBase + pa);
  return u64(((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24));
}

// ---- init ------------------------------------------------------------------------------

function reclaimAdd(ctx: Ptr<void>, base: u64, end: u64): void {
  cast<FrameAlloc>(ctx).addRange(base, end);
}

/**
 * Builds the memory manager from the boot info. Prints `[kernel] mm: ...` lines; on
 * failure the last line says why, and false is returned (nothing is usable then).
 */
export function mmInit(bi: Ptr<BootInfo>): bool {
  ready = false;
  if (bi == null) return kfail("no boot info pointer", 0);
  if (bi.magic != BOOTINFO_MAGIC) return kfail("boot info magic mismatch:", bi.magic);
  if (bi.version < BOOTINFO_VERSION_MIN || u64(bi.size) < sizeof<BootInfo>()) return kfail("boot info too old or too short, size", u64(bi.size));
  if (bi.memMapCount == 0 || bi.memMapCount > MM_MAP_MAX) return kfail("memory map region count out of range (1..512):", bi.memMapCount);
  memcpy(addressOf(bootCopy), bi, sizeof<BootInfo>());
  mapCount = bi.memMapCount;
  memcpy(addressOf(mapCopy[0]), ptr<MemRegion>(bi.memMap), mapCount * sizeof<MemRegion>());
  bootInfoPhys = addr(bi) - bootCopy.hhdmBase;
  memMapPhys = bi.memMap - bootCopy.hhdmBase;

  let st: PhysStatus = pm.build(addressOf(mapCopy[0]), mapCount, bootCopy.hhdmSize);
  if (st == PhysStatus.Overflow) return kfail("more disjoint ranges than RANGES_MAX; regions:", mapCount);
  if (st == PhysStatus.NoMemory) return kfail("no usable memory above 1 MiB inside the HHDM; HHDM size", bootCopy.hhdmSize);

  // The kernel's view of its own tables (no frames needed to read them: the frame
  // allocator becomes its frame source below).
  let noFrames: FrameSource = zeroed<FrameSource>();
  kpt = new PageTable(addressOf(noFrames), bootCopy.hhdmBase, bootCopy.pageTableRoot);
  kpt.allow1G = (bootCopy.flags & BootFlag.Huge1G) != 0;
  kpt.highHalf = true;
  kpt.levels = archPagingLevels();
  kpt.breakHook = archBreakHook(); // live tables: break-before-make on aarch64

  // What must never be handed out although the map may call it usable or reclaimable.
  keep.count = 0;
  walkAnomalies = 0;
  if (!mmCollectTables(addressOf(keep))) return kfail("too many page-table frame ranges, root", kpt.root);
  kpt.tableFrames = keep.total() / PAGE_SIZE;
  for (let i: u64 = 0; i < keep.count; i++) pm.usable.remove(keep.r[i].base, keep.r[i].end);
  let stackBase: u64 = bootCopy.kernelStackTop - bootCopy.kernelStackSize;
  for (let va: u64 = stackBase; va < bootCopy.kernelStackTop; va += PAGE_SIZE) {
    const t = ptTranslate(addressOf(kpt), va);
    if (t.ok && !protect(t.pa & ~(PAGE_SIZE - 1), PAGE_SIZE)) return kfail("range table full protecting the stack at", va);
  }
  if (!protectCpuTables()) return kfail("range table full protecting the CPU's descriptor tables", 0);
  // Kernel image, boot info and memory map: their own map types already exclude them;
  // this is insurance against a mislabelled map (boot info and map stay reclaimable).
  pm.usable.remove(bootCopy.kernelPhysBase, bootCopy.kernelPhysBase + ((bootCopy.kernelSize + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)));
  pm.usable.remove(bootInfoPhys & ~(PAGE_SIZE - 1), (bootInfoPhys + sizeof<BootInfo>() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
  pm.usable.remove(memMapPhys & ~(PAGE_SIZE - 1), (memMapPhys + mapCount * sizeof<MemRegion>() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
  if ((bootCopy.flags & BootFlag.HasRsdp) != 0 && bootCopy.rsdp != 0) protect(bootCopy.rsdp, 36);
  if ((bootCopy.flags & BootFlag.HasFramebuffer) != 0 && bootCopy.fb.base != 0) protect(bootCopy.fb.base, bootCopy.fb.size);
  if ((bootCopy.flags & BootFlag.HasDtb) != 0 && bootCopy.dtb != 0 && bootCopy.dtb < bootCopy.hhdmSize) {
    let size: u64 = PAGE_SIZE;
    if (loadBe32(bootCopy.dtb) == 0xD00D_FEED) size = loadBe32(bootCopy.dtb + 4);
    protect(bootCopy.dtb, size);
  }
  if (keep.overflow || pm.usable.overflow) return kfail("range table full while protecting boot structures", 0);

  // The frame allocator covers usable and reclaimable memory, so reclaim needs no resize.
  spanBase = pm.usable.base();
  spanEnd = pm.usable.end();
  if (pm.reclaim.count != 0) {
    if (pm.reclaim.base() < spanBase) spanBase = pm.reclaim.base();
    if (pm.reclaim.end() > spanEnd) spanEnd = pm.reclaim.end();
  }
  let metaBytes: u64 = framesMetaBytes(spanBase, spanEnd);
  ea = new EarlyAlloc(addressOf(pm));
  let metaPa: u64 = ea.alloc(metaBytes, PAGE_SIZE);
  if (metaPa == 0) return kfail("no room for the frame allocator's metadata, bytes", metaBytes);
  let t0: u64 = mmTicks();
  fa = new FrameAlloc(addressOf(pm.usable), spanBase, spanEnd, metaPa, bootCopy.hhdmBase);
  if (!fa.ok) {
    return kfail("frame allocator init failed for span ending at", spanEnd);
  }
  initTicks = mmTicks() - t0;
  ea.seal();

  kpt.frames = framesSource(addressOf(fa));
  vm = new Vmap(addressOf(kpt), VMAP_BASE, VMAP_SIZE);

  let usable: u64 = pm.usable.total();
  let reclaim: u64 = pm.reclaim.total();
  println(`[kernel] mm: ${mapCount} map regions -> ${pm.usable.count} usable ranges (${mmSizeIn(usable)} ` +
    `${mmSizeUnit(usable)}), ${pm.reclaim.count} loader-reclaimable (${mmSizeIn(reclaim)} ${mmSizeUnit(reclaim)}), ` +
    `generation ${pm.generation}`);
  println(`[kernel] mm: kept out of the pool: ${keep.total() / PAGE_SIZE} pages in ${keep.count} ranges ` +
    `(${kpt.tableFrames} live page-table frames, the kernel stack, the CPU's descriptor tables, RSDP, framebuffer, ` +
    `DTB)${walkAnomalies != 0 ? `, ${walkAnomalies} tables outside the HHDM` : ""}`);
  println(`[kernel] mm: frame allocator: ${fa.freeFrames} free frames over ${hex(fa.spanBase)}..` +
    `${hex(fa.spanBase + (fa.nblocks << 21))}, metadata ${mmSizeIn(fa.metaBytes)} ${mmSizeUnit(fa.metaBytes)} at ` +
    `${hex(metaPa)} (early allocator)`);
  ready = true;
  return true;
}

/**
 * Gives loader-reclaimable memory to the frame allocator (except the pages in `keep`).
 * Call once, after the kernel's last read of the boot info it was given (the boot info
 * and the memory map are in that memory). Returns false if not initialised, already done,
 * or the range tables overflowed (then nothing was given).
 */
export function mmReclaimLoader(): bool {
  if (!ready || reclaimed) return false;
  let g0: u64 = pm.generation;
  let f0: u64 = fa.freeFrames;
  let moved: u64 = pm.reclaimLoader(addressOf(keep), reclaimAdd, addressOf(fa));
  if (moved == PHYS_END_MAX) {
    kline("reclaim failed: range table full");
    return false;
  }
  reclaimed = true;
  println(`[kernel] mm: reclaimed ${mmSizeIn(moved)} ${mmSizeUnit(moved)} of loader memory (${fa.freeFrames - f0} ` +
    `frames), generation ${g0} -> ${pm.generation}`);
  return true;
}

/** The 9front-style summary: `[kernel] N MiB memory: K MiB kernel, U MiB usable,
 *  R MiB reserved, I MiB ignored`, where N is every region of the map that is memory (not
 *  MMIO, not an uncacheable Reserved window such as PCIe ECAM),
 *  K the kernel image plus the early allocator's pages, U the frame allocator's frames,
 *  I memory below 1 MiB or beyond the HHDM, R the rest (firmware, ACPI, runtime,
 *  loader memory not reclaimed, protected boot structures). Rounded to the nearest MiB. */
export function mmReport(): void {
  let n: u64 = pm.all.total();
  let k: u64 = pm.kernelBytes + ea.takenBytes;
  let u: u64 = fa.totalFrames * PAGE_SIZE;
  let i: u64 = pm.ignoredLow + pm.ignoredHigh;
  let r: u64 = 0;
  if (n > k + u + i) r = n - k - u - i;
  let half: u64 = 0x8_0000;
  print(`[kernel] ${(n + half) >> 20} MiB memory: ${(k + half) >> 20} MiB kernel, ${(u + half) >> 20} MiB usable, ` +
    `${(r + half) >> 20} MiB reserved, ${(i + half) >> 20} MiB ignored\n[kernel] mm: exact: ${n >> 10} KiB = ` +
    `${k >> 10} kernel + ${u >> 10} usable + ${r >> 10} reserved + ${i >> 10} ignored (KiB)\n`);
}
