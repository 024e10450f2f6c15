// The checked layer over common/uefi.ts: every helper calls one firmware service, checks
// its status, and on failure logs "[loader] error: <Service> failed: <EFI_STATUS_NAME>"
// before returning the status to its caller (which unwinds back to the firmware).

import {
  type EfiSystemTable, type EfiBootServices, type EfiGuid, type EfiHandle, type EfiLoadedImage,
  type EfiSimpleFileSystem, type EfiFile, type EfiFileInfo, type EfiMemoryDescriptor, type EfiGraphicsOutput,
  type EfiConfigurationTable, type EfiRuntimeServices, type EfiSimpleTextOutput, type EfiTableHeader,
  EFI_SUCCESS, EFI_OUT_OF_RESOURCES, EFI_NOT_FOUND, EFI_END_OF_FILE,
  efiIsError, efiStatusName,
  EFI_OPEN_PROTOCOL_GET_PROTOCOL, EFI_FILE_MODE_READ, EFI_FILE_DIRECTORY,
  LOADED_IMAGE_GUID, SIMPLE_FILE_SYSTEM_GUID, FILE_INFO_GUID, guidEqual,
} from "../common/uefi";
import { logBegin, logStr, logEnd, logHex, logBytes, logDec } from "./log";

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
  logBegin("error: ");
  logStr(what);
  logStr(" failed: ");
  logStr(efiStatusName(s));
  logStr(" (");
  logHex(s);
  logStr(")");
  logEnd();
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
  return "";
}

// ---- memory ---------------------------------------------------------------------------

/** AllocatePages(AnyPages); returns the physical address or 0 (after logging). */
export function efiAllocPages(pages: u64, memType: u32, what: cstr): u64 {
  return efiAllocPagesBelow(pages, memType, 0, what);
}

/** AllocatePages below `limit` (AllocateMaxAddress: the last byte at or under it); any
 *  address when `limit` is 0. Logs and returns 0 on failure. */
export function efiAllocPagesBelow(pages: u64, memType: u32, limit: u64, what: cstr): u64 {
  let pa: u64 = limit;
  let s: u64 = gBS.AllocatePages(limit == 0 ? 0 : 1, memType, pages, addressOf(pa));
  if (s != EFI_SUCCESS) {
    logBegin("error: AllocatePages(");
    logDec(pages);
    logStr(" pages for ");
    logStr(what);
    logStr(") failed: ");
    logStr(efiStatusName(s));
    logEnd();
    return 0;
  }
  return pa;
}

export function efiFreePages(pa: u64, pages: u64): bool {
  return efiCheck("FreePages", gBS.FreePages(pa, pages));
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

export function efiLoadedImage(): Ptr<EfiLoadedImage> {
  return cast<EfiLoadedImage>(efiOpenProtocol(gImage, addressOf(LOADED_IMAGE_GUID), "OpenProtocol(EFI_LOADED_IMAGE_PROTOCOL)"));
}

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

// ---- files ----------------------------------------------------------------------------

let pathBuf: Arr<u16, 260>;
let infoBuf: Arr<u64, 128>; // 1 KiB, 8-aligned, for EFI_FILE_INFO + its file name

/** Opens the root directory of the volume the loader was loaded from. */
export function efiOpenBootVolume(li: Ptr<EfiLoadedImage>): Ptr<EfiFile> {
  let fs: Ptr<EfiSimpleFileSystem> = cast<EfiSimpleFileSystem>(
    efiOpenProtocol(li.DeviceHandle, addressOf(SIMPLE_FILE_SYSTEM_GUID), "OpenProtocol(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL) on the boot device"));
  if (fs == null) return null;
  let root: Ptr<EfiFile> = null;
  if (!efiCheck("EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume", fs.OpenVolume(fs, addressOf(root)))) return null;
  return root;
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
 * Reads the whole file at the ASCII `path` (NUL-terminated, '\' separators) from `root`
 * into freshly allocated EfiLoaderData pages. A missing file yields EFI_NOT_FOUND with
 * nothing logged when `quietIfMissing`; every other failure is logged with the path.
 */
export function efiReadFile(root: Ptr<EfiFile>, path: Ptr<u8>, quietIfMissing: bool, out: Ptr<EfiFileData>): void {
  out.status = EFI_SUCCESS;
  out.base = 0;
  out.size = 0;
  out.pages = 0;
  let n: u32 = 0;
  while (path[n] != 0 && n + 1 < pathBuf.length) {
    pathBuf[n] = u16(path[n]);
    n++;
  }
  pathBuf[n] = 0;

  let f: Ptr<EfiFile> = null;
  let s: u64 = root.Open(root, addressOf(f), addressOf(pathBuf[0]), EFI_FILE_MODE_READ, 0);
  if (s != EFI_SUCCESS) {
    out.status = s;
    if (s == EFI_NOT_FOUND && quietIfMissing) return;
    logBegin("error: cannot open ");
    logBytes(path, 260);
    logStr(" on the boot volume: EFI_FILE_PROTOCOL.Open failed: ");
    logStr(efiStatusName(s));
    logEnd();
    return;
  }

  let infoSize: u64 = 8 * infoBuf.length;
  s = f.GetInfo(f, addressOf(FILE_INFO_GUID), addressOf(infoSize), addressOf(infoBuf[0]));
  if (!efiCheck("EFI_FILE_PROTOCOL.GetInfo(EFI_FILE_INFO)", s)) {
    out.status = s;
    efiCheck("EFI_FILE_PROTOCOL.Close", f.Close(f));
    return;
  }
  let info: Ptr<EfiFileInfo> = cast<EfiFileInfo>(addressOf(infoBuf[0]));
  if ((info.Attribute & EFI_FILE_DIRECTORY) != 0) {
    logBegin("error: ");
    logBytes(path, 260);
    logStr(" is a directory, not a file");
    logEnd();
    out.status = EFI_NOT_FOUND;
    efiCheck("EFI_FILE_PROTOCOL.Close", f.Close(f));
    return;
  }
  let size: u64 = info.FileSize;
  let pages: u64 = (size + 4095) >> 12;
  if (pages == 0) pages = 1;
  let base: u64 = efiAllocPages(pages, 2, "file contents");
  if (base == 0) {
    out.status = EFI_OUT_OF_RESOURCES;
    efiCheck("EFI_FILE_PROTOCOL.Close", f.Close(f));
    return;
  }
  // Read until the whole file is in; FAT drivers return everything at once, but the
  // protocol allows short reads.
  let done: u64 = 0;
  while (done < size) {
    let chunk: u64 = size - done;
    s = f.Read(f, addressOf(chunk), ptr<u8>(base + done));
    if (!efiCheck("EFI_FILE_PROTOCOL.Read", s)) {
      out.status = s;
      break;
    }
    if (chunk == 0) {
      logBegin("error: ");
      logBytes(path, 260);
      logStr(": file ended after ");
      logDec(done);
      logStr(" of ");
      logDec(size);
      logStr(" bytes");
      logEnd();
      out.status = EFI_END_OF_FILE;
      break;
    }
    done += chunk;
  }
  efiCheck("EFI_FILE_PROTOCOL.Close", f.Close(f));
  if (out.status != EFI_SUCCESS) {
    efiFreePages(base, pages);
    return;
  }
  out.base = base;
  out.size = size;
  out.pages = pages;
}

// ---- exit -----------------------------------------------------------------------------

export function efiExitBootServices(mapKey: u64): u64 {
  return gBS.ExitBootServices(gImage, mapKey);
}
