// tsboot's kernel stub: entered by the loader (docs/boot-protocol.md) with the boot info
// pointer as its only argument. It reports what it was given, checks the protocol's
// promises, exercises the page-table engine on its live tables, prints exactly
// `[kernel] PASS` or `[kernel] FAIL: <reason>`, and exits QEMU.
//
// Nothing here may panic: the std panic halts without a verdict. Every check tests its
// preconditions first (no division by a value that can be zero, no walk of an address the
// boot info did not promise) and ends in fail(), which always exits.

import {
  type BootInfo, type MemRegion, type RwxRange, MemType, MapCheck, BOOTINFO_MAGIC, BOOTINFO_VERSION_MIN, MEMTYPE_MAX, BootFlag,
  memMapCheck, mapCheckMessage, memTypeName, KERNEL_LINK_BASE, HHDM_BASE, EFI_RUNTIME_BASE, EFI_RUNTIME_SIZE,
  RWX_RANGES_MAX, RWX_REASON_MAX, rwxReasonName,
} from "../common/bootinfo";
import { Attr } from "../common/paging/attrs";
import { type FrameSource, PageTable, PT_OK } from "../common/paging/engine";
import { type WalkResult, ptWalk } from "../common/paging/lookup";
import {
  archName, archBootArch, archConsoleInit, archBreakHook, archApplyFlush, archExit, archPageTableRoot, archPagingLevels,
  archTimestamp, archInterruptsEnabled, archStackPointer, archMmuFlagsOk,
} from "./arch/index";
import { mmInit, mmReclaimLoader, mmBootInfo, mmFrames } from "./mm/kmem";
import { mmTicks, mmTickHz } from "./mm/ticks";
import { cpuBootInit } from "./smp/cpu";
import { smpFindCpus, smpPrepare, smpStart, smpTickHz } from "./smp/smp";
import { smpPark } from "./smp/work";
import { smpSelfTest } from "./smp/smptest";
import { klog, sharedConsole } from "./klog";
import { memtestPrepare, memtestArmInjection, memtestRun, memtestFinish } from "./memtest/memtest";
import { printEfiTime } from "./mm/runtime";
import { type EfiRuntimeServices, EFI_RUNTIME_SERVICES_SIGNATURE, EFI_MEMORY_RUNTIME } from "../common/uefi";
import { mmSelfTest } from "./mm/selftest";
import { fbcon, fbconSink } from "../common/fbcon/fbcon";
import { trapsInit, trapsConsoleReady, trapsSetKernelStack } from "./trap/trap";
import { faultInjectFromCmdline } from "./trap/inject";
import { probePermissions } from "./permprobe";

/** A kernel VA outside the image, the stack and the HHDM, for the engine exercise. */
const DEMO_VA: u64 = 0xFFFF_FFFF_C000_0000;
const PAGE: u64 = 4096;

// Probes in each kind of section: the checks read their own page-table entries.
const RODATA_PROBE: Arr<u8, 16> = [0x74, 0x73, 0x62, 0x6F, 0x6F, 0x74, 0x2D, 0x72, 0x6F, 0x64, 0x61, 0x74, 0x61, 0x21, 0x5A, 0xA5];
let dataProbe: u64 = 0x7473_6264_6174_6121;
let bssProbe: Arr<u64, 4>;

let bi: Ptr<BootInfo> = null;
let tscEntry: u64 = 0;
let kpt: PageTable;
let checksPassed: u32 = 0;

// ---- output ----------------------------------------------------------------------------

function ok(what: cstr): void {
  checksPassed++;
  klog(`check ok: ${what}`);
}

/** The one way out on failure: verdict line, then QEMU exits with 35. */
function fail(reason: cstr): never {
  println(`[kernel] FAIL: ${reason}`);
  fbcon.verdict(false);
  archExit(false);
}

/** fail() with a value appended to the reason (still one line). */
function failHex(reason: cstr, v: u64): never {
  println(`[kernel] FAIL: ${reason} ${hex(v)}`);
  fbcon.verdict(false);
  archExit(false);
}

/** A size for the log, rounded down: whole GiB when exact, else MiB, KiB or bytes. The
 *  number and its unit (`${roughSize(n)} ${roughUnit(n)}`). */
