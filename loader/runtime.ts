// UEFI runtime services in virtual mode (docs/boot-protocol.md, "UEFI runtime services").
//
// Before ExitBootServices, rtMapRegions maps every memory-map descriptor with
// EFI_MEMORY_RUNTIME into the kernel's table (TTBR1_EL1's on aarch64) at
// EFI_RUNTIME_BASE + PhysicalStart, with the page-table engine through loader/paging.ts:
//   - runtime MMIO (MemoryMappedIO, MemoryMappedIOPortSpace): Device RW-, the same memory
//     type the HHDM gives it (aliases must agree on aarch64); AAVMF's PL031 RTC and flash;
//   - RuntimeServicesCode: split by the firmware's EFI_MEMORY_ATTRIBUTES_TABLE when it
//     publishes one (RO -> R-X, XP -> RW- or R--); pieces the table does not describe, or
//     all code without a table, RWX (W^X lifted for that call only, and logged): runtime
//     images keep their .data inside the code region (U-Boot's runtime services table and
//     variables live there). Each RWX range is recorded in the boot info (efiRwx, with its
//     RwxReason) so the kernel can tell a promised exception from a broken W^X; at most
//     RWX_RANGES_MAX of them (adjacent pieces with the same reason are merged);
//   - everything else (RuntimeServicesData, ...): RW-, normal write-back memory, like the HHDM.
// After ExitBootServices, rtEnterVirtualMode checks that the final map's runtime regions
// are exactly what was mapped (runtime memory does not change across ExitBootServices; if
// it did, the kernel's tables would be wrong, so the firmware stays in physical mode),
// writes VirtualStart = EFI_RUNTIME_BASE + PhysicalStart into each runtime descriptor of
// the final map, and calls SetVirtualAddressMap once, still on the firmware's identity
// mapping. The boot info gets BootFlag.RuntimeVirtual and the converted RuntimeServices
// pointer only when all of that worked; every other outcome is logged with its reason.

import {
  type EfiSystemTable, type EfiRuntimeServices, type EfiMemoryDescriptor, type EfiMemoryAttributesTable,
  EFI_MEMORY_RUNTIME, EFI_MEMORY_RO, EFI_MEMORY_XP, EFI_SUCCESS, EFI_NOT_STARTED, MEMORY_ATTRIBUTES_TABLE_GUID,
  EFI_RUNTIME_SERVICES_SIGNATURE,
} from "../common/uefi";
import { efiFindConfigTable, efiStatusName } from "./efi";
import { type EfiMap, efiMapCount, efiMapEntry, efiMemTypeName } from "./memmap";
import { mapInKernelTable, translateInKernelTable, kernelTableFrames } from "./paging";
import { logQuietConOut, log, logSerial, logError, logWarning } from "./log";
import { Attr } from "../common/paging/attrs";
import {
  type BootInfo, type RwxRange, BootFlag, RwxReason, EFI_RUNTIME_BASE, EFI_RUNTIME_SIZE, RWX_RANGES_MAX, rwxReasonName,
} from "../common/bootinfo";

const PAGE: u64 = 4096;
/** Runtime descriptors the loader keeps track of (OVMF has 5, AAVMF 6). */
const RT_MAX: u32 = 64;
/** More memory-attributes entries than this is taken as a corrupt table. */
const MAT_MAX_ENTRIES: u32 = 4096;

/** The consequence every mapping problem ends its message with (the text is kept once). */
const PHYSICAL: cstr = "runtime services stay in physical mode";

const KIND_CODE: u32 = 1;
const KIND_DATA: u32 = 2;
const KIND_MMIO: u32 = 3;

/** A runtime region as mapped before ExitBootServices. */
interface RtRange extends Struct {
  start: u64;
  end: u64;
  kind: u32;
  pad: u32;
}

