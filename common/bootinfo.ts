// The boot information the loader hands to the kernel (see docs/boot-protocol.md).
//
// Rules of the contract:
// - `magic` is the first field and never moves; `version` and `size` follow it. A kernel
//   checks all three before reading anything else.
// - New fields are only ever appended (before `reserved`), bumping BOOTINFO_VERSION;
//   a kernel reads a field only when `size` says the loader wrote it.
// - Every address a kernel dereferences (memMap, the boot info itself) is a virtual
//   address inside the higher-half direct map (HHDM). Physical addresses (rsdp, fb.base,
//   efiSystemTable, dtb, ...) are marked `Phys`: add hhdmBase to reach them.

/** "TSBOOTBI" read as a little-endian u64. */
export const BOOTINFO_MAGIC: u64 = 0x4942_544F_4F42_5354;
export const BOOTINFO_VERSION: u32 = 4;
/** The oldest version a kernel built from this file reads (it then treats the newer
 *  fields as absent: version 3 has no AP trampoline). */
export const BOOTINFO_VERSION_MIN: u32 = 3;

/** Where the loader puts the direct map of all physical memory. */
export const HHDM_BASE: u64 = 0xFFFF_8000_0000_0000;
/** Where the kernel image is linked (linker/kernel.ld) and must stay. */
export const KERNEL_LINK_BASE: u64 = 0xFFFF_FFFF_8000_0000;
/** The kernel stack: [top - size, top) mapped RW/NX, with an unmapped guard page below it. */
export const KERNEL_STACK_TOP: u64 = 0xFFFF_FFFF_F000_0000;
export const KERNEL_STACK_SIZE: u64 = 0x10000;
/**
 * The UEFI runtime window: the loader maps every memory-map region with EFI_MEMORY_RUNTIME
 * at EFI_RUNTIME_BASE + its physical address and hands exactly that map to
 * SetVirtualAddressMap. 16 TiB, clear of the HHDM (0xFFFF_8000_0000_0000 + physical
 * memory, which must stay below the kernel's vmap window at 0xFFFF_C000_0000_0000), the
 * vmap window (64 GiB) and everything from
 * 0xFFFF_F000_0000_0000 up (kernel image, stack, the kernel's fixed windows). A runtime
 * region at or above EFI_RUNTIME_SIZE physical cannot be mapped: the loader then leaves
 * the firmware in physical mode.
 */
export const EFI_RUNTIME_BASE: u64 = 0xFFFF_E000_0000_0000;
export const EFI_RUNTIME_SIZE: u64 = 0x1000_0000_0000;

export const enum BootArch { X86_64 = 1, Aarch64 = 2 }

/** Kernel memory types (the UEFI types are folded into these; see docs/boot-protocol.md). */
export enum MemType {
  Usable = 1,
  Reserved = 2,
  AcpiReclaimable = 3,
  AcpiNvs = 4,
  BadMemory = 5,
  /** Loader image, boot info, page tables, kernel stack: usable once the kernel no longer needs them. */
  LoaderReclaimable = 6,
  /** The loaded kernel segments. */
  Kernel = 7,
  RuntimeServicesCode = 8,
  RuntimeServicesData = 9,
  Mmio = 10,
}
export const MEMTYPE_MAX: u32 = 10;

/** One region of the memory map. Regions are sorted by base, never overlap, are
 *  page-aligned, and adjacent regions with equal type and attributes are merged. */
export interface MemRegion extends Struct {
  base: u64;
  length: u64;
  type: MemType;
  /** Reserved, zero. */
  pad: u32;
  /** The UEFI attribute bits of the region (EFI_MEMORY_UC/WC/WT/WB/RUNTIME/...). */
  attrs: u64;
}

export const enum FbFormat { None = 0, Rgbx8888 = 1, Bgrx8888 = 2, Bitmask = 3 }

export interface Framebuffer extends Struct {
  /** Phys. 0 when there is no framebuffer. */
  base: u64;
  size: u64;
  width: u32;
  height: u32;
  /** Bytes per scanline. */
  pitch: u32;
  bpp: u32;
  format: FbFormat;
  redMask: u32;
  greenMask: u32;
  blueMask: u32;
}

export const enum BootFlag {
  HasRsdp = 1,
  HasFramebuffer = 2,
  HasDtb = 4,
  HasUart = 8,
  Huge1G = 16,
  HasCmdline = 32,
  HasTscFreq = 64,
  /** BootInfo version 2: SetVirtualAddressMap succeeded; the runtime services are callable
   *  through efiRuntimeServicesVirt with the loader's tables (and the window) in place. */
  RuntimeVirtual = 128,
  /** x86_64: the tables are 5-level (a PML5 in CR3, CR4.LA57 = 1, 57-bit VAs); boot.cfg
   *  paging=5 on a CPU with LA57. Clear: 4-level. */
  La57 = 256,
}

