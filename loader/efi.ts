// The checked layer over common/uefi.ts: every helper calls one firmware service, checks
// its status, and on failure logs "[loader] error: <Service> failed: <EFI_STATUS_NAME>"
// before returning the status to its caller (which unwinds back to the firmware).

import {
  type EfiSystemTable, type EfiBootServices, type EfiGuid, type EfiHandle, type EfiLoadedImage,
  type EfiSimpleFileSystem, type EfiFile, type EfiFileInfo, type EfiMemoryDescriptor, type EfiGraphicsOutput,
  type EfiConfigurationTable, type EfiRuntimeServices, type EfiSimpleTextOutput, type EfiTableHeader,
  type EfiSimpleTextInputEx, type EfiKeyData, type EfiDevicePath, type EfiEvent,
  EVT_TIMER, TPL_CALLBACK, TIMER_RELATIVE, EFI_NATIVE_INTERFACE,
  EFI_SUCCESS, EFI_OUT_OF_RESOURCES, EFI_NOT_FOUND, EFI_END_OF_FILE, EFI_INVALID_PARAMETER,
  efiIsError, efiStatusName,
  EFI_OPEN_PROTOCOL_GET_PROTOCOL, EFI_FILE_MODE_READ, EFI_FILE_DIRECTORY,
  LOADED_IMAGE_GUID, SIMPLE_FILE_SYSTEM_GUID, FILE_INFO_GUID, ACPI_20_TABLE_GUID, ACPI_10_TABLE_GUID, guidEqual,
} from "../common/uefi";
import { logError } from "./log";
import { utf8ToUtf16 } from "../common/utf8";
import { type AcpiInfo, acpiScan, acpiView } from "../common/acpi";

let gImage: EfiHandle = null;
let gST: Ptr<EfiSystemTable> = null;
let gBS: Ptr<EfiBootServices> = null;

export function efiInit(image: EfiHandle, st: Ptr<EfiSystemTable>): void {
  gImage = image;
  gST = st;
  gBS = st.BootServices;
}

export function efiImage(): EfiHandle { return gImage; }
export function efiSystemTable(): Ptr<EfiSystemTable> { return gST; }
export function efiBootServices(): Ptr<EfiBootServices> { return gBS; }

// Status names live with the raw bindings (common/uefi.ts); the kernel uses them too.
export { efiIsError, efiStatusName };

/** Logs a failed service call: "[loader] error: <what> failed: <STATUS> (0x...)". */
export function efiReportFailure(what: cstr, s: u64): void {
  logError(`${what} failed: ${efiStatusName(s)} (${hex(s)})`);
}

/** Checks `s`; logs and returns false on anything but EFI_SUCCESS. */
export function efiCheck(what: cstr, s: u64): bool {
  if (s == EFI_SUCCESS) return true;
  efiReportFailure(what, s);
  return false;
}

/**
 * The loader's structs must match the firmware's layouts byte for byte; a wrong offset
 * calls a random function pointer. Returns the name of the first field at the wrong
 * offset, or "" when all match.
 */
