// efiapp: a small EFI application for the loader's `efi` protocol test (tests/boot/
// bootcfg.test.ts). It prints the load options it was started with (the entry's cmdline,
// which the loader passes as UTF-16) and the device path's file name, then returns
// EFI_SUCCESS to the loader, which must then go on to its next entry.

import {
  type EfiSystemTable, type EfiLoadedImage, type EfiDevicePath, EFI_SUCCESS, EFI_LOAD_ERROR, LOADED_IMAGE_GUID,
  EFI_OPEN_PROTOCOL_GET_PROTOCOL, DEVICE_PATH_MEDIA, DEVICE_PATH_MEDIA_FILE, DEVICE_PATH_END,
} from "../../../common/uefi";

/** UTF-16 text as ASCII ('?' for anything else), at most `max` units or up to a NUL. */
function printUtf16(p: Ptr<u16>, max: u64): void {
  for (let i: u64 = 0; i < max && p[i] != 0; i++) printChar(p[i] >= 0x20 && p[i] < 0x7F ? u8(p[i]) : 0x3F);
}

export function main(image: Ptr<void>, st: Ptr<EfiSystemTable>): u64 {
  let iface: Ptr<void> = null;
  let s: u64 = st.BootServices.OpenProtocol(image, addressOf(LOADED_IMAGE_GUID), addressOf(iface), image, null, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
  if (s != EFI_SUCCESS) {
    println("[efiapp] cannot open its EFI_LOADED_IMAGE_PROTOCOL");
    return EFI_LOAD_ERROR;
  }
  let li: Ptr<EfiLoadedImage> = cast<EfiLoadedImage>(iface);
  print("[efiapp] started; load options (");
  printU(u64(li.LoadOptionsSize));
  print(" bytes): \"");
  if (li.LoadOptions != null) printUtf16(cast<u16>(li.LoadOptions), u64(li.LoadOptionsSize) / 2);
  println("\"");
  // The file-path node of the image's device path: the loader names the file it loaded.
  let dp: Ptr<EfiDevicePath> = li.FilePath;
  while (dp != null && dp.Type != DEVICE_PATH_END) {
    if (dp.Type == DEVICE_PATH_MEDIA && dp.SubType == DEVICE_PATH_MEDIA_FILE) {
      print("[efiapp] file path: ");
      printUtf16(cast<u16>(byteAdd(cast<u8>(dp), 4)), (u64(dp.Length) - 4) / 2);
      println("");
    }
    dp = cast<EfiDevicePath>(byteAdd(cast<u8>(dp), u64(dp.Length)));
  }
  println("[efiapp] returning EFI_SUCCESS to the loader");
  return EFI_SUCCESS;
}