export const BOOTINFO_CMDLINE_MAX = 256;

/**
 * BootInfo version 3: why a range of the UEFI runtime window is mapped writable *and*
 * executable. The loader maps RuntimeServicesCode RWX only where it cannot split code from
 * data (docs/boot-protocol.md, "UEFI runtime services"); everything else is W^X.
 */
export const enum RwxReason {
  /** The firmware publishes no EFI_MEMORY_ATTRIBUTES_TABLE (U-Boot, older EDK2). */
  NoAttributesTable = 1,
  /** The firmware's table is malformed (version, descriptor size, entry count) and was ignored. */
  BadAttributesTable = 2,
  /** The table does not describe this piece of runtime code, or marks it neither RO nor XP. */
  NotDescribed = 3,
}
export const RWX_REASON_MAX: u32 = 3;

/** One RWX range of the runtime window, in the kernel's address space. */
export interface RwxRange extends Struct {
  /** EFI_RUNTIME_BASE + phys, page-aligned. */
  virt: u64;
  pages: u32;
  /** RwxReason. */
  reason: u32;
}
/** Ranges the boot info can list; the loader maps no more RWX ranges than this. */
export const RWX_RANGES_MAX = 16;

export interface BootInfo extends Struct {
  magic: u64;
  version: u32;
  /** sizeof(BootInfo) as the loader knew it. */
  size: u32;
  arch: BootArch;
  /** BootFlag bits. */
  flags: u32;

  /** Virtual base of the direct map: phys P is at hhdmBase + P. */
  hhdmBase: u64;
  /** Bytes of physical address space covered by the direct map (from 0). */
  hhdmSize: u64;
  /** Phys of the root page table the kernel runs on (CR3 / TTBR1_EL1). */
  pageTableRoot: u64;

  /** Phys and virtual base of the loaded kernel image (page-aligned lowest PT_LOAD). */
  kernelPhysBase: u64;
  kernelVirtBase: u64;
  /** Bytes from kernelVirtBase to the page-rounded end of the highest PT_LOAD. */
  kernelSize: u64;
  kernelEntry: u64;
  kernelStackTop: u64;
  kernelStackSize: u64;

  /** HHDM virtual address of MemRegion[memMapCount]. */
  memMap: u64;
  memMapCount: u64;
  /** Number of MemRegion slots the loader reserved at memMap. */
  memMapCapacity: u64;

  /** Phys of the ACPI RSDP (2.0 table preferred), 0 if none. */
  rsdp: u64;
  /** 2 when the RSDP came from the ACPI 2.0 GUID, 1 for ACPI 1.0, 0 if none. */
  rsdpRevision: u32;
  /** BootInfo version 1: which UART the loader logged to (0 none, 1 16550 I/O port, 2 PL011 MMIO). */
  uartKind: u32;
  /** I/O port (x86 16550) or phys MMIO base (PL011) of the log UART. */
  uartBase: u64;
  /** Phys of the flattened device tree (aarch64), 0 if none. */
  dtb: u64;

  fb: Framebuffer;

  /** Phys of the EFI system table and runtime services table. Once SetVirtualAddressMap
   *  ran (BootFlag.RuntimeVirtual) the pointers inside them are virtual: call through
   *  efiRuntimeServicesVirt, never through this physical address. */
  efiSystemTable: u64;
  efiRuntimeServices: u64;

  /** Phys and size of the loader image (for debuggers). */
  loaderImageBase: u64;
  loaderImageSize: u64;

  /** Time stamps (TSC on x86_64, CNTVCT on aarch64). */
  tscAtEntry: u64;
  tscBeforeJump: u64;
  /** Ticks per second, measured by the loader against the firmware's Stall(); 0 if unknown. */
  tscFrequency: u64;

  cmdlineLength: u32;
  pad0: u32;
  /** NUL-terminated UTF-8. */
  cmdline: Arr<u8, 256>;

  // ---- version 2 (taken from `reserved`, so the size stays 584) ----
  /** EFI_RUNTIME_BASE when BootFlag.RuntimeVirtual is set (runtime region P is mapped at
   *  efiRuntimeBase + P), else 0. */
  efiRuntimeBase: u64;
  /** Virtual address of EFI_RUNTIME_SERVICES in the runtime window (as the firmware
   *  converted the system table's pointer), 0 unless BootFlag.RuntimeVirtual. */
  efiRuntimeServicesVirt: u64;
  /** Virtual address of the EFI system table in the runtime window, 0 unless
   *  BootFlag.RuntimeVirtual (or the table is not in runtime memory). */
  efiSystemTableVirt: u64;
  /** What SetVirtualAddressMap returned; EFI_NOT_STARTED (0x8000_0000_0000_0013) when the
   *  loader did not call it (the loader's log says why). */
  efiVirtualMapStatus: u64;

