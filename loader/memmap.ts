// The UEFI memory map: fetch (size probe, slack, retry), print, and conversion into the
// boot protocol's sorted, coalesced, non-overlapping MemRegion list.

import {
  type EfiMemoryDescriptor, EFI_SUCCESS, EFI_BUFFER_TOO_SMALL, EFI_OUT_OF_RESOURCES, TSBOOT_KERNEL_MEMORY, EfiMemoryType,
} from "../common/uefi";
import { efiBootServices, efiAllocPages, efiFreePages, efiReportFailure } from "./efi";
import { logQuietConOut, log, logError } from "./log";
import { type MemRegion, MemType } from "../common/bootinfo";
import { nameAt } from "../common/names";

/** Descriptors of room kept beyond the probed size: every allocation made after the
 *  probe (this buffer, the kernel, page tables, boot info, stack) can split a free
 *  region and add up to two descriptors, and the ExitBootServices loop must not allocate. */
const MAP_SLACK_DESCRIPTORS = 64;
const MAP_FETCH_TRIES = 4;

export interface EfiMap extends Struct {
  /** Physical (= identity) address of the buffer. */
  buf: u64;
  capacity: u64;
  pages: u64;
  /** Bytes of descriptors in the buffer after the last fetch. */
  size: u64;
  key: u64;
  descSize: u64;
  descVersion: u32;
}

export function efiMapCount(m: Ptr<EfiMap>): u64 {
  return m.size / m.descSize;
}

/** Descriptor i; the stride is the firmware's DescriptorSize, never sizeof(). */
export function efiMapEntry(m: Ptr<EfiMap>, i: u64): Ptr<EfiMemoryDescriptor> {
  return ptr<EfiMemoryDescriptor>(m.buf + i * m.descSize);
}

/**
 * Probes the map size, allocates a buffer with slack and fetches the map into it, retrying
 * (bigger) on EFI_BUFFER_TOO_SMALL. Returns an EFI status (logged on failure).
 */
export function efiMapAllocAndFetch(m: Ptr<EfiMap>): u64 {
  let bs = efiBootServices();
  m.buf = 0;
  m.capacity = 0;
  m.pages = 0;
  let size: u64 = 0;
  let s: u64 = bs.GetMemoryMap(addressOf(size), null, addressOf(m.key), addressOf(m.descSize), addressOf(m.descVersion));
  if (s != EFI_BUFFER_TOO_SMALL) {
    // A zero-sized buffer can only be too small; anything else is a firmware bug.
    efiReportFailure("GetMemoryMap(size probe)", s == EFI_SUCCESS ? EFI_OUT_OF_RESOURCES : s);
    return s == EFI_SUCCESS ? EFI_OUT_OF_RESOURCES : s;
  }
  if (m.descSize < sizeof<EfiMemoryDescriptor>()) {
    logError(`GetMemoryMap reports DescriptorSize ${m.descSize}, smaller than EFI_MEMORY_DESCRIPTOR (40)`);
    return EFI_OUT_OF_RESOURCES;
  }
  for (let attempt: u32 = 0; attempt < MAP_FETCH_TRIES; attempt++) {
    let cap: u64 = size + MAP_SLACK_DESCRIPTORS * m.descSize;
    let pages: u64 = (cap + 4095) >> 12;
    let buf: u64 = efiAllocPages(pages, 2, "the memory map");
    if (buf == 0) return EFI_OUT_OF_RESOURCES;
    m.buf = buf;
    m.pages = pages;
    m.capacity = pages << 12;
    size = m.capacity;
    s = bs.GetMemoryMap(addressOf(size), ptr<EfiMemoryDescriptor>(buf), addressOf(m.key), addressOf(m.descSize), addressOf(m.descVersion));
    if (s == EFI_SUCCESS) {
      m.size = size;
      return EFI_SUCCESS;
    }
    efiFreePages(buf, pages);
    m.buf = 0;
    if (s != EFI_BUFFER_TOO_SMALL) {
      efiReportFailure("GetMemoryMap", s);
      return s;
    }
    log(`memory map grew to ${size} bytes; retrying with a bigger buffer`);
  }
  logError(`GetMemoryMap still EFI_BUFFER_TOO_SMALL after ${MAP_FETCH_TRIES} tries`);
  return EFI_BUFFER_TOO_SMALL;
}

/** Fetches the current map into the existing buffer. No allocation (safe in the
 *  ExitBootServices loop). Does not log: the caller decides where errors may go. */
export function efiMapRefetch(m: Ptr<EfiMap>): u64 {
  let size: u64 = m.capacity;
  let s: u64 = efiBootServices().GetMemoryMap(addressOf(size), ptr<EfiMemoryDescriptor>(m.buf), addressOf(m.key), addressOf(m.descSize), addressOf(m.descVersion));
  if (s == EFI_SUCCESS) m.size = size;
  return s;
}

/** EfiMemoryType 0..15 (common/names.ts). */
const MEM_TYPE_NAMES: cstr = "\
Reserved\0\
LoaderCode\0\
LoaderData\0\
BootServicesCode\0\
BootServicesData\0\
RuntimeServicesCode\0\
RuntimeServicesData\0\
Conventional\0\
Unusable\0\
ACPIReclaim\0\
ACPINVS\0\
MMIO\0\
MMIOPortSpace\0\
PalCode\0\
Persistent\0\
Unaccepted\0\
";

export function efiMemTypeName(t: u32): cstr {
  if (t == TSBOOT_KERNEL_MEMORY) return "tsboot-kernel";
  if (t >= 0x8000_0000) return "OS-defined";
  if (t >= 0x7000_0000) return "OEM-defined";
  return nameAt(MEM_TYPE_NAMES, u64(t), "unknown");
}