function roughSize(bytes: u64): u64 {
  if (bytes >= (u64(1) << 30) && (bytes & 0x3FFF_FFFF) == 0) return bytes >> 30;
  if (bytes >= (u64(1) << 20)) return bytes >> 20;
  if (bytes >= 1024) return bytes >> 10;
  return bytes;
}

function roughUnit(bytes: u64): cstr {
  if (bytes >= (u64(1) << 30) && (bytes & 0x3FFF_FFFF) == 0) return "GiB";
  if (bytes >= (u64(1) << 20)) return "MiB";
  if (bytes >= 1024) return "KiB";
  return "B";
}

/** A log line with Attr bits between `head` and `tail`: `RW- global uncached`. */
function attrsLine(head: Fmt, a: u32, tail: Fmt): void {
  klog(`${head}${(a & Attr.Read) != 0 ? "R" : "-"}${(a & Attr.Write) != 0 ? "W" : "-"}` +
    `${(a & Attr.Exec) != 0 ? "X" : "-"}${(a & Attr.Global) != 0 ? " global" : ""}` +
    `${(a & Attr.Uncached) != 0 ? " uncached" : ""}${(a & Attr.Device) != 0 ? " device" : ""}` +
    `${(a & Attr.WriteCombining) != 0 ? " wc" : ""}${tail}`);
}

// ---- boot info report ------------------------------------------------------------------

function reportMemory(map: Ptr<MemRegion>, n: u64): void {
  klog(`memory map: ${n} regions`);
  for (let t: u32 = 1; t <= MEMTYPE_MAX; t++) {
    let total: u64 = 0;
    let count: u64 = 0;
    for (let i: u64 = 0; i < n; i++) {
      let r: Ptr<MemRegion> = ptrAdd(map, i);
      let rt: u32 = r.type;
      if (rt == t) {
        total += r.length;
        count++;
      }
    }
    if (count == 0) continue;
    klog(`memory: ${memTypeName(t as MemType)} ${roughSize(total)} ${roughUnit(total)} in ${count}` +
      `${count == 1 ? " region" : " regions"}`);
  }
}

function report(b: Ptr<BootInfo>): void {
  klog(`boot info v${b.version}, ${b.size} bytes, flags ${hex(u64(b.flags))}`);
  print("[kernel] cmdline: \"");      // not NUL-terminated: byte by byte
  if ((b.flags & BootFlag.HasCmdline) != 0) {
    let n: u32 = b.cmdlineLength;
    if (n > 255) n = 255;
    for (let i: u32 = 0; i < n; i++) printChar(b.cmdline[i]);
  }
  println("\"");
  klog(`hhdm base ${hex(b.hhdmBase)}, maps ${roughSize(b.hhdmSize)} ${roughUnit(b.hhdmSize)} of physical ` +
    `address space`);
  klog(`kernel virt ${hex(b.kernelVirtBase)} phys ${hex(b.kernelPhysBase)} size ${hex(b.kernelSize)} entry ` +
    `${hex(b.kernelEntry)}`);
  klog(`stack top ${hex(b.kernelStackTop)} size ${hex(b.kernelStackSize)}` +
    `${target.x86_64 ? ", rsp at entry " : ", sp at entry "}${hex(archStackPointer())}`);
  if ((b.flags & BootFlag.HasRsdp) != 0) {
    klog(`rsdp ${hex(b.rsdp)} (revision ${b.rsdpRevision})`);
  } else {
    klog("rsdp none");
  }
  if ((b.flags & BootFlag.HasFramebuffer) != 0) {
    klog(`framebuffer ${hex(b.fb.base)} ${b.fb.width}x${b.fb.height} pitch ${b.fb.pitch} format ${b.fb.format} size ` +
      `${hex(b.fb.size)}`);
  } else {
    klog("framebuffer none");
  }
  klog(`efi system table ${hex(b.efiSystemTable)}, runtime services ${hex(b.efiRuntimeServices)}`);
  klog(`page table root ${hex(b.pageTableRoot)}` +
    `${(b.flags & BootFlag.Huge1G) != 0 ? ", 1 GiB pages allowed" : ", 2 MiB pages at most"}`);
  let levels: u32 = archPagingLevels();
  let vas: cstr = target.x86_64 && levels == 5 ? "CR4.LA57 set: 57-bit virtual addresses"
    : target.x86_64 ? "48-bit virtual addresses" : "48-bit virtual addresses, 4 KiB granule";
  klog(`paging: ${levels}-level (${vas})`);
  let ticks: u64 = b.tscBeforeJump - b.tscAtEntry;
  let mhz: u64 = b.tscFrequency / 1_000_000;
  let jump: u64 = tscEntry - b.tscBeforeJump;
  let unit: cstr = target.x86_64 ? " TSC ticks" : " CNTVCT ticks";
  if (mhz != 0) {
    klog(`loader time: ${ticks}${unit} = ${ticks / mhz} us at ${mhz} MHz; loader jump -> kernel entry ${jump} ticks`);
  } else {
    klog(`loader time: ${ticks}${unit}; loader jump -> kernel entry ${jump} ticks`);
  }
}