export function efiLayoutCheck(): cstr {
  if (sizeof<EfiTableHeader>() != 24) return "EFI_TABLE_HEADER size";
  if (offsetof<EfiSystemTable>("ConOut") != 64) return "EFI_SYSTEM_TABLE.ConOut";
  if (offsetof<EfiSystemTable>("BootServices") != 96) return "EFI_SYSTEM_TABLE.BootServices";
  if (offsetof<EfiSystemTable>("ConfigurationTable") != 112) return "EFI_SYSTEM_TABLE.ConfigurationTable";
  if (offsetof<EfiBootServices>("GetMemoryMap") != 56) return "EFI_BOOT_SERVICES.GetMemoryMap";
  if (offsetof<EfiBootServices>("ExitBootServices") != 232) return "EFI_BOOT_SERVICES.ExitBootServices";
  if (offsetof<EfiBootServices>("OpenProtocol") != 280) return "EFI_BOOT_SERVICES.OpenProtocol";
  if (offsetof<EfiBootServices>("HandleProtocol") != 152) return "EFI_BOOT_SERVICES.HandleProtocol";
  if (offsetof<EfiBootServices>("LocateHandleBuffer") != 312) return "EFI_BOOT_SERVICES.LocateHandleBuffer";
  if (offsetof<EfiBootServices>("LocateProtocol") != 320) return "EFI_BOOT_SERVICES.LocateProtocol";
  if (sizeof<EfiBootServices>() != 376) return "EFI_BOOT_SERVICES size";
  if (offsetof<EfiRuntimeServices>("SetVirtualAddressMap") != 56) return "EFI_RUNTIME_SERVICES.SetVirtualAddressMap";
  if (offsetof<EfiRuntimeServices>("ResetSystem") != 104) return "EFI_RUNTIME_SERVICES.ResetSystem";
  if (offsetof<EfiLoadedImage>("DeviceHandle") != 24) return "EFI_LOADED_IMAGE_PROTOCOL.DeviceHandle";
  if (offsetof<EfiLoadedImage>("ImageBase") != 64) return "EFI_LOADED_IMAGE_PROTOCOL.ImageBase";
  if (offsetof<EfiFile>("GetInfo") != 64) return "EFI_FILE_PROTOCOL.GetInfo";
  if (offsetof<EfiFileInfo>("Attribute") != 72) return "EFI_FILE_INFO.Attribute";
  if (offsetof<EfiMemoryDescriptor>("Attribute") != 32) return "EFI_MEMORY_DESCRIPTOR.Attribute";
  if (sizeof<EfiConfigurationTable>() != 24) return "EFI_CONFIGURATION_TABLE size";
  if (offsetof<EfiGraphicsOutput>("Mode") != 24) return "EFI_GRAPHICS_OUTPUT_PROTOCOL.Mode";
  if (offsetof<EfiSimpleTextOutput>("OutputString") != 8) return "EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString";
  if (offsetof<EfiSimpleTextOutput>("ClearScreen") != 48) return "EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.ClearScreen";
  if (offsetof<EfiBootServices>("CreateEvent") != 80) return "EFI_BOOT_SERVICES.CreateEvent";
  if (offsetof<EfiBootServices>("InstallProtocolInterface") != 128) return "EFI_BOOT_SERVICES.InstallProtocolInterface";
  if (offsetof<EfiBootServices>("LoadImage") != 200) return "EFI_BOOT_SERVICES.LoadImage";
  if (offsetof<EfiBootServices>("UnloadImage") != 224) return "EFI_BOOT_SERVICES.UnloadImage";
  if (offsetof<EfiSimpleTextInputEx>("WaitForKeyEx") != 16) return "EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL.WaitForKeyEx";
  if (sizeof<EfiKeyData>() != 12) return "EFI_KEY_DATA size";
  if (sizeof<EfiDevicePath>() != 4) return "EFI_DEVICE_PATH_PROTOCOL size";
  return "";
}

// ---- memory ---------------------------------------------------------------------------

/**
 * AllocatePages: below `limit` (AllocateMaxAddress: the last byte at or under it), or
 * anywhere when `limit` is 0. Returns the physical address, or 0 after logging
 * "AllocatePages(N pages = S for <what> <name>) failed" (`name`, a file, may be null).
 */
function allocPages(pages: u64, memType: u32, limit: u64, what: cstr, name: cstr): u64 {
  let pa: u64 = limit;
  let s: u64 = gBS.AllocatePages(limit == 0 ? 0 : 1, memType, pages, addressOf(pa));
  if (s != EFI_SUCCESS) {
    logError(`AllocatePages(${pages} pages = ${size(pages << 12)} for ${what}${name == null ? "" : " "}` +
      `${name ?? ""}) failed: ${efiStatusName(s)}`);
    return 0;
  }
  return pa;
}

/** AllocatePages(AnyPages) for `what`; the physical address or 0 (after logging). */
export function efiAllocPages(pages: u64, memType: u32, what: cstr): u64 {
  return allocPages(pages, memType, 0, what, null);
}

/** AllocatePages for `what` of file `name` (named in the error); the address or 0. */
export function efiAllocPagesFor(pages: u64, memType: u32, what: cstr, name: cstr): u64 {
  return allocPages(pages, memType, 0, what, name);
}

/** AllocatePages below `limit` (any address when 0); the address or 0 (after logging). */
export function efiAllocPagesBelow(pages: u64, memType: u32, limit: u64, what: cstr): u64 {
  return allocPages(pages, memType, limit, what, null);
}

export function efiFreePages(pa: u64, pages: u64): bool {
  return efiCheck("FreePages", gBS.FreePages(pa, pages));
}

