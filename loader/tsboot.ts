// The tsboot protocol (docs/boot-protocol.md): load and check the kernel ELF, build its
// page tables and boot info, exit boot services, switch the firmware's runtime services to
// virtual mode and jump. Everything before ExitBootServices that fails returns an EFI
// status (logged), so the menu can go on to another entry; after it, failures halt.

import {
  type EfiSystemTable, type EfiFile, type EfiGraphicsOutput, type EfiGopModeInfo,
  EFI_SUCCESS, EFI_LOAD_ERROR, EFI_INVALID_PARAMETER, EFI_UNSUPPORTED, EFI_OUT_OF_RESOURCES,
  ACPI_20_TABLE_GUID, ACPI_10_TABLE_GUID, DEVICE_TREE_GUID, GRAPHICS_OUTPUT_GUID,
} from "../common/uefi";
import {
  efiStatusName, efiAllocPages, efiFreePages, efiFindConfigTable, efiLocateProtocol, efiExitBootServices,
  efiReportFailure, efiSystemTable, efiImageBase, efiImageSize,
} from "./efi";
import { logSerialOnly, log, logSerial, logError } from "./log";
import { type EfiMap, efiMapAllocAndFetch, efiMapRefetch, efiMapPrint, efiMapConvert, efiMapCount } from "./memmap";
import { type LoadedKernel, loadKernel, releaseKernelFile } from "./kernel";
import { type AddressSpace, buildAddressSpace, selfCheck } from "./paging";
import { rtMapRegions, rtEnterVirtualMode } from "./runtime";
import { lowmemReserveApTrampoline, lowmemRelease } from "./lowmem";
import {
  archBootArch, archTimestamp, archHasNx, archPrepareMmu, archEnterKernel, archHalt, archUartKind, archUartBase,
} from "./arch/index";
import {
  type BootInfo, type MemRegion, BOOTINFO_MAGIC, BOOTINFO_VERSION, HHDM_BASE, BootFlag, FbFormat,
} from "../common/bootinfo";
import { type CfgEntry } from "../common/cfg";
import { clockEntry, clockHz, clockMark, clockReport } from "./clock";
import { config } from "./config";

/** ExitBootServices attempts before giving up (each re-fetches the map key). */
const EBS_TRIES: u32 = 8;

let kernel: LoadedKernel;
let map: EfiMap;
let space: AddressSpace;

function findFramebuffer(bi: Ptr<BootInfo>): void {
  let s: u64 = 0;
  let gop: Ptr<EfiGraphicsOutput> = cast<EfiGraphicsOutput>(efiLocateProtocol(addressOf(GRAPHICS_OUTPUT_GUID), addressOf(s)));
  if (gop == null) {
    log(`no graphics output (LocateProtocol(GOP): ${efiStatusName(s)}); no framebuffer`);
    return;
  }
  let info: Ptr<EfiGopModeInfo> = gop.Mode.Info;
  let fmt: u32 = info.PixelFormat;
  if (fmt == 3) {
    log("graphics output is Blt-only; no linear framebuffer");
    return;
  }
  bi.fb.base = gop.Mode.FrameBufferBase;
  bi.fb.size = gop.Mode.FrameBufferSize;
  bi.fb.width = info.HorizontalResolution;
  bi.fb.height = info.VerticalResolution;
  bi.fb.bpp = 32;
  bi.fb.pitch = info.PixelsPerScanLine * 4;
  if (fmt == 0) {
    bi.fb.format = FbFormat.Rgbx8888;
    bi.fb.redMask = 0xFF;
    bi.fb.greenMask = 0xFF00;
    bi.fb.blueMask = 0xFF_0000;
  } else if (fmt == 1) {
    bi.fb.format = FbFormat.Bgrx8888;
    bi.fb.redMask = 0xFF_0000;
    bi.fb.greenMask = 0xFF00;
    bi.fb.blueMask = 0xFF;
  } else {
    bi.fb.format = FbFormat.Bitmask;
    bi.fb.redMask = info.PixelInformation.Red;
    bi.fb.greenMask = info.PixelInformation.Green;
    bi.fb.blueMask = info.PixelInformation.Blue;
  }
  bi.flags |= BootFlag.HasFramebuffer;
  logSerial(`framebuffer ${hex(bi.fb.base)} ${bi.fb.width}x${bi.fb.height} pitch ${bi.fb.pitch} format ${fmt}`);
}