let ranges: Arr<RtRange, 64>;
let rangeCount: u32 = 0;
/** Every runtime region is mapped: SetVirtualAddressMap may be called. */
let mapped: bool = false;
let mat: Ptr<EfiMemoryAttributesTable> = null;
/** Why code is RWX when there is no usable table (RwxReason). */
let noMatReason: u32 = RwxReason.NoAttributesTable;
/** Where the RWX ranges are recorded. */
let rwxInfo: Ptr<BootInfo> = null;

// Per-descriptor byte counts for the log line.
let bytesRX: u64 = 0;
let bytesRW: u64 = 0;
let bytesR: u64 = 0;
let bytesRWX: u64 = 0;
let totalRWX: u64 = 0;

function kindOf(t: u32): u32 {
  if (t == 11 || t == 12) return KIND_MMIO;   // MemoryMappedIO, MemoryMappedIOPortSpace
  if (t == 5) return KIND_CODE;               // RuntimeServicesCode
  return KIND_DATA;                           // RuntimeServicesData, and any other type marked runtime
}

function matEntry(i: u32): Ptr<EfiMemoryDescriptor> {
  return ptr<EfiMemoryDescriptor>(addr(mat) + sizeof<EfiMemoryAttributesTable>() + u64(i) * u64(mat.DescriptorSize));
}

/** The firmware's EFI_MEMORY_ATTRIBUTES_TABLE if it publishes a sane one, else null. */
function findMat(): Ptr<EfiMemoryAttributesTable> {
  let t: Ptr<EfiMemoryAttributesTable> = cast<EfiMemoryAttributesTable>(efiFindConfigTable(addressOf(MEMORY_ATTRIBUTES_TABLE_GUID)));
  noMatReason = RwxReason.NoAttributesTable;
  if (t == null) {
    log("UEFI runtime: no EFI_MEMORY_ATTRIBUTES_TABLE; runtime code will be mapped RWX");
    return null;
  }
  noMatReason = RwxReason.BadAttributesTable;
  if (t.Version < 1 || u64(t.DescriptorSize) < sizeof<EfiMemoryDescriptor>() || t.NumberOfEntries > MAT_MAX_ENTRIES) {
    logWarning(`EFI_MEMORY_ATTRIBUTES_TABLE at ${hex(addr(t))} looks corrupt (version ${u64(t.Version)}, ` +
      `${u64(t.NumberOfEntries)} entries of ${u64(t.DescriptorSize)} bytes); ignored, runtime code will be mapped ` +
      `RWX`);
    return null;
  }
  logSerial(`UEFI runtime: EFI_MEMORY_ATTRIBUTES_TABLE version ${u64(t.Version)}, ${u64(t.NumberOfEntries)} entries at ` +
    `${hex(addr(t))}`);
  return t;
}

/** Adds [va, va + size) to the boot info's RWX list; false when the list is full. */
function recordRwx(va: u64, size: u64, reason: u32): bool {
  let n: u32 = rwxInfo.efiRwxCount;
  if (n > 0) {
    let last: Ptr<RwxRange> = addressOf(rwxInfo.efiRwx[n - 1]);
    if (last.reason == reason && last.virt + (u64(last.pages) << 12) == va) {
      last.pages += u32(size >> 12);
      return true;
    }
  }
  if (n == RWX_RANGES_MAX) return false;
  let r: Ptr<RwxRange> = addressOf(rwxInfo.efiRwx[n]);
  r.virt = va;
  r.pages = u32(size >> 12);
  r.reason = reason;
  rwxInfo.efiRwxCount = n + 1;
  return true;
}

/** Maps one piece; `reason` (RwxReason) says why when `attrs` are both W and X. */
function mapPiece(start: u64, end: u64, attrs: u32, reason: u32): bool {
  let wx: bool = (attrs & Attr.Write) != 0 && (attrs & Attr.Exec) != 0;
  let size: u64 = end - start;
  if (wx && !recordRwx(EFI_RUNTIME_BASE + start, size, reason)) {
    logError(`more than ${u64(RWX_RANGES_MAX)} RWX runtime code ranges; the boot info cannot list ${hex(start)}, ` +
      `so it stays unmapped`);
    return false;
  }
  if (wx) { bytesRWX += size; totalRWX += size; }
  else if ((attrs & Attr.Exec) != 0) bytesRX += size;
  else if ((attrs & Attr.Write) != 0) bytesRW += size;
  else bytesR += size;
  return mapInKernelTable("a UEFI runtime region", EFI_RUNTIME_BASE + start, start, size, attrs, wx);
}

