// Starting EFI images: the `efi` protocol (chainload any EFI application) and the common
// half of the `linux` protocol. The loader reads the file itself (so sha256= can be
// checked on the bytes that run), checks its PE headers for a clear message, and hands the
// buffer to LoadImage with a device path naming the file on the boot volume (the image's
// LoadedImage.FilePath). The command line goes into the image's LoadOptions as UTF-16;
// StartImage runs it. An application that returns comes back here with its status.

import {
  type EfiFile, type EfiHandle, type EfiLoadedImage, type EfiDevicePath,
  EFI_SUCCESS, EFI_LOAD_ERROR, EFI_UNSUPPORTED, EFI_BUFFER_TOO_SMALL, EFI_NOT_FOUND,
  LOADED_IMAGE_GUID, DEVICE_PATH_GUID, DEVICE_PATH_MEDIA, DEVICE_PATH_MEDIA_FILE, DEVICE_PATH_END,
  DEVICE_PATH_END_ENTIRE,
} from "../common/uefi";
import { type CfgEntry, cfgPathText } from "../common/cfg";
import { utf8ToUtf16 } from "../common/utf8";
import {
  type EfiFileData, efiReadFile, efiFreePages, efiOpenProtocol, efiLoadImage, efiStartImage, efiUnloadImage,
  efiLoadedImage, efiStatusName, efiFreePool, pathLength,
} from "./efi";
import { log, logError } from "./log";
import { archPeMachine, archName } from "./arch/index";
import { verifyFile } from "./verify";
import { clockHz, clockUsSinceEntry } from "./clock";

/** PE optional header: Subsystem value of an EFI application. */
const PE_SUBSYSTEM_EFI_APPLICATION: u16 = 10;
/** PE optional header magic of PE32+ (64-bit) images. */
const PE32PLUS_MAGIC: u16 = 0x20B;

function rd16(p: Ptr<u8>, off: u64): u16 { return u16(p[off]) | (u16(p[off + 1]) << 8); }
function rd32(p: Ptr<u8>, off: u64): u32 { return u32(rd16(p, off)) | (u32(rd16(p, off + 2)) << 16); }

function notPe(e: Ptr<CfgEntry>, why: cstr): u64 {
  logError(`${cfgPathText(addressOf(e.path))} is not an EFI application: ${why}`);
  return EFI_LOAD_ERROR;
}

/**
 * Checks that the `size` bytes at `base` are a PE32+ EFI application for this machine, so
 * that a wrong file gets a message naming what is wrong (LoadImage would only say
 * EFI_LOAD_ERROR or EFI_UNSUPPORTED). Returns EFI_SUCCESS or the status it logged.
 */
export function peCheck(e: Ptr<CfgEntry>, base: u64, size: u64): u64 {
  let p: Ptr<u8> = ptr<u8>(base);
  if (size < 64 || p[0] != 0x4D || p[1] != 0x5A) return notPe(e, "no 'MZ' header (is it an ELF or a compressed file?)");
  let pe: u64 = u64(rd32(p, 0x3C));
  if (pe > size || size - pe < 24 + 70 || rd32(p, pe) != 0x0000_4550) {
    return notPe(e, "an 'MZ' header without a 'PE' signature");
  }
  let machine: u16 = rd16(p, pe + 4);
  if (machine != archPeMachine()) {
    logError(`${cfgPathText(addressOf(e.path))} is a PE image for machine ${hex(u64(machine))}` +
      `${machine == 0x8664 ? " (x86_64)" : machine == 0xAA64 ? " (aarch64)" : machine == 0x14C ? " (i386)" : ""}, ` +
      `not for this ${archName()} loader (${hex(u64(archPeMachine()))})`);
    return EFI_UNSUPPORTED;
  }
  let optSize: u16 = rd16(p, pe + 20);
  let opt: u64 = pe + 24;
  if (optSize < 70) return notPe(e, "its PE optional header is too short");
  if (rd16(p, opt) != PE32PLUS_MAGIC) return notPe(e, "it is not a PE32+ (64-bit) image");
  let subsystem: u16 = rd16(p, opt + 68);
  if (subsystem != PE_SUBSYSTEM_EFI_APPLICATION) {
    logError(`${cfgPathText(addressOf(e.path))} is not an EFI application: PE subsystem ${u64(subsystem)} ` +
      `(an EFI application is 10)`);
    return EFI_LOAD_ERROR;
  }
  return EFI_SUCCESS;
}

/**
 * Reads entry e's path= file into `out` and checks its sha256 and PE headers. Returns
 * EFI_SUCCESS or the status it logged (the buffer is freed then).
 */
export function imageRead(root: Ptr<EfiFile>, e: Ptr<CfgEntry>, out: Ptr<EfiFileData>): u64 {
  let path: cstr = cfgPathText(addressOf(e.path));
  efiReadFile(root, path, true, out);
  if (out.status == EFI_NOT_FOUND) logError(`${path} not found on the boot volume (EFI_NOT_FOUND)`);
  if (out.status != EFI_SUCCESS) return out.status;
  log(`read ${path}: ${out.size} bytes`);
  let s: u64 = verifyFile(e, out.base, out.size);
  if (s == EFI_SUCCESS) s = peCheck(e, out.base, out.size);
  if (s != EFI_SUCCESS) {
    efiFreePages(out.base, out.pages);
    out.base = 0;
  }
  return s;
}

