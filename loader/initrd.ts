// The initrd of a `linux` entry, served the way current EFI-stub kernels (5.8 and later)
// ask for it: a handle carrying the vendor media device path LINUX_EFI_INITRD_MEDIA_GUID
// and EFI_LOAD_FILE2_PROTOCOL. The stub finds the handle with LocateDevicePath, calls
// LoadFile once with no buffer to learn the size and again to have the bytes copied into
// memory it allocated; it does that before it exits boot services, so the loader's
// callback may still log.
//
// The initrd= files are read in order into one buffer, each starting at a 4-byte boundary
// (zero padding between them): the kernel unpacks concatenated cpio archives, and each
// archive's headers must be 4-byte aligned, as the newc format pads them.

import {
  type EfiFile, type EfiHandle, type EfiDevicePath, type EfiLoadFile2,
  EFI_SUCCESS, EFI_INVALID_PARAMETER, EFI_UNSUPPORTED, EFI_BUFFER_TOO_SMALL, EFI_NOT_FOUND, EFI_OUT_OF_RESOURCES,
  DEVICE_PATH_GUID, LOAD_FILE2_GUID, LINUX_EFI_INITRD_MEDIA_GUID, DEVICE_PATH_MEDIA, DEVICE_PATH_MEDIA_VENDOR,
  DEVICE_PATH_END, DEVICE_PATH_END_ENTIRE,
} from "../common/uefi";
import { type CfgEntry, cfgPathText } from "../common/cfg";
import {
  type EfiOpenFile, efiFileOpen, efiFileRead, efiFileClose, efiAllocPagesFor, efiFreePages, efiInstallProtocol,
  efiUninstallProtocol,
} from "./efi";
import { log } from "./log";

let base: u64 = 0;
let initrdBytes: u64 = 0;
let pages: u64 = 0;
let handle: EfiHandle = null;
let served: u32 = 0;

/** The vendor media node (4 + 16 bytes) and the end node: 24 bytes, built in initrdInstall. */
let mediaPath: Arr<u32, 6>;
let loadFile2: EfiLoadFile2;

/**
 * EFI_LOAD_FILE2_PROTOCOL.LoadFile for the initrd: with no buffer (or one too small) it
 * reports the size with EFI_BUFFER_TOO_SMALL, otherwise it copies the initrd.
 * @efiapi
 */
function initrdLoadFile(
  self: Ptr<EfiLoadFile2>, path: Ptr<EfiDevicePath>, bootPolicy: u8, bufferSize: Ptr<u64>, buffer: Ptr<void>,
): u64 {
  if (self == null || bufferSize == null) return EFI_INVALID_PARAMETER;
  // BootPolicy TRUE asks for a boot-manager style load, which a file of fixed bytes is not.
  if (bootPolicy != 0) return EFI_UNSUPPORTED;
  if (path != null && path.Type != DEVICE_PATH_END) return EFI_NOT_FOUND;
  if (buffer == null || bufferSize[0] < initrdBytes) {
    bufferSize[0] = initrdBytes;
    return EFI_BUFFER_TOO_SMALL;
  }
  memcpy(buffer, ptr<void>(base), initrdBytes);
  bufferSize[0] = initrdBytes;
  served++;
  log(`initrd: ${size(initrdBytes)} served to the kernel through LoadFile2 (LINUX_EFI_INITRD_MEDIA_GUID)`);
  return EFI_SUCCESS;
}

/**
 * Reads entry e's initrd= files into one buffer. Returns EFI_SUCCESS or the status of
 * the failure it logged (naming the file); nothing is left allocated then.
 */