// ---- checks ----------------------------------------------------------------------------

/** The engine, pointed at the live tables through the HHDM. Frames for new tables come
 *  from the first usable region above 1 MiB (a bump allocator: the stub frees nothing). */
let bumpNext: u64 = 0;
let bumpEnd: u64 = 0;

function kernelFrameAlloc(ctx: Ptr<void>): u64 {
  if (bumpNext >= bumpEnd) return 0;
  let pa: u64 = bumpNext;
  bumpNext += PAGE;
  return pa;
}

function kernelFrameFree(ctx: Ptr<void>, pa: u64): void {}

function applyFlush(): void {
  archApplyFlush(addressOf(kpt));
}

function walk(va: u64): WalkResult {
  return ptWalk(addressOf(kpt), va);
}

/** `va` must be mapped with every bit of `want` and none of `forbid`. */
function expectAttrs(what: cstr, va: u64, want: u32, forbid: u32): void {
  const w = walk(va);
  if (!w.ok) failHex(what, va);
  if ((w.attrs & want) != want || (w.attrs & forbid) != 0) {
    attrsLine(`  ${what} ${hex(va)} has `, w.attrs, "");
    failHex(what, va);
  }
  attrsLine(`  ${what} ${hex(va)} -> ${hex(w.pa)} `, w.attrs,
    ` (${roughSize(w.pageSize)} ${roughUnit(w.pageSize)} page)`);
}

function kernelTextProbe(): u64 {
  return 0x7465_7874;
}

function checkBootInfo(b: Ptr<BootInfo>): void {
  if (b == null) fail("no boot info pointer (rdi was 0)");
  let a: u64 = addr(b);
  if (a < HHDM_BASE || a >= KERNEL_LINK_BASE) failHex("boot info pointer is not in the HHDM:", a);
  if (b.magic != BOOTINFO_MAGIC) failHex("boot info magic mismatch:", b.magic);
  if (b.version < BOOTINFO_VERSION_MIN) failHex("boot info version too old:", u64(b.version));
  if (u64(b.size) < sizeof<BootInfo>()) failHex("boot info shorter than this kernel's BootInfo:", u64(b.size));
  if (b.arch != archBootArch()) failHex("boot info is for another architecture:", u64(b.arch));
  if (b.hhdmBase != HHDM_BASE) failHex("unexpected HHDM base:", b.hhdmBase);
  ok("boot info magic, version, size and architecture");
}

function checkCpuState(): void {
  if (archInterruptsEnabled()) fail("entered with interrupts enabled");
  if (!archMmuFlagsOk()) fail("write protection or NX not enabled by the loader");
  let sp: u64 = archStackPointer();
  if (sp > bi.kernelStackTop || sp < bi.kernelStackTop - bi.kernelStackSize) failHex("not running on the boot info's kernel stack:", sp);
  if (archPageTableRoot() != bi.pageTableRoot) failHex("running on other page tables than the boot info says:", archPageTableRoot());
  let levels: u32 = (bi.flags & BootFlag.La57) != 0 ? 5 : 4;
  if (archPagingLevels() != levels) failHex("the CPU translates with other paging levels than the boot info says:", u64(archPagingLevels()));
  ok(target.x86_64
    ? "interrupts off, WP and NXE on, on the kernel stack and the announced page tables"
    : "DAIF masked, SCTLR M/C/I on and WXN off, MAIR and TCR as announced, on the kernel stack and the announced page tables");
}