// The file's device path: the boot volume's path, a media file-path node, the end node.
// (u16 elements: the file-path node holds UTF-16 and must be 2-aligned.)
let devicePathBuf: Arr<u16, 800>;
let loadOptions: Arr<u16, 1025>;

/** Builds devicePath for file `path` (UTF-8) of the boot volume; null when it cannot. */
function fileDevicePath(path: cstr): Ptr<EfiDevicePath> {
  let li: Ptr<EfiLoadedImage> = efiLoadedImage();
  let dev: Ptr<u8> = cast<u8>(efiOpenProtocol(li.DeviceHandle, addressOf(DEVICE_PATH_GUID),
    "OpenProtocol(EFI_DEVICE_PATH_PROTOCOL) on the boot device"));
  if (dev == null) return null;
  // Copy the volume's nodes up to (without) its end node.
  let n: u64 = 0;
  while (true) {
    let len: u64 = u64(rd16(dev, n + 2));
    if (dev[n] == DEVICE_PATH_END || len < 4 || n + len > 1024) break;
    n += len;
  }
  if (dev[n] != DEVICE_PATH_END) return null;
  let dp: Ptr<u8> = cast<u8>(addressOf(devicePathBuf[0]));
  memcpy(dp, dev, n);
  let units: i64 = utf8ToUtf16(cast<u8>(path), pathLength(cast<u8>(path)), cast<u16>(ptrAdd(dp, n + 4)), 260);
  if (units < 0) return null;
  let nodeLen: u64 = 4 + u64(units + 1) * 2;
  dp[n] = DEVICE_PATH_MEDIA;
  dp[n + 1] = DEVICE_PATH_MEDIA_FILE;
  dp[n + 2] = u8(nodeLen);
  dp[n + 3] = u8(nodeLen >> 8);
  let end: u64 = n + nodeLen;
  dp[end] = DEVICE_PATH_END;
  dp[end + 1] = DEVICE_PATH_END_ENTIRE;
  dp[end + 2] = 4;
  dp[end + 3] = 0;
  return cast<EfiDevicePath>(dp);
}

/**
 * LoadImage from the buffer in `file` (freed afterwards: the firmware keeps its own copy),
 * LoadOptions from e.cmdline, then StartImage. Returns StartImage's status (an EFI
 * application that returns, or a kernel whose stub failed), or the status of the step
 * that failed before it.
 */
export function imageStart(e: Ptr<CfgEntry>, file: Ptr<EfiFileData>): u64 {
  let path: cstr = cfgPathText(addressOf(e.path));
  let image: EfiHandle = null;
  let s: u64 = efiLoadImage(fileDevicePath(path), file.base, file.size, addressOf(image));
  efiFreePages(file.base, file.pages);
  file.base = 0;
  if (s != EFI_SUCCESS) {
    logError(`LoadImage(${path}) failed: ${efiStatusName(s)}`);
    return s;
  }
  let li: Ptr<EfiLoadedImage> = cast<EfiLoadedImage>(efiOpenProtocol(image, addressOf(LOADED_IMAGE_GUID),
    "OpenProtocol(EFI_LOADED_IMAGE_PROTOCOL) on the loaded image"));
  if (li == null) {
    efiUnloadImage(image);
    return EFI_LOAD_ERROR;
  }
  if (e.cmdlineLength != 0) {
    let units: i64 = utf8ToUtf16(addressOf(e.cmdline[0]), u64(e.cmdlineLength), addressOf(loadOptions[0]), loadOptions.length);
    if (units < 0) {
      logError(`the command line does not fit the load options (${u64(loadOptions.length - 1)} UTF-16 units)`);
      efiUnloadImage(image);
      return EFI_BUFFER_TOO_SMALL;
    }
    li.LoadOptions = addressOf(loadOptions[0]);
    li.LoadOptionsSize = u32(units + 1) * 2; // with the NUL, as firmware boot options do
  }
  log(`starting ${path} (StartImage, image at ${hex(addr(li.ImageBase))}` +
    `${clockHz() == 0 ? "" : `, ${clockUsSinceEntry() / 1000} ms after loader entry`})`);
  let exitData: Ptr<u16> = null;
  s = efiStartImage(image, addressOf(exitData));
  // An application that returns has been unloaded by the firmware (Exit does that).
  let exitText: wstr = exitData == null ? "" : asWstr(exitData);
  log(`${path} returned ${efiStatusName(s)}${exitData == null ? "" : ": "}${exitText}`);
  if (exitData != null) efiFreePool(exitData);
  return s;
}

/** The `efi` protocol: chainloads entry e's EFI application. */
export function efiChainload(root: Ptr<EfiFile>, e: Ptr<CfgEntry>): u64 {
  let f: EfiFileData = zeroed<EfiFileData>();
  let s: u64 = imageRead(root, e, addressOf(f));
  if (s != EFI_SUCCESS) return s;
  return imageStart(e, addressOf(f));
}