/** Engine attributes for a memory-attributes-table entry of runtime code. */
function matAttrs(a: u64): u32 {
  let ro: bool = (a & EFI_MEMORY_RO) != 0;
  let xp: bool = (a & EFI_MEMORY_XP) != 0;
  if (ro && !xp) return Attr.Read | Attr.Exec | Attr.Global;
  if (xp) return ro ? Attr.Read | Attr.Global : Attr.Read | Attr.Write | Attr.Global;
  return Attr.Read | Attr.Write | Attr.Exec | Attr.Global; // the table does not say: both
}

/**
 * Maps runtime code [start, end): each piece an attributes-table entry covers gets that
 * entry's permissions, the rest RWX.
 */
function mapCode(start: u64, end: u64): bool {
  let rwx: u32 = Attr.Read | Attr.Write | Attr.Exec | Attr.Global;
  if (mat == null) return mapPiece(start, end, rwx, noMatReason);
  let c: u64 = start;
  while (c < end) {
    let pieceEnd: u64 = end;
    let attrs: u32 = rwx;
    let covered: bool = false;
    for (let i: u32 = 0; i < mat.NumberOfEntries; i++) {
      let e: Ptr<EfiMemoryDescriptor> = matEntry(i);
      let es: u64 = e.PhysicalStart & ~(PAGE - 1);
      let ee: u64 = es + (e.NumberOfPages << 12);
      if (es <= c && c < ee) {
        covered = true;
        if (ee < pieceEnd) pieceEnd = ee;
        attrs = matAttrs(e.Attribute);
        break;
      }
    }
    if (!covered) {
      // Up to the next entry that starts inside the region.
      for (let i: u32 = 0; i < mat.NumberOfEntries; i++) {
        let es: u64 = matEntry(i).PhysicalStart & ~(PAGE - 1);
        if (es > c && es < pieceEnd) pieceEnd = es;
      }
    }
    if (!mapPiece(c, pieceEnd, attrs, RwxReason.NotDescribed)) return false;
    c = pieceEnd;
  }
  return true;
}

/**
 * Before ExitBootServices, after buildAddressSpace: maps every runtime descriptor of `m`
 * (the map fetched for the page tables) into the kernel's table at EFI_RUNTIME_BASE + phys.
 * Never fails the boot: on any problem it logs why and the firmware will stay in physical
 * mode (the kernel then sees no BootFlag.RuntimeVirtual).
 */