function findTables(bi: Ptr<BootInfo>): void {
  let rsdp: Ptr<void> = efiFindConfigTable(addressOf(ACPI_20_TABLE_GUID));
  bi.rsdpRevision = 2;
  if (rsdp == null) {
    rsdp = efiFindConfigTable(addressOf(ACPI_10_TABLE_GUID));
    bi.rsdpRevision = 1;
  }
  if (rsdp != null) {
    bi.rsdp = addr(rsdp);
    bi.flags |= BootFlag.HasRsdp;
    logSerial(`ACPI RSDP at ${hex(bi.rsdp)}${bi.rsdpRevision == 2 ? " (ACPI 2.0+)" : " (ACPI 1.0)"}`);
  } else {
    bi.rsdpRevision = 0;
    log("no ACPI RSDP in the configuration table");
  }
  let dtb: Ptr<void> = efiFindConfigTable(addressOf(DEVICE_TREE_GUID));
  if (dtb != null) {
    bi.dtb = addr(dtb);
    bi.flags |= BootFlag.HasDtb;
    logSerial(`device tree at ${hex(bi.dtb)}`);
  }
}

/**
 * Frees what a failed boot took (the page-table frames stay allocated: the engine hands
 * them out in chunks) and returns `s`.
 */
function undo(biPhys: u64, mapBuf: u64, mapPages: u64, s: u64): u64 {
  releaseKernelFile(addressOf(kernel));
  if (kernel.phys != 0) efiFreePages(kernel.phys, kernel.pages);
  kernel.phys = 0;
  if (mapBuf != 0) efiFreePages(mapBuf, mapPages);
  lowmemRelease(ptr<BootInfo>(biPhys));
  efiFreePages(biPhys, 1);
  return s;
}

/**
 * Boots entry e with the tsboot protocol. Returns only when something fails before
 * ExitBootServices, with the EFI status (after logging why and freeing what it took).
 * @noinline
 */