/**
 * Logs the map, a summary line and the descriptors, on serial only (drawing it on the GOP
 * console costs over a second under QEMU). Boot-services code and data, most of a
 * firmware's descriptors (103 of OVMF's 128) and usable memory once boot services exit,
 * are summed in one line: every serial byte costs boot time (87 us at 115200 baud; under
 * QEMU, an exit to the emulator).
 */
export function efiMapPrint(m: Ptr<EfiMap>): void {
  let n: u64 = efiMapCount(m);
  logQuietConOut(true);
  log(`memory map: ${n} descriptors of ${m.descSize} bytes (version ${m.descVersion}), key ${hex(m.key)}`);
  let bsCount: u64 = 0;
  let bsPages: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    let d: Ptr<EfiMemoryDescriptor> = efiMapEntry(m, i);
    if (d.Type == EfiMemoryType.BootServicesCode || d.Type == EfiMemoryType.BootServicesData) {
      bsCount++;
      bsPages += d.NumberOfPages;
      continue;
    }
    log(`  ${hex(d.PhysicalStart, 12)}-${hex(d.PhysicalStart + (d.NumberOfPages << 12), 12)} ` +
      `${efiMemTypeName(d.Type)} pages=${d.NumberOfPages} attr=${hex(d.Attribute)}`);
  }
  if (bsCount != 0) {
    log(`  and ${bsCount} BootServicesCode/Data descriptors, pages=${bsPages} (usable after ExitBootServices)`);
  }
  logQuietConOut(false);
}

/** How a UEFI memory type is reported to the kernel (docs/boot-protocol.md). */
export function efiToKernelType(t: u32): MemType {
  switch (t) {
    case 1: case 2: return MemType.LoaderReclaimable;      // loader image, boot info, page tables, stack
    case 3: case 4: case 7: return MemType.Usable;         // boot services are gone after exit
    case 5: return MemType.RuntimeServicesCode;
    case 6: return MemType.RuntimeServicesData;
    case 8: return MemType.BadMemory;
    case 9: return MemType.AcpiReclaimable;
    case 10: return MemType.AcpiNvs;
    case 11: case 12: return MemType.Mmio;
    case TSBOOT_KERNEL_MEMORY: return MemType.Kernel;
  }
  // Reserved, PalCode, Persistent (kept away from the allocator), Unaccepted (needs an
  // accept protocol the kernel does not have), unknown.
  return MemType.Reserved;
}

/**
 * Converts the UEFI map into `out` (capacity `cap` regions): kernel types, sorted by base,
 * overlaps clipped (the earlier region wins), adjacent regions with the same type and
 * attributes merged. Returns the number of regions written; `outDropped` counts
 * descriptors that did not fit or were fully overlapped. Allocation-free (runs after
 * ExitBootServices).
 */
export function efiMapConvert(m: Ptr<EfiMap>, out: Ptr<MemRegion>, cap: u64, outDropped: Ptr<u64>): u64 {
  let n: u64 = 0;
  let dropped: u64 = 0;
  let count: u64 = efiMapCount(m);
  for (let i: u64 = 0; i < count; i++) {
    let d: Ptr<EfiMemoryDescriptor> = efiMapEntry(m, i);
    if (d.NumberOfPages == 0) continue;
    if (n == cap) {
      dropped++;
      continue;
    }
    let r: Ptr<MemRegion> = ptrAdd(out, n);
    r.base = d.PhysicalStart & ~u64(0xFFF);
    r.length = d.NumberOfPages << 12;
    r.type = efiToKernelType(d.Type);
    r.pad = 0;
    r.attrs = d.Attribute;
    n++;
  }
  // Insertion sort: the firmware's map is nearly sorted already and has ~100 entries.
  let tmp: MemRegion = zeroed<MemRegion>();
  for (let i: u64 = 1; i < n; i++) {
    memcpy(cast<u8>(addressOf(tmp)), cast<u8>(ptrAdd(out, i)), sizeof<MemRegion>());
    let j: u64 = i;
    while (j > 0 && ptrAdd(out, j - 1).base > tmp.base) {
      memcpy(cast<u8>(ptrAdd(out, j)), cast<u8>(ptrAdd(out, j - 1)), sizeof<MemRegion>());
      j--;
    }
    memcpy(cast<u8>(ptrAdd(out, j)), cast<u8>(addressOf(tmp)), sizeof<MemRegion>());
  }
  // Clip overlaps and merge neighbours, in place (w never passes i).
  let w: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    let r: Ptr<MemRegion> = ptrAdd(out, i);
    let base: u64 = r.base;
    let end: u64 = r.base + r.length;
    if (w > 0) {
      let p: Ptr<MemRegion> = ptrAdd(out, w - 1);
      let pend: u64 = p.base + p.length;
      if (base < pend) {
        base = pend;
        if (end <= base) {
          dropped++;
          continue;
        }
      }
      if (base == pend && p.type == r.type && p.attrs == r.attrs) {
        p.length = end - p.base;
        continue;
      }
    }
    let q: Ptr<MemRegion> = ptrAdd(out, w);
    let t: MemType = r.type;
    let a: u64 = r.attrs;
    q.base = base;
    q.length = end - base;
    q.type = t;
    q.pad = 0;
    q.attrs = a;
    w++;
  }
  outDropped[0] = dropped;
  return w;
}

/** Highest end address of any region of the converted map. */
export function memMapEnd(map: Ptr<MemRegion>, n: u64): u64 {
  let end: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.base + r.length > end) end = r.base + r.length;
  }
  return end;
}