export function rtMapRegions(m: Ptr<EfiMap>, bi: Ptr<BootInfo>): void {
  rangeCount = 0;
  mapped = false;
  totalRWX = 0;
  rwxInfo = bi;
  bi.efiRwxCount = 0;
  mat = findMat();
  let framesBefore: u64 = kernelTableFrames();
  let n: u64 = efiMapCount(m);
  let code: u64 = 0;
  let data: u64 = 0;
  let mmio: u64 = 0;
  logQuietConOut(true);
  for (let i: u64 = 0; i < n; i++) {
    let d: Ptr<EfiMemoryDescriptor> = efiMapEntry(m, i);
    if ((d.Attribute & EFI_MEMORY_RUNTIME) == 0 || d.NumberOfPages == 0) continue;
    let start: u64 = d.PhysicalStart & ~(PAGE - 1);
    let end: u64 = start + (d.NumberOfPages << 12);
    if (end <= start || end > EFI_RUNTIME_SIZE || d.NumberOfPages > (EFI_RUNTIME_SIZE >> 12)) {
      logQuietConOut(false);
      logError(`UEFI runtime region ${hex(start)} (${d.NumberOfPages} pages) lies beyond the runtime window's ` +
        `${size(EFI_RUNTIME_SIZE)}; ${PHYSICAL}`);
      return;
    }
    if (rangeCount == RT_MAX) {
      logQuietConOut(false);
      logError(`more than ${u64(RT_MAX)} UEFI runtime regions; ${PHYSICAL}`);
      return;
    }
    let kind: u32 = kindOf(d.Type);
    bytesRX = 0;
    bytesRW = 0;
    bytesR = 0;
    bytesRWX = 0;
    let ok: bool = false;
    if (kind == KIND_MMIO) ok = mapPiece(start, end, Attr.Read | Attr.Write | Attr.Device | Attr.Global, 0);
    else if (kind == KIND_CODE) ok = mapCode(start, end);
    else ok = mapPiece(start, end, Attr.Read | Attr.Write | Attr.Global, 0);
    if (!ok) {
      logQuietConOut(false);
      logError(`mapping the UEFI runtime regions failed; ${PHYSICAL}`);
      return;
    }
    let r: Ptr<RtRange> = addressOf(ranges[rangeCount]);
    r.start = start;
    r.end = end;
    r.kind = kind;
    rangeCount++;
    if (kind == KIND_MMIO) mmio += end - start;
    else if (kind == KIND_CODE) code += end - start;
    else data += end - start;

    log(`  runtime ${hex(start, 12)}-${hex(end, 12)} ${efiMemTypeName(d.Type)} -> ` +
      `${hex(EFI_RUNTIME_BASE + start)}${kind == KIND_MMIO ? " device" : ""}` +
      `${bytesRX == 0 ? "" : ` R-X ${size(bytesRX)}`}${bytesRW == 0 ? "" : ` RW- ${size(bytesRW)}`}` +
      `${bytesR == 0 ? "" : ` R-- ${size(bytesR)}`}${bytesRWX == 0 ? "" : ` RWX ${size(bytesRWX)}`}`);
  }
  logQuietConOut(false);
  if (rangeCount == 0) {
    log(`UEFI runtime: the memory map has no runtime regions; ${PHYSICAL}`);
    return;
  }
  mapped = true;
  // Serial only, as the address space's summary (loader/paging.ts says why).
  logSerial(`UEFI runtime: ${u64(rangeCount)} regions mapped at ${hex(EFI_RUNTIME_BASE)} + phys: code ${size(code)}, ` +
    `data ${size(data)}, MMIO ${size(mmio)} (device); ${kernelTableFrames() - framesBefore} more table frames`);
  if (totalRWX != 0) {
    log(`UEFI runtime: ${size(totalRWX)} of runtime code mapped RWX in ${u64(bi.efiRwxCount)}` +
      `${bi.efiRwxCount == 1 ? " range" : " ranges"} (W^X lifted for those only, listed in the boot info): ` +
      `${rwxReasonName(mat == null ? noMatReason : RwxReason.NotDescribed)}`);
  }
}