export function tsbootBoot(root: Ptr<EfiFile>, e: Ptr<CfgEntry>): u64 {
  let systemTable: Ptr<EfiSystemTable> = efiSystemTable();
  if (!archHasNx()) {
    logError("this CPU has no NX bit (CPUID 0x80000001 EDX bit 20); the tsboot protocol needs it");
    return EFI_UNSUPPORTED;
  }
  // Boot info first: it holds the table pointers gathered below.
  let biPhys: u64 = efiAllocPages(1, 2, "the boot info");
  if (biPhys == 0) return EFI_OUT_OF_RESOURCES;
  let bi: Ptr<BootInfo> = ptr<BootInfo>(biPhys);
  memset(cast<u8>(bi), 0, 4096);
  bi.magic = BOOTINFO_MAGIC;
  bi.version = BOOTINFO_VERSION;
  bi.size = u32(sizeof<BootInfo>());
  bi.arch = archBootArch();
  bi.hhdmBase = HHDM_BASE;
  bi.tscAtEntry = clockEntry();
  bi.tscFrequency = clockHz();
  if (bi.tscFrequency != 0) bi.flags |= BootFlag.HasTscFreq;
  bi.efiSystemTable = addr(systemTable);
  bi.efiRuntimeServices = addr(systemTable.RuntimeServices);
  bi.loaderImageBase = efiImageBase();
  bi.loaderImageSize = efiImageSize();
  bi.uartKind = archUartKind();
  bi.uartBase = archUartBase();
  bi.flags |= BootFlag.HasUart;
  // boot.cfg's parser (or the editor) kept a tsboot cmdline within BootInfo.cmdline.
  if (e.cmdlineLength != 0) {
    memcpy(addressOf(bi.cmdline[0]), addressOf(e.cmdline[0]), u64(e.cmdlineLength));
    bi.cmdline[e.cmdlineLength] = 0;
    bi.cmdlineLength = e.cmdlineLength;
    bi.flags |= BootFlag.HasCmdline;
  }

  let s: u64 = loadKernel(root, e, addressOf(kernel));
  if (s != EFI_SUCCESS) {
    efiFreePages(biPhys, 1);
    return s;
  }
  bi.kernelPhysBase = kernel.phys;
  bi.kernelVirtBase = kernel.img.vbase;
  bi.kernelSize = kernel.img.vend - kernel.img.vbase;
  bi.kernelEntry = kernel.img.entry;
  clockMark("kernel");

  findTables(bi);
  findFramebuffer(bi);
  lowmemReserveApTrampoline(bi);
  clockMark("tables");

  // The map: allocated once with slack, reused by the ExitBootServices loop.
  s = efiMapAllocAndFetch(addressOf(map));
  if (s != EFI_SUCCESS) return undo(biPhys, 0, 0, s);
  efiMapPrint(addressOf(map));

  // Room for the kernel's map: every descriptor the buffer can hold.
  let cap: u64 = map.capacity / map.descSize;
  let regionPages: u64 = (cap * sizeof<MemRegion>() + 4095) >> 12;
  let regionsPhys: u64 = efiAllocPages(regionPages, 2, "the kernel memory map");
  if (regionsPhys == 0) return undo(biPhys, map.buf, map.pages, EFI_OUT_OF_RESOURCES);
  let regions: Ptr<MemRegion> = ptr<MemRegion>(regionsPhys);
  let dropped: u64 = 0;
  let n: u64 = efiMapConvert(addressOf(map), regions, cap, addressOf(dropped));
  clockMark("memmap");

  let levels: u32 = config().pagingLevels;
  if (!buildAddressSpace(regions, n, addressOf(kernel), bi.fb.base, bi.fb.size, levels, addressOf(space)) ||
      !selfCheck(addressOf(kernel), biPhys)) {
    efiFreePages(regionsPhys, regionPages);
    return undo(biPhys, map.buf, map.pages, EFI_LOAD_ERROR);
  }
  // Runtime code, data and MMIO at EFI_RUNTIME_BASE + phys, for SetVirtualAddressMap
  // after ExitBootServices. A problem here only costs the kernel its runtime services.
  rtMapRegions(addressOf(map), bi);
  releaseKernelFile(addressOf(kernel));
  bi.hhdmSize = space.hhdmSize;
  bi.pageTableRoot = space.root;
  bi.kernelStackTop = space.stackTop;
  bi.kernelStackSize = 0x10000;
  if (space.huge1G) bi.flags |= BootFlag.Huge1G;
  if (space.levels == 5) bi.flags |= BootFlag.La57;
  bi.memMap = HHDM_BASE + regionsPhys;
  bi.memMapCapacity = cap;
  clockMark("paging");

  logSerial(`boot info at phys ${hex(biPhys)} (kernel sees ${hex(HHDM_BASE + biPhys)}), ${u64(bi.size)} bytes, ` +
    `version ${u64(bi.version)}`);

  // ---- ExitBootServices ----------------------------------------------------------------
  // From here only serial logging: ConOut may allocate (changing the map key), and after
  // a failed attempt the firmware may already be partly shut down.
  log("exiting boot services");
  logSerialOnly();
  let tries: u32 = 0;
  while (true) {
    tries++;
    s = efiMapRefetch(addressOf(map));
    if (s != EFI_SUCCESS) {
      efiReportFailure("GetMemoryMap (before ExitBootServices)", s);
      if (tries == 1) return s;
      logError("cannot recover after a failed ExitBootServices; halting");
      archHalt();
    }
    s = efiExitBootServices(map.key);
    if (s == EFI_SUCCESS) break;
    if (s != EFI_INVALID_PARAMETER || tries >= EBS_TRIES) {
      efiReportFailure("ExitBootServices", s);
      logError(`giving up after ${tries} attempts; the firmware may be partly shut down, so the loader halts here`);
      archHalt();
    }
  }
  // No boot service from here on.
  n = efiMapConvert(addressOf(map), regions, cap, addressOf(dropped));
  bi.memMapCount = n;
  log(`boot services exited (attempt ${tries}); final map: ${efiMapCount(addressOf(map))} UEFI descriptors -> ` +
    `${n} regions${dropped == 0 ? "" : ` (${dropped} dropped: overlapping or over capacity)`}`);
  clockMark("exit");
  // The one firmware call left: still on the firmware's identity mapping.
  rtEnterVirtualMode(addressOf(map), systemTable, bi);
  clockMark("runtime");

  archPrepareMmu(kernel.phys, kernel.pages << 12);
  log(`jumping to kernel entry ${hex(kernel.img.entry)}${target.x86_64 ? " (cr3 " : " (ttbr1 "}${hex(space.root)}, ` +
    `stack ${hex(space.stackTop)}, boot info ${hex(HHDM_BASE + biPhys)})`);
  clockReport();
  bi.tscBeforeJump = archTimestamp();
  archEnterKernel(space.root, space.identityRoot, space.stackTop, kernel.img.entry, HHDM_BASE + biPhys, space.switchPage, space.levels);
}