function checkMemoryMap(b: Ptr<BootInfo>): void {
  if (b.memMap < HHDM_BASE || b.memMapCount == 0 || b.memMapCount > b.memMapCapacity) failHex("memory map pointer or count invalid:", b.memMapCount);
  const { check: c, index: idx } = memMapCheck(ptr<MemRegion>(b.memMap), b.memMapCount);
  if (c != MapCheck.Ok) {
    klog(`memory map region ${idx} is the first bad one`);
    fail(mapCheckMessage(c));
  }
  // The kernel's own pages must be reported as such.
  let map: Ptr<MemRegion> = ptr<MemRegion>(b.memMap);
  let found: bool = false;
  for (let i: u64 = 0; i < b.memMapCount; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.type == MemType.Kernel && r.base <= b.kernelPhysBase && b.kernelPhysBase + b.kernelSize <= r.base + r.length) found = true;
  }
  if (!found) failHex("the kernel image is not inside a kernel-type region of the map:", b.kernelPhysBase);
  ok("memory map sorted, non-overlapping, coalesced; kernel region present");
}

function findFrames(b: Ptr<BootInfo>): void {
  let map: Ptr<MemRegion> = ptr<MemRegion>(b.memMap);
  for (let i: u64 = 0; i < b.memMapCount; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.type != MemType.Usable || r.base + r.length <= 0x10_0000) continue;
    let start: u64 = r.base;
    if (start < 0x10_0000) start = 0x10_0000;
    if (r.base + r.length - start < 64 * PAGE) continue;
    bumpNext = start;
    bumpEnd = start + 64 * PAGE;
    return;
  }
  fail("no usable region of 256 KiB above 1 MiB for page-table frames");
}

function checkPermissions(b: Ptr<BootInfo>): void {
  let frames: FrameSource = { alloc: kernelFrameAlloc, free: kernelFrameFree, ctx: null };
  kpt = new PageTable(addressOf(frames), b.hhdmBase, archPageTableRoot());
  kpt.allow1G = (b.flags & BootFlag.Huge1G) != 0;
  kpt.highHalf = true;    // aarch64: the kernel half (TTBR1); ignored on x86_64
  kpt.levels = archPagingLevels();
  kpt.breakHook = archBreakHook(); // these tables are live: break-before-make on aarch64

  let text: u64 = addr(kernelTextProbe);
  if (text < b.kernelVirtBase || text >= b.kernelVirtBase + b.kernelSize) failHex("kernel text probe outside the image:", text);
  expectAttrs("text R-X", text, Attr.Read | Attr.Exec, Attr.Write);
  expectAttrs("rodata R--", addr(addressOf(RODATA_PROBE[0])), Attr.Read, Attr.Write | Attr.Exec);
  expectAttrs("data RW-", addr(addressOf(dataProbe)), Attr.Read | Attr.Write, Attr.Exec);
  expectAttrs("bss RW-", addr(addressOf(bssProbe[0])), Attr.Read | Attr.Write, Attr.Exec);
  expectAttrs("stack RW-", archStackPointer(), Attr.Read | Attr.Write, Attr.Exec);
  expectAttrs("boot info (HHDM) RW-", addr(bi), Attr.Read | Attr.Write, Attr.Exec);
  let guard: u64 = b.kernelStackTop - b.kernelStackSize - PAGE;
  if (walk(guard).ok) failHex("the stack guard page is mapped:", guard);
  klog(`  stack guard ${hex(guard)} unmapped`);
  ok("kernel text read-only, rodata/data/bss/stack/HHDM not executable, guard page unmapped");
}

/** The RwxReason of the boot info's RWX range holding `va`, 0 when none does. */
function promisedRwx(b: Ptr<BootInfo>, va: u64): u32 {
  for (let i: u32 = 0; i < b.efiRwxCount && i < RWX_RANGES_MAX; i++) {
    let r: Ptr<RwxRange> = addressOf(b.efiRwx[i]);
    if (va >= r.virt && va - r.virt < (u64(r.pages) << 12)) return r.reason;
  }
  return 0;
}

/** The map region containing `pa` (null if none). */
function regionAt(b: Ptr<BootInfo>, pa: u64): Ptr<MemRegion> {
  let map: Ptr<MemRegion> = ptr<MemRegion>(b.memMap);
  for (let i: u64 = 0; i < b.memMapCount; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (pa >= r.base && pa - r.base < r.length) return r;
  }
  return null;
}

