// The `linux` protocol: a Linux kernel booted through its EFI stub, as Debian ships them
// (x86_64: a bzImage with a PE header; arm64: an uncompressed Image with one). The loader
// reads the file (sha256= checked), makes sure it is a PE/EFI application that is also a
// Linux kernel, puts the initrd= files behind LINUX_EFI_INITRD_MEDIA_GUID (loader/initrd.ts),
// then LoadImage from memory with the command line as UTF-16 LoadOptions, and StartImage.
// The stub takes it from there: it exits boot services and enters the kernel. It returns
// only when it fails; the loader then takes the initrd back and reports the status.

import { type EfiFile, EFI_SUCCESS, EFI_LOAD_ERROR } from "../common/uefi";
import { type CfgEntry, cfgPathText } from "../common/cfg";
import { type EfiFileData, efiFreePages } from "./efi";
import { log, logError } from "./log";
import { imageRead, imageStart } from "./image";
import { initrdLoad, initrdInstall, initrdRelease, initrdServed } from "./initrd";

/** Whether the image has the Linux boot header behind its PE header. */
function isLinux(base: u64, size: u64): bool {
  let p: Ptr<u8> = ptr<u8>(base);
  if (target.x86_64) {
    // The x86 boot protocol's "HdrS" at 0x202 (Documentation/arch/x86/boot.rst).
    return size > 0x206 && p[0x202] == 0x48 && p[0x203] == 0x64 && p[0x204] == 0x72 && p[0x205] == 0x53;
  }
  // arm64's Image header magic "ARM\x64" at 0x38 (Documentation/arch/arm64/booting.rst);
  // "zimg" at 4 is a compressed (EFI zboot) kernel, whose stub decompresses the Image.
  if (size > 0x40 && p[0x38] == 0x41 && p[0x39] == 0x52 && p[0x3A] == 0x4D && p[0x3B] == 0x64) return true;
  return size > 8 && p[4] == 0x7A && p[5] == 0x69 && p[6] == 0x6D && p[7] == 0x67;
}

/**
 * Boots entry e's kernel through its EFI stub. Returns only on failure, with the status.
 * @noinline
 */
export function linuxBoot(root: Ptr<EfiFile>, e: Ptr<CfgEntry>): u64 {
  let f: EfiFileData = zeroed<EfiFileData>();
  let s: u64 = imageRead(root, e, addressOf(f));
  if (s != EFI_SUCCESS) return s;
  if (!isLinux(f.base, f.size)) {
    logError(`${cfgPathText(addressOf(e.path))} is an EFI application but not a Linux kernel ` +
      `(no ${target.x86_64 ? "'HdrS' boot header" : "arm64 Image header"}); use protocol=efi to start it`);
    efiFreePages(f.base, f.pages);
    return EFI_LOAD_ERROR;
  }
  if (e.initrdCount > 0) {
    s = initrdLoad(root, e);
    if (s == EFI_SUCCESS) s = initrdInstall();
    if (s != EFI_SUCCESS) {
      initrdRelease();
      efiFreePages(f.base, f.pages);
      return s;
    }
  }
  s = imageStart(e, addressOf(f));
  if (e.initrdCount > 0 && initrdServed() == 0 && s != EFI_SUCCESS) {
    log(`the kernel did not ask for its initrd before it stopped (a stub older than Linux 5.8 does not use ` +
      `LoadFile2)`);
  }
  initrdRelease();
  return s;
}