  // ---- version 3 ----
  /** Ranges in efiRwx: every writable+executable mapping in the kernel's tables (all in the
   *  runtime window, all runtime code) is inside one of them. 0 when all of it is W^X. */
  efiRwxCount: u32;
  pad1: u32;
  efiRwx: Arr<RwxRange, 16>;

  // ---- version 4 (taken from `reserved`, so the size stays the same) ----
  /** Phys of memory below 1 MiB the loader reserved for the x86_64 real-mode AP trampoline
   *  (page-aligned, so its page number is a SIPI vector), 0 when there is none (aarch64,
   *  or no free low memory). Loader-reclaimable in the map; the kernel's allocators never
   *  touch memory below 1 MiB anyway. */
  apTrampoline: u64;
  /** Bytes at apTrampoline (AP_TRAMPOLINE_SIZE), 0 when there is none. */
  apTrampolineSize: u64;

  reserved: Arr<u64, 2>;
}

/** What the loader reserves below 1 MiB for the AP trampoline (x86_64): the code and data
 *  page and the frames of a small page table that identity-maps it (docs/boot-protocol.md). */
export const AP_TRAMPOLINE_SIZE: u64 = 0x8000;
/** The trampoline must lie below this (a SIPI vector is a page number below 0x100). */
export const AP_TRAMPOLINE_LIMIT: u64 = 0x10_0000;

/** What the kernel's memory map check found (0 = OK). */
export const enum MapCheck { Ok = 0, Empty = 1, Unsorted = 2, Overlap = 3, Unaligned = 4, ZeroLength = 5, BadType = 6, NotCoalesced = 7 }

/** memMapCheck's answer: the first problem and the index of the region that has it. */
export interface MapCheckResult extends Struct {
  check: MapCheck;
  index: u64;
}

/** Checks the memory-map invariants of the boot protocol. */
export function memMapCheck(map: Ptr<MemRegion>, count: u64): MapCheckResult {
  if (count == 0) return { check: MapCheck.Empty, index: 0 };
  for (let i: u64 = 0; i < count; i++) {
    let c: MapCheck = regionCheck(map, i);
    if (c != MapCheck.Ok) return { check: c, index: i };
  }
  return { check: MapCheck.Ok, index: 0 };
}

/** The invariants of region i alone and against region i - 1. */
function regionCheck(map: Ptr<MemRegion>, i: u64): MapCheck {
  let r: Ptr<MemRegion> = ptrAdd(map, i);
  if (r.length == 0) return MapCheck.ZeroLength;
  if ((r.base & 0xFFF) != 0 || (r.length & 0xFFF) != 0) return MapCheck.Unaligned;
  let t: u32 = r.type;
  if (t < 1 || t > MEMTYPE_MAX) return MapCheck.BadType;
  if (i > 0) {
    let p: Ptr<MemRegion> = ptrAdd(map, i - 1);
    if (r.base < p.base) return MapCheck.Unsorted;
    if (r.base < p.base + p.length) return MapCheck.Overlap;
    if (r.base == p.base + p.length && r.type == p.type && r.attrs == p.attrs) return MapCheck.NotCoalesced;
  }
  return MapCheck.Ok;
}

export function mapCheckMessage(c: MapCheck): cstr {
  switch (c) {
    case MapCheck.Ok: return "ok";
    case MapCheck.Empty: return "memory map is empty";
    case MapCheck.Unsorted: return "memory map is not sorted by base";
    case MapCheck.Overlap: return "memory map regions overlap";
    case MapCheck.Unaligned: return "memory map region is not page-aligned";
    case MapCheck.ZeroLength: return "memory map region has zero length";
    case MapCheck.BadType: return "memory map region has an unknown type";
    case MapCheck.NotCoalesced: return "memory map has adjacent equal regions that were not merged";
  }
  return "unknown memory map error";
}

export function memTypeName(t: MemType): cstr {
  switch (t) {
    case MemType.Usable: return "usable";
    case MemType.Reserved: return "reserved";
    case MemType.AcpiReclaimable: return "acpi-reclaimable";
    case MemType.AcpiNvs: return "acpi-nvs";
    case MemType.BadMemory: return "bad";
    case MemType.LoaderReclaimable: return "loader-reclaimable";
    case MemType.Kernel: return "kernel";
    case MemType.RuntimeServicesCode: return "runtime-code";
    case MemType.RuntimeServicesData: return "runtime-data";
    case MemType.Mmio: return "mmio";
  }
  return "unknown";
}

/** What the loader and the kernel print for a RwxReason. */
export function rwxReasonName(r: u32): cstr {
  if (r == RwxReason.NoAttributesTable) return "the firmware publishes no memory attributes table";
  if (r == RwxReason.BadAttributesTable) return "the firmware's memory attributes table is malformed";
  if (r == RwxReason.NotDescribed) return "the memory attributes table does not split this code";
  return "unknown reason";
}