/**
 * The UEFI runtime window (docs/boot-protocol.md): every page the loader mapped there
 * translates to window - EFI_RUNTIME_BASE and is W^X, except inside the ranges the boot info
 * lists as RWX; each listed range is runtime code, has a known reason and is RWX throughout.
 * Checked whether or not the firmware went to virtual mode: the tables are live either way.
 */
function checkRuntimeWindow(b: Ptr<BootInfo>): void {
  if (b.efiRwxCount > RWX_RANGES_MAX) failHex("boot info lists too many RWX ranges:", u64(b.efiRwxCount));
  let rwxBytes: u64 = 0;
  for (let i: u32 = 0; i < b.efiRwxCount; i++) {
    let r: Ptr<RwxRange> = addressOf(b.efiRwx[i]);
    let size: u64 = u64(r.pages) << 12;
    if (r.reason < 1 || r.reason > RWX_REASON_MAX) failHex("RWX range with an unknown reason:", u64(r.reason));
    if (r.virt < EFI_RUNTIME_BASE || (r.virt & 0xFFF) != 0 || size == 0 || r.virt - EFI_RUNTIME_BASE + size > EFI_RUNTIME_SIZE) failHex("RWX range outside the runtime window:", r.virt);
    let reg: Ptr<MemRegion> = regionAt(b, r.virt - EFI_RUNTIME_BASE);
    if (reg == null || reg.type != MemType.RuntimeServicesCode || r.virt - EFI_RUNTIME_BASE + size > reg.base + reg.length) failHex("RWX range is not runtime code:", r.virt);
    for (let off: u64 = 0; off < size; off += PAGE) {
      const w = walk(r.virt + off);
      if (!w.ok || (w.attrs & (Attr.Write | Attr.Exec)) != (Attr.Write | Attr.Exec)) failHex("a range the boot info lists as RWX is not mapped RWX at", r.virt + off);
    }
    klog(`  runtime RWX ${hex(r.virt)} (${roughSize(size)} ${roughUnit(size)}): ${rwxReasonName(r.reason)}`);
    rwxBytes += size;
  }
  let map: Ptr<MemRegion> = ptr<MemRegion>(b.memMap);
  let pages: u64 = 0;
  for (let i: u64 = 0; i < b.memMapCount; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if ((r.attrs & EFI_MEMORY_RUNTIME) == 0 || r.base + r.length > EFI_RUNTIME_SIZE) continue;
    let pa: u64 = r.base;
    while (pa < r.base + r.length) {
      let va: u64 = EFI_RUNTIME_BASE + pa;
      const w = walk(va);
      if (!w.ok) { pa += PAGE; continue; }
      if (w.pa != pa) failHex("the runtime window does not map its physical address at", va);
      if ((w.attrs & Attr.Write) != 0 && (w.attrs & Attr.Exec) != 0 && promisedRwx(b, va) == 0) {
        failHex("W^X: a runtime window page the boot info does not list as RWX is writable and executable:", va);
      }
      pages++;
      // To the end of this leaf (a 2 MiB or 1 GiB leaf is checked once).
      pa = (va & ~(w.pageSize - 1)) + w.pageSize - EFI_RUNTIME_BASE;
    }
  }
  klog(`  runtime window: ${pages} leaves checked, RWX only in the ${u64(b.efiRwxCount)} listed ranges ` +
    `(${roughSize(rwxBytes)} ${roughUnit(rwxBytes)})`);
  ok("efi runtime window W^X except the boot info's RWX ranges");
}

function checkHhdm(b: Ptr<BootInfo>): void {
  let va: u64 = addr(addressOf(RODATA_PROBE[0]));
  let w = walk(va);
  if (!w.ok) failHex("rodata probe not mapped:", va);
  let expectPa: u64 = b.kernelPhysBase + (va - b.kernelVirtBase);
  if (w.pa != expectPa) failHex("rodata probe translates to the wrong physical address:", w.pa);
  let viaLink: Ptr<u8> = ptr<u8>(va);
  let viaHhdm: Ptr<u8> = ptr<u8>(b.hhdmBase + w.pa);
  for (let i: u32 = 0; i < 16; i++) {
    if (viaLink[i] != viaHhdm[i]) failHex("HHDM byte differs from the kernel's link-address byte at offset", u64(i));
  }
  // And a write through the kernel's data mapping shows up through the HHDM.
  let dva: u64 = addr(addressOf(dataProbe));
  w = walk(dva);
  if (!w.ok) failHex("data probe not mapped:", dva);
  dataProbe = 0x1234_5678_9ABC_DEF0;
  compilerBarrier();
  if (loadVolatile<u64>(b.hhdmBase + w.pa) != 0x1234_5678_9ABC_DEF0) fail("a store to .data is not visible through the HHDM");
  klog(`  rodata ${hex(va)} = HHDM ${hex(b.hhdmBase + expectPa)} (16 bytes equal)`);
  ok("HHDM reads match the kernel's own pages");
}