/** FreePool, for buffers the firmware allocated for us (StartImage's exit data). */
export function efiFreePool(p: Ptr<void>): void {
  efiCheck("FreePool", gBS.FreePool(p));
}

export function efiStall(us: u64): bool {
  return efiCheck("Stall", gBS.Stall(us));
}

export function efiDisableWatchdog(): bool {
  // The firmware reboots the machine 5 minutes after it starts a boot option unless told
  // otherwise; a debugger session on the loader would otherwise be cut short.
  return efiCheck("SetWatchdogTimer(0)", gBS.SetWatchdogTimer(0, 0, 0, null));
}

// ---- protocols ------------------------------------------------------------------------

/** OpenProtocol(GET_PROTOCOL) on `handle`; null (after logging `what`) on failure. */
export function efiOpenProtocol(handle: EfiHandle, guid: Ptr<EfiGuid>, what: cstr): Ptr<void> {
  let iface: Ptr<void> = null;
  let s: u64 = gBS.OpenProtocol(handle, guid, addressOf(iface), gImage, null, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
  if (!efiCheck(what, s)) return null;
  return iface;
}

let gLoaded: Ptr<EfiLoadedImage> = null;

/** The loader's own EFI_LOADED_IMAGE_PROTOCOL (looked up once), or null after logging. */
export function efiLoadedImage(): Ptr<EfiLoadedImage> {
  if (gLoaded == null) {
    gLoaded = cast<EfiLoadedImage>(efiOpenProtocol(gImage, addressOf(LOADED_IMAGE_GUID), "OpenProtocol(EFI_LOADED_IMAGE_PROTOCOL)"));
  }
  return gLoaded;
}

/** Where the firmware loaded the loader (for BootInfo and debuggers); 0 before efiLoadedImage. */
export function efiImageBase(): u64 { return gLoaded == null ? 0 : addr(gLoaded.ImageBase); }
export function efiImageSize(): u64 { return gLoaded == null ? 0 : gLoaded.ImageSize; }

/** LocateProtocol without logging: absence is a normal answer for optional devices. */
export function efiLocateProtocol(guid: Ptr<EfiGuid>, outStatus: Ptr<u64>): Ptr<void> {
  let iface: Ptr<void> = null;
  outStatus[0] = gBS.LocateProtocol(guid, null, addressOf(iface));
  if (outStatus[0] != EFI_SUCCESS) return null;
  return iface;
}

/** The VendorTable of the configuration table entry with `guid`, or null. */
export function efiFindConfigTable(guid: Ptr<EfiGuid>): Ptr<void> {
  for (let i: u64 = 0; i < gST.NumberOfTableEntries; i++) {
    let e: Ptr<EfiConfigurationTable> = ptrAdd(gST.ConfigurationTable, i);
    if (guidEqual(addressOf(e.VendorGuid), guid)) return e.VendorTable;
  }
  return null;
}

/**
 * The firmware's ACPI tables, from the RSDP of the configuration table (the ACPI 2.0 entry
 * first); under boot services every table is identity-mapped. rootFound is false when
 * there is no RSDP or no usable root table.
 */
export function efiAcpiScan(): AcpiInfo {
  let rsdp: Ptr<void> = efiFindConfigTable(addressOf(ACPI_20_TABLE_GUID)) ??
    efiFindConfigTable(addressOf(ACPI_10_TABLE_GUID));
  let view = acpiView(0, 0xFFFF_FFFF_FFFF_FFFF);
  return acpiScan(addressOf(view), addr(rsdp));      // no RSDP: address 0, which acpiScan refuses
}

// ---- files ----------------------------------------------------------------------------

let pathBuf: Arr<u16, 260>;
let infoBuf: Arr<u64, 128>; // 1 KiB, 8-aligned, for EFI_FILE_INFO + its file name

/** Opens the root directory of the volume the loader was loaded from. */
export function efiOpenBootVolume(li: Ptr<EfiLoadedImage>): Ptr<EfiFile> {
  let fs: Ptr<EfiSimpleFileSystem> = cast<EfiSimpleFileSystem>(
    efiOpenProtocol(li.DeviceHandle, addressOf(SIMPLE_FILE_SYSTEM_GUID), "OpenProtocol(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL) on the boot device"));
  if (fs == null) return null;
  let root: Ptr<EfiFile> = null;
  if (!efiCheck("EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume", fs.OpenVolume(addressOf(root)))) return null;
  return root;
}

/** Bytes before the NUL of a path (at most 1023). */
export function pathLength(p: Ptr<u8>): u64 {
  let n: u64 = 0;
  while (n < 1023 && p[n] != 0) n++;
  return n;
}

/** Logs "error: <path>: <what> failed: <STATUS>": every file error names the file. */
function fileFailure(path: cstr, what: cstr, s: u64): void {
  logError(`${path}: ${what} failed: ${efiStatusName(s)}`);
}

/** An open file of the boot volume and its size. */
export interface EfiOpenFile extends Struct {
  handle: Ptr<EfiFile>;
  size: u64;
}

/**
 * Opens the file at `path` (NUL-terminated UTF-8, '\' separators) on `root` and reads its
 * size. Returns an EFI status; a missing file is EFI_NOT_FOUND, logged unless
 * `quietIfMissing`; every other failure is logged with the path.
 */
export function efiFileOpen(root: Ptr<EfiFile>, path: cstr, quietIfMissing: bool, out: Ptr<EfiOpenFile>): u64 {
  out.handle = null;
  out.size = 0;
  if (utf8ToUtf16(cast<u8>(path), pathLength(cast<u8>(path)), addressOf(pathBuf[0]), pathBuf.length) < 0) {
    logError(`${path}: not a valid UTF-8 path of at most 259 UTF-16 units`);
    return EFI_INVALID_PARAMETER;
  }
  let f: Ptr<EfiFile> = null;
  let s: u64 = root.Open(addressOf(f), addressOf(pathBuf[0]), EFI_FILE_MODE_READ, 0);
  if (s != EFI_SUCCESS) {
    if (s == EFI_NOT_FOUND && quietIfMissing) return s;
    fileFailure(path, "EFI_FILE_PROTOCOL.Open", s);
    return s;
  }
  let infoSize: u64 = 8 * infoBuf.length;
  s = f.GetInfo(addressOf(FILE_INFO_GUID), addressOf(infoSize), addressOf(infoBuf[0]));
  if (s != EFI_SUCCESS) {
    fileFailure(path, "EFI_FILE_PROTOCOL.GetInfo(EFI_FILE_INFO)", s);
    f.Close();
    return s;
  }
  let info: Ptr<EfiFileInfo> = cast<EfiFileInfo>(addressOf(infoBuf[0]));
  if ((info.Attribute & EFI_FILE_DIRECTORY) != 0) {
    logError(`${path} is a directory, not a file`);
    f.Close();
    return EFI_NOT_FOUND;
  }
  out.handle = f;
  out.size = info.FileSize;
  return EFI_SUCCESS;
}

/** Reads all of an open file into dst; logs failures and short files with the path. */
export function efiFileRead(f: Ptr<EfiOpenFile>, path: cstr, dst: u64): u64 {
  // Read until the whole file is in; FAT drivers return everything at once, but the
  // protocol allows short reads.
  let done: u64 = 0;
  while (done < f.size) {
    let chunk: u64 = f.size - done;
    let s: u64 = f.handle.Read(addressOf(chunk), ptr<u8>(dst + done));
    if (s != EFI_SUCCESS) {
      logError(`reading ${path} failed after ${done} of ${f.size} bytes: EFI_FILE_PROTOCOL.Read: ` +
        `${efiStatusName(s)}`);
      return s;
    }
    if (chunk == 0) {
      logError(`${path}: file ended after ${done} of ${f.size} bytes`);
      return EFI_END_OF_FILE;
    }
    done += chunk;
  }
  return EFI_SUCCESS;
}

export function efiFileClose(f: Ptr<EfiOpenFile>): void {
  if (f.handle != null) efiCheck("EFI_FILE_PROTOCOL.Close", f.handle.Close());
  f.handle = null;
}

/** Result of efiReadFile. */
export interface EfiFileData extends Struct {
  status: u64;
  /** Physical address of the EfiLoaderData pages holding the file (0 on failure). */
  base: u64;
  size: u64;
  pages: u64;
}

/**
 * Reads the whole file at the UTF-8 `path` (NUL-terminated, '\' separators) from `root`
 * into freshly allocated EfiLoaderData pages. A missing file yields EFI_NOT_FOUND with
 * nothing logged when `quietIfMissing`; every other failure, out of memory included, is
 * logged with the path.
 */
export function efiReadFile(root: Ptr<EfiFile>, path: cstr, quietIfMissing: bool, out: Ptr<EfiFileData>): void {
  out.base = 0;
  out.size = 0;
  out.pages = 0;
  let f: EfiOpenFile = zeroed<EfiOpenFile>();
  out.status = efiFileOpen(root, path, quietIfMissing, addressOf(f));
  if (out.status != EFI_SUCCESS) return;
  let pages: u64 = (f.size + 4095) >> 12;
  if (pages == 0) pages = 1;
  let base: u64 = efiAllocPagesFor(pages, 2, "the contents of", path);
  if (base == 0) {
    out.status = EFI_OUT_OF_RESOURCES;
    efiFileClose(addressOf(f));
    return;
  }
  out.status = efiFileRead(addressOf(f), path, base);
  efiFileClose(addressOf(f));
  if (out.status != EFI_SUCCESS) {
    efiFreePages(base, pages);
    return;
  }
  out.base = base;
  out.size = f.size;
  out.pages = pages;
}

// ---- events ---------------------------------------------------------------------------

/** A timer event (for SetTimer / WaitForEvent), or null after logging. */
export function efiCreateTimer(): EfiEvent {
  let ev: EfiEvent = null;
  if (!efiCheck("CreateEvent(EVT_TIMER)", gBS.CreateEvent(EVT_TIMER, TPL_CALLBACK, null, null, addressOf(ev)))) return null;
  return ev;
}

/** Arms `ev` to fire once, `us` microseconds from now (a firing left over from before is dropped). */
export function efiSetTimer(ev: EfiEvent, us: u64): bool {
  gBS.CheckEvent(ev); // clears a signal nobody waited for
  return efiCheck("SetTimer", gBS.SetTimer(ev, TIMER_RELATIVE, us * 10));
}

/** Waits for the first of `count` events; its index, or -1 after logging a failure. */
export function efiWaitForEvent(events: Ptr<EfiEvent>, count: u64): i64 {
  let index: u64 = 0;
  if (!efiCheck("WaitForEvent", gBS.WaitForEvent(count, events, addressOf(index)))) return -1;
  return i64(index);
}

export function efiCloseEvent(ev: EfiEvent): void {
  if (ev != null) efiCheck("CloseEvent", gBS.CloseEvent(ev));
}

/** Clears the firmware console (screen, and a serial terminal it drives). */
export function efiClearScreen(): void {
  let out: Ptr<EfiSimpleTextOutput> = gST.ConOut;
  if (out != null) out.ClearScreen();
}

// ---- images and protocols -------------------------------------------------------------

/** LoadImage from memory; `path` names the image (its LoadedImage.FilePath). Returns a status; `out` the handle. */
export function efiLoadImage(path: Ptr<EfiDevicePath>, base: u64, size: u64, out: Ptr<EfiHandle>): u64 {
  return gBS.LoadImage(0, gImage, path, ptr<void>(base), size, out);
}

/** StartImage; returns its status and, when the image gave any, its exit data (UTF-16). */
export function efiStartImage(image: EfiHandle, exitData: Ptr<Ptr<u16>>): u64 {
  let size: u64 = 0;
  exitData[0] = null;
  return gBS.StartImage(image, addressOf(size), exitData);
}

export function efiUnloadImage(image: EfiHandle): void {
  efiCheck("UnloadImage", gBS.UnloadImage(image));
}

/** InstallProtocolInterface on `handle[0]` (a new handle when it is null). */
export function efiInstallProtocol(handle: Ptr<EfiHandle>, guid: Ptr<EfiGuid>, iface: Ptr<void>, what: cstr): bool {
  return efiCheck(what, gBS.InstallProtocolInterface(handle, guid, EFI_NATIVE_INTERFACE, iface));
}

export function efiUninstallProtocol(handle: EfiHandle, guid: Ptr<EfiGuid>, iface: Ptr<void>, what: cstr): bool {
  return efiCheck(what, gBS.UninstallProtocolInterface(handle, guid, iface));
}

// ---- exit -----------------------------------------------------------------------------

export function efiExitBootServices(mapKey: u64): u64 {
  return gBS.ExitBootServices(gImage, mapKey);
}
