// {{name}}: an EFI application in the tsboot subset of TypeScript.
//
// The firmware starts it from \EFI\BOOT\BOOTX64.EFI (BOOTAA64.EFI) and calls `main` with its
// image handle and the system table; print() writes to ConOut, which the firmware copies to
// the serial port. `npm test` boots it in QEMU on x86_64 and aarch64 and passes when it
// prints `[app] PASS`.

import {
  type EfiSystemTable, EFI_SUCCESS, EFI_BUFFER_TOO_SMALL, appPass, appFail,
} from "tsboot/uefi";

/** Prints a UTF-16 firmware string as ASCII ('?' for anything else), at most `max` units. */
function printUtf16(s: Ptr<u16>, max: u64): void {
  for (let i: u64 = 0; s != null && i < max && s[i] != 0; i++) printChar(s[i] >= 0x20 && s[i] < 0x7F ? u8(s[i]) : 0x3F);
}

export function main(image: Ptr<void>, st: Ptr<EfiSystemTable>): u64 {
  print("[app] hello from {{name}}; firmware: ");
  printUtf16(st.FirmwareVendor, 64);
  print(", UEFI ");
  printU(u64(st.Hdr.Revision >> 16));
  print(".");
  printU(u64((st.Hdr.Revision & 0xFFFF) / 10));
  println("");

  // GetMemoryMap with no buffer: the firmware answers EFI_BUFFER_TOO_SMALL with the size.
  let size: u64 = 0;
  let key: u64 = 0;
  let descSize: u64 = 0;
  let descVersion: u32 = 0;
  let s: u64 = st.BootServices.GetMemoryMap(addressOf(size), null, addressOf(key), addressOf(descSize), addressOf(descVersion));
  if (s != EFI_BUFFER_TOO_SMALL || descSize == 0) appFail(st, "GetMemoryMap did not report the map's size");
  print("[app] memory map: ");
  printU(size / descSize);
  println(" descriptors");

  appPass(st);
  return EFI_SUCCESS;
}