/**
 * The HHDM's leaves by size, found by walking the live tables from hhdmBase to
 * hhdmBase + hhdmSize (an unmapped entry is skipped whole, at the level where the walk
 * stopped). 1 GiB leaves may only be there when the boot info allows them (x86_64: the CPU
 * has pdpe1gb; a PDPTE with PS set is a reserved-bit fault without it).
 */
function checkHhdmLeaves(b: Ptr<BootInfo>): void {
  let n1g: u64 = 0;
  let n2m: u64 = 0;
  let n4k: u64 = 0;
  let va: u64 = b.hhdmBase;
  let end: u64 = b.hhdmBase + b.hhdmSize;
  while (va < end) {
    let span: u64 = 0;
    const w: WalkResult = walk(va);
    if (w.ok) {
      span = w.pageSize;
      if (span == u64(1) << 30) n1g++;
      else if (span == u64(1) << 21) n2m++;
      else n4k++;
    } else {
      // The entry read last was not present: it spans 2^(12 + 9h) at height h.
      let h: u64 = u64(kpt.levels) - u64(w.levels);
      span = u64(1) << (12 + 9 * h);
    }
    va = (va & ~(span - 1)) + span;
  }
  let allowed: bool = (b.flags & BootFlag.Huge1G) != 0;
  klog(`  hhdm leaves: ${n1g} of 1 GiB, ${n2m} of 2 MiB, ${n4k} of 4 KiB (1 GiB pages ${allowed ? "allowed" : "not allowed"})`);
  if (!allowed && n1g != 0) failHex("1 GiB leaves in the HHDM, which the boot info does not allow:", n1g);
  ok("HHDM leaves within the page sizes the boot info allows");
}

function checkEngine(b: Ptr<BootInfo>): void {
  findFrames(b);
  let frame: u64 = kernelFrameAlloc(null);
  if (walk(DEMO_VA).ok) failHex("the demo address is already mapped:", DEMO_VA);

  let rc: i32 = kpt.map(DEMO_VA, frame, PAGE, Attr.Read | Attr.Write | Attr.Uncached | Attr.Global);
  if (rc != PT_OK) failHex("map of an uncached page failed with", u64(i64(rc)));
  applyFlush();
  expectAttrs("uncached demo page", DEMO_VA, Attr.Read | Attr.Write | Attr.Uncached, Attr.Exec);
  storeVolatile<u64>(DEMO_VA, 0xC0FF_EE00_D00D_F00D);
  if (loadVolatile<u64>(b.hhdmBase + frame) != 0xC0FF_EE00_D00D_F00D) fail("a store through the new mapping is not visible through the HHDM");

  rc = kpt.protect(DEMO_VA, PAGE, Attr.Read | Attr.Global);
  if (rc != PT_OK) failHex("protect failed with", u64(i64(rc)));
  applyFlush();
  expectAttrs("after protect(R--)", DEMO_VA, Attr.Read, Attr.Write | Attr.Exec | Attr.Uncached);
  if (loadVolatile<u64>(DEMO_VA) != 0xC0FF_EE00_D00D_F00D) fail("the protected page lost its contents");

  // W^X: the engine must refuse a writable executable mapping.
  rc = kpt.protect(DEMO_VA, PAGE, Attr.Read | Attr.Write | Attr.Exec);
  if (rc == PT_OK) fail("the engine accepted a writable+executable mapping");

  rc = kpt.unmap(DEMO_VA, PAGE);
  if (rc != PT_OK) failHex("unmap failed with", u64(i64(rc)));
  applyFlush();
  if (walk(DEMO_VA).ok) fail("the demo page is still mapped after unmap");

  // No stale translation: the first frame mapped again and read (the TLB holds it now),
  // unmapped, and the address mapped to a second frame must read the second frame. A
  // neighbour page keeps the table alive, so that the unmap is a one-page flush (invlpg,
  // TLBI VAE1IS) rather than the whole-TLB flush of a freed table.
  let frame2: u64 = kernelFrameAlloc(null);
  if (frame2 == 0) fail("no frame left for the remap check");
  storeVolatile<u64>(b.hhdmBase + frame2, 0x5EC0_4D00_0000_0002);
  rc = kpt.map(DEMO_VA + PAGE, frame2, PAGE, Attr.Read | Attr.Global);
  if (rc == PT_OK) rc = kpt.map(DEMO_VA, frame, PAGE, Attr.Read | Attr.Global);
  if (rc != PT_OK) failHex("map for the remap check failed with", u64(i64(rc)));
  applyFlush();
  if (loadVolatile<u64>(DEMO_VA) != 0xC0FF_EE00_D00D_F00D) fail("the remapped first frame lost its contents");
  rc = kpt.unmap(DEMO_VA, PAGE);
  if (rc != PT_OK) failHex("unmap failed with", u64(i64(rc)));
  applyFlush();
  rc = kpt.map(DEMO_VA, frame2, PAGE, Attr.Read | Attr.Global);
  if (rc != PT_OK) failHex("map of the second frame failed with", u64(i64(rc)));
  applyFlush();
  if (loadVolatile<u64>(DEMO_VA) != 0x5EC0_4D00_0000_0002) fail("a read reached the unmapped frame: its TLB entry was not flushed");
  rc = kpt.unmap(DEMO_VA, 2 * PAGE);
  if (rc != PT_OK) failHex("unmap failed with", u64(i64(rc)));
  applyFlush();
  ok("engine on the live tables: map uncached, write, protect read-only, W^X refused, unmap, remap (no stale TLB entry)");
}