export function initrdLoad(root: Ptr<EfiFile>, e: Ptr<CfgEntry>): u64 {
  let files: Arr<EfiOpenFile, 8> = zeroed<Arr<EfiOpenFile, 8>>();
  let total: u64 = 0;
  let s: u64 = EFI_SUCCESS;
  let opened: u32 = 0;
  for (; opened < e.initrdCount; opened++) {
    let p: cstr = cfgPathText(addressOf(e.initrds[opened]));
    s = efiFileOpen(root, p, false, addressOf(files[opened]));
    if (s != EFI_SUCCESS) break;
    total = ((total + 3) & ~u64(3)) + files[opened].size;
  }
  if (s == EFI_SUCCESS) {
    pages = (total + 4095) >> 12;
    if (pages == 0) pages = 1;
    // Named after the first file: that is the one people recognise as "the initrd".
    base = efiAllocPagesFor(pages, 2, "the initrd", cfgPathText(addressOf(e.initrds[0])));
    if (base == 0) s = EFI_OUT_OF_RESOURCES;
  }
  let at: u64 = 0;
  for (let i: u32 = 0; s == EFI_SUCCESS && i < e.initrdCount; i++) {
    let pad: u64 = ((at + 3) & ~u64(3)) - at;
    if (pad != 0) memset(ptr<u8>(base + at), 0, pad);
    at += pad;
    let p: cstr = cfgPathText(addressOf(e.initrds[i]));
    s = efiFileRead(addressOf(files[i]), p, base + at);
    if (s != EFI_SUCCESS) break;
    log(`initrd ${u64(i + 1)}/${u64(e.initrdCount)}: ${p}, ${files[i].size} bytes at offset ${at}`);
    at += files[i].size;
  }
  for (let i: u32 = 0; i < opened; i++) efiFileClose(addressOf(files[i]));
  if (s != EFI_SUCCESS) {
    if (base != 0) efiFreePages(base, pages);
    base = 0;
    return s;
  }
  initrdBytes = total;
  return EFI_SUCCESS;
}

/** Installs the initrd's device path and LoadFile2 on a new handle (after initrdLoad). */
export function initrdInstall(): u64 {
  let mp: Ptr<u8> = cast<u8>(addressOf(mediaPath[0]));
  mp[0] = DEVICE_PATH_MEDIA;
  mp[1] = DEVICE_PATH_MEDIA_VENDOR;
  mp[2] = 20;
  mp[3] = 0;
  memcpy(ptrAdd(mp, 4), addressOf(LINUX_EFI_INITRD_MEDIA_GUID), 16);
  mp[20] = DEVICE_PATH_END;
  mp[21] = DEVICE_PATH_END_ENTIRE;
  mp[22] = 4;
  mp[23] = 0;
  loadFile2.LoadFile = initrdLoadFile;
  handle = null;
  served = 0;
  if (!efiInstallProtocol(addressOf(handle), addressOf(DEVICE_PATH_GUID), mp, "InstallProtocolInterface(initrd device path)")) {
    return EFI_OUT_OF_RESOURCES;
  }
  let lf2: Ptr<EfiLoadFile2> = addressOf(loadFile2);
  if (!efiInstallProtocol(addressOf(handle), addressOf(LOAD_FILE2_GUID), lf2, "InstallProtocolInterface(LoadFile2)")) {
    efiUninstallProtocol(handle, addressOf(DEVICE_PATH_GUID), mp, "UninstallProtocolInterface(initrd device path)");
    handle = null;
    return EFI_OUT_OF_RESOURCES;
  }
  log(`initrd: ${size(initrdBytes)} ready under LINUX_EFI_INITRD_MEDIA_GUID`);
  return EFI_SUCCESS;
}

/** How often the kernel took the initrd since initrdInstall. */
export function initrdServed(): u32 { return served; }

/** Takes the protocols off again and frees the buffer (after a kernel that did not start). */
export function initrdRelease(): void {
  if (handle != null) {
    let mp: Ptr<u8> = cast<u8>(addressOf(mediaPath[0]));
    efiUninstallProtocol(handle, addressOf(LOAD_FILE2_GUID), addressOf(loadFile2), "UninstallProtocolInterface(LoadFile2)");
    efiUninstallProtocol(handle, addressOf(DEVICE_PATH_GUID), mp, "UninstallProtocolInterface(initrd device path)");
    handle = null;
  }
  if (base != 0) efiFreePages(base, pages);
  base = 0;
  initrdBytes = 0;
}