/** [start, end) is covered by mapped ranges of `kind` (any kind when kind is 0). */
function covered(start: u64, end: u64, kind: u32): bool {
  let c: u64 = start;
  while (c < end) {
    let found: bool = false;
    for (let j: u32 = 0; j < rangeCount; j++) {
      let r: Ptr<RtRange> = addressOf(ranges[j]);
      if (r.start <= c && c < r.end && (kind == 0 || r.kind == kind)) {
        c = r.end;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** The kernel's table translates window + pa to pa. */
function windowMaps(pa: u64): bool {
  const t = translateInKernelTable(EFI_RUNTIME_BASE + pa);
  return t.ok && t.pa == pa;
}

function stayPhysical(why: cstr, v: u64): void {
  log(`UEFI ${PHYSICAL} (not callable by the kernel): ${why} ${hex(v)}`);
}

/**
 * After ExitBootServices, before the switch: hands the final map `m` (VirtualStart filled
 * in for the runtime descriptors) to SetVirtualAddressMap and records the outcome in `bi`.
 * Makes no other firmware call. Logs on serial only (boot services are gone).
 */
export function rtEnterVirtualMode(m: Ptr<EfiMap>, st: Ptr<EfiSystemTable>, bi: Ptr<BootInfo>): void {
  bi.efiVirtualMapStatus = EFI_NOT_STARTED;
  bi.efiRuntimeBase = 0;
  bi.efiRuntimeServicesVirt = 0;
  bi.efiSystemTableVirt = 0;
  if (!mapped) {
    log("SetVirtualAddressMap not called: the runtime regions are not mapped (see above)");
    return;
  }
  // The runtime regions of the final map must be the ones the kernel's tables map.
  let n: u64 = efiMapCount(m);
  let runtime: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    let d: Ptr<EfiMemoryDescriptor> = efiMapEntry(m, i);
    if ((d.Attribute & EFI_MEMORY_RUNTIME) == 0 || d.NumberOfPages == 0) continue;
    let start: u64 = d.PhysicalStart & ~(PAGE - 1);
    let end: u64 = start + (d.NumberOfPages << 12);
    if (!covered(start, end, kindOf(d.Type)) || !windowMaps(start) || !windowMaps(end - PAGE)) {
      log(`SetVirtualAddressMap not called: the final map's runtime region ${hex(start)}-${hex(end)} (` +
        `${efiMemTypeName(d.Type)}) was not in the map the kernel's tables were built from`);
      return;
    }
    runtime++;
  }
  let rt: Ptr<EfiRuntimeServices> = st.RuntimeServices;
  let rtPhys: u64 = addr(rt);
  if (rt == null || rt.Hdr.Signature != EFI_RUNTIME_SERVICES_SIGNATURE ||
      u64(rt.Hdr.HeaderSize) < offsetof<EfiRuntimeServices>("ConvertPointer") || rt.SetVirtualAddressMap == null) {
    stayPhysical("no valid EFI_RUNTIME_SERVICES table at", rtPhys);
    return;
  }
  if (!covered(rtPhys, rtPhys + sizeof<EfiRuntimeServices>(), 0)) {
    stayPhysical("the runtime services table is not in runtime memory:", rtPhys);
    return;
  }
  for (let i: u64 = 0; i < n; i++) {
    let d: Ptr<EfiMemoryDescriptor> = efiMapEntry(m, i);
    if ((d.Attribute & EFI_MEMORY_RUNTIME) != 0) d.VirtualStart = EFI_RUNTIME_BASE + (d.PhysicalStart & ~(PAGE - 1));
  }
  let s: u64 = rt.SetVirtualAddressMap(m.size, m.descSize, m.descVersion, ptr<EfiMemoryDescriptor>(m.buf));
  bi.efiVirtualMapStatus = s;
  if (s != EFI_SUCCESS) {
    log(`SetVirtualAddressMap: ${efiStatusName(s)} (${hex(s)}); runtime services are unavailable to the kernel`);
    return;
  }
  log(`SetVirtualAddressMap: ${efiStatusName(s)} (${runtime} runtime regions at ${hex(EFI_RUNTIME_BASE)} + phys)`);
  // The firmware converted the system table's pointer to the virtual address; the table
  // itself is runtime data, still readable here through its physical address.
  let rtVirt: u64 = addr(st.RuntimeServices);
  if (rtVirt != EFI_RUNTIME_BASE + rtPhys) {
    stayPhysical("SetVirtualAddressMap succeeded but the system table's RuntimeServices is", rtVirt);
    return;
  }
  bi.efiRuntimeBase = EFI_RUNTIME_BASE;
  bi.efiRuntimeServicesVirt = rtVirt;
  let stPhys: u64 = addr(st);
  if (covered(stPhys, stPhys + sizeof<EfiSystemTable>(), 0)) bi.efiSystemTableVirt = EFI_RUNTIME_BASE + stPhys;
  bi.flags |= BootFlag.RuntimeVirtual;
  log(`runtime services table at ${hex(rtVirt)} (phys ${hex(rtPhys)}), system table at ` +
    `${hex(bi.efiSystemTableVirt)}`);
}