/**
 * UEFI runtime services in virtual mode (docs/boot-protocol.md): the loader's promises are
 * checked (FAIL when broken): the table and GetTime are mapped in the runtime window of
 * these tables, the table at its physical address. Then GetTime is called and the date
 * printed. A failing GetTime status (printed by name) does not fail the verdict: it is the
 * machine's RTC answering, and a firmware may legitimately have none. QEMU's CMOS (OVMF) and
 * PL031 (AAVMF) both answer, and the boot tests require the date line. Reads mm's copy of
 * the boot info (the loader's was reclaimed).
 */
function checkRuntimeServices(): void {
  let b: Ptr<BootInfo> = mmBootInfo();
  if ((b.flags & BootFlag.RuntimeVirtual) == 0) {
    klog(`efi runtime services unavailable: SetVirtualAddressMap status ${hex(b.efiVirtualMapStatus)} ` +
      `(the loader's log says why)`);
    return;
  }
  let rt: u64 = b.efiRuntimeServicesVirt;
  if (b.efiRuntimeBase != EFI_RUNTIME_BASE || rt < EFI_RUNTIME_BASE || rt - EFI_RUNTIME_BASE >= EFI_RUNTIME_SIZE) failHex("runtime services pointer outside the runtime window:", rt);
  // Data, unless the loader listed its page as RWX (U-Boot keeps the table inside runtime code).
  let rwx: u32 = promisedRwx(b, rt);
  expectAttrs(rwx != 0 ? "efi runtime services table (listed RWX)" : "efi runtime services table", rt, Attr.Read, rwx != 0 ? 0 : Attr.Exec);
  const w = walk(rt);
  if (!w.ok || w.pa != b.efiRuntimeServices || rt - EFI_RUNTIME_BASE != w.pa) failHex("the runtime window does not map the runtime services table at its physical address:", w.pa);
  if (load<u64>(rt) != EFI_RUNTIME_SERVICES_SIGNATURE) failHex("no RUNTSERV signature at the virtual runtime services table:", load<u64>(rt));
  let getTime: u64 = load<u64>(rt + offsetof<EfiRuntimeServices>("GetTime"));
  if (getTime < EFI_RUNTIME_BASE || getTime - EFI_RUNTIME_BASE >= EFI_RUNTIME_SIZE) failHex("GetTime was not converted into the runtime window:", getTime);
  expectAttrs("efi GetTime", getTime, Attr.Read | Attr.Exec, 0);
  ok("efi runtime services: table and GetTime mapped in the runtime window");
  if (printEfiTime(rt)) {
    ok("efi GetTime through the virtual runtime services table");
  } else {
    klog("efi GetTime failed (printed above): not counted against the verdict, the machine may have no working RTC");
  }
}

/**
 * Every CPU, and a memory test on all of them: the CPUs are prepared (found, given
 * stacks), the test takes its memory and runs once on this CPU alone (the baseline: the
 * others are not running yet, so they cannot compete with it), then the CPUs start, the
 * test runs on all of them, and they are parked again. Reads mm's copy of the boot info.
 */
function checkSmpAndMemory(): void {
  let b: Ptr<BootInfo> = mmBootInfo();
  let cpus: u32 = smpPrepare(b);
  let testing: bool = memtestPrepare(smpTickHz(), mmFrames().freeFrames);
  if (testing) {
    memtestArmInjection(cpus);
    memtestRun();
  }
  let online: u32 = smpStart();
  // Each job may take this long on the other CPUs before they are given up on.
  let wait: u64 = smpTickHz() * 10;
  let shared: bool = smpSelfTest(online, wait);
  if (testing) memtestRun();
  smpPark();
  if (!memtestFinish()) fail("the memory test found errors (listed above)");
  if (!shared) fail("a check of what the CPUs share failed (listed above)");
  ok("spin lock, frame allocator and console shared by every online CPU");
  if (online == cpus) ok("every CPU the firmware named came online");
  else klog("not every CPU came online (listed above); the others carried on");
  if (testing) ok("memory test on every online CPU: no errors but the injected ones");
}

export function main(bootInfo: Ptr<BootInfo>): never {
  // Exceptions first: from here on every CPU exception ends in a report and a FAIL verdict
  // (trap/), never in a reset or a silent hang.
  trapsInit(bootInfo);
  tscEntry = archTimestamp();
  cpuBootInit();            // before anything prints: the console lock asks which CPU runs
  archConsoleInit(bootInfo);
  trapsConsoleReady();
  bi = bootInfo;
  klog(`tsboot kernel-stub (${archName()}) entered, boot info at ${hex(addr(bootInfo))}`);

  checkBootInfo(bi);
  trapsSetKernelStack(bi.kernelStackTop, bi.kernelStackSize);
  // The same lines on the screen: most laptops have no serial port. The framebuffer
  // console draws each byte, then passes it on to the serial sink.
  if (fbcon.init(bi)) {
    fbcon.next = consoleSink();
    setConsoleSink(fbconSink);
  } else {
    klog(`no framebuffer console: ${fbcon.error}`);
  }
  // Several CPUs will share the console: whole lines, under a lock (klog.ts).
  sharedConsole.attach(mmTicks, mmTickHz(bi.tscFrequency));
  report(bi);
  faultInjectFromCmdline(bi);
  checkCpuState();
  checkMemoryMap(bi);
  reportMemory(ptr<MemRegion>(bi.memMap), bi.memMapCount);
  // The CPU's faults decide; the table walk after them says what the tables hold.
  let probeFailures: u32 = probePermissions(bi);
  checkPermissions(bi);
  if (probeFailures != 0) {
    println(`[kernel] FAIL: ${probeFailures} of the permission probes did not take the expected fault (probe FAIL lines above)`);
    fbcon.verdict(false);
    archExit(false);
  }
  ok("the CPU faults on each forbidden access: execute HHDM/data/rodata/stack, write text/rodata, read guard page");
  checkRuntimeWindow(bi);
  checkHhdm(bi);
  checkHhdmLeaves(bi);
  checkEngine(bi);

  // Before memory is reused: a firmware may keep its CPU tables in boot-services memory.
  smpFindCpus(bi, archPageTableRoot());
  // The kernel takes over physical memory. The checks above used their own frames and
  // their tables are freed or still live (mmInit keeps live table frames out of the pool).
  // After mmReclaimLoader the boot info and its map are gone: only mm's copies remain.
  if (!mmInit(bi)) fail("memory manager initialisation failed");
  if (!mmSelfTest()) fail("memory self-test failed");
  if (!mmReclaimLoader()) fail("reclaiming loader memory failed");
  if (!mmSelfTest()) fail("memory self-test after reclaiming loader memory failed");
  ok("memory management: ranges, early allocator, frame allocator, vmap, reclaim");
  checkSmpAndMemory();
  checkRuntimeServices();

  klog(`all ${checksPassed} checks passed`);
  klog("PASS");
  fbcon.verdict(true);
  archExit(true);
}
