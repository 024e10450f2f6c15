// The self-extracting loader's stub: BOOTX64.EFI / BOOTAA64.EFI as shipped (issue 14,
// loaders of at most 32 KiB). Its read-only data is the real loader (loader/main.ts),
// compressed by linker/pack.ts; the stub
//   1. decodes it into pool memory (payload.ts: lzma.ts, then filter.ts undoes the branch
//      filter) and checks the result against the payload's check value,
//   2. hands it to LoadImage with this file's own device path, so the loader finds its
//      boot volume (LoadedImage.DeviceHandle) and file path as if the firmware had
//      started it, and gives it an UnpackRecord as LoadOptions (its clock then starts at
//      the stub's entry; record.ts),
//   3. StartImage, and returns the loader's status to the firmware.
// A damaged file gets a message on ConOut (screen, and serial where the firmware mirrors
// it) and an EFI error back to the firmware, never a jump into bad code.

import {
  type EfiSystemTable, type EfiBootServices, type EfiGuid, type EfiLoadedImage, type EfiDevicePath, type EfiHandle,
  EFI_SUCCESS, EFI_LOAD_ERROR, EFI_COMPROMISED_DATA, EFI_OUT_OF_RESOURCES, EfiMemoryType,
  LOADED_IMAGE_GUID, LOADED_IMAGE_DEVICE_PATH_GUID, EFI_OPEN_PROTOCOL_GET_PROTOCOL,
} from "../../common/uefi";
import { type PayloadHeader, payloadFits, unpackPayload } from "./payload";
import { type UnpackRecord, UNPACK_MAGIC } from "./record";

/** @symbol tsboot_payload */
declare function payloadSymbol(): void;
/** @symbol tsboot_payload_end */
declare function payloadEnd(): void;

/** @symbol tsboot_console_write */
declare function consoleWrite(p: Ptr<u8>, n: usize): void;

let record: UnpackRecord;

/** The time stamp counter (loader/arch's archTimestamp, without the rest of loader/arch). */
function timestamp(): u64 {
  if (target.x86_64) return rdtsc();
  isb();
  return cntvct();
}

function say(s: cstr): void {
  consoleWrite(cast<u8>(s), strlen(s));
}

/** Says `why` on ConOut with an EFI status in hex, and gives the status back. The digits
 *  are made here: std's formatter would add more than a kilobyte to the stub. */
function fail(why: cstr, status: u64): u64 {
  say(why);
  let text: Arr<u8, 18>;
  let i: u64 = 16;
  text[16] = 0x29; // ")\n"
  text[17] = 10;
  let v: u64 = status;
  while (true) {
    i--;
    const d: u64 = v & 15;
    text[i] = u8(d < 10 ? 0x30 + d : 0x57 + d);
    v >>= 4;
    if (v == 0) break;
  }
  say(" (EFI status 0x");
  consoleWrite(addressOf(text[i]), 18 - i);
  return status;
}

function protocol(bs: Ptr<EfiBootServices>, h: EfiHandle, guid: Ptr<EfiGuid>, image: EfiHandle): Ptr<void> {
  let p: Ptr<void> = null;
  if (bs.OpenProtocol(h, guid, addressOf(p), image, null, EFI_OPEN_PROTOCOL_GET_PROTOCOL) != EFI_SUCCESS) return null;
  return p;
}

export function main(image: EfiHandle, st: Ptr<EfiSystemTable>): u64 {
  record.entryTicks = timestamp();
  const bs: Ptr<EfiBootServices> = st.BootServices;
  const h: Ptr<PayloadHeader> = ptr<PayloadHeader>(addr(payloadSymbol));
  if (!payloadFits(h, addr(payloadEnd) - addr(payloadSymbol))) return fail("tsboot: this file holds no loader for this machine", EFI_LOAD_ERROR);
  let buf: Ptr<u8> = null;
  if (bs.AllocatePool(EfiMemoryType.LoaderData, u64(h.imageSize), cast<Ptr<void>>(addressOf(buf))) != EFI_SUCCESS) {
    return fail("tsboot: no memory to unpack the loader", EFI_OUT_OF_RESOURCES);
  }
  if (!unpackPayload(h, buf)) {
    bs.FreePool(buf);
    return fail("tsboot: this file is damaged; copy it again", EFI_COMPROMISED_DATA);
  }
  record.decodedTicks = timestamp();

  // This file's full device path names the loader to LoadImage, which sets its
  // DeviceHandle (where the loader finds boot.cfg) and FilePath from it. LoadImage
  // installs that protocol on every image it loads (UEFI 2.10, 7.4); without it the
  // loader would say that it cannot open its boot volume.
  const path: Ptr<EfiDevicePath> = cast<EfiDevicePath>(protocol(bs, image, addressOf(LOADED_IMAGE_DEVICE_PATH_GUID), image));
  let child: EfiHandle = null;
  const s: u64 = bs.LoadImage(0, image, path, cast<void>(buf), u64(h.imageSize), addressOf(child));
  bs.FreePool(buf);
  if (s != EFI_SUCCESS) return fail("tsboot: LoadImage refused the unpacked loader", s);
  const cli: Ptr<EfiLoadedImage> = cast<EfiLoadedImage>(protocol(bs, child, addressOf(LOADED_IMAGE_GUID), image));
  if (cli != null) {
    record.magic = UNPACK_MAGIC;
    cli.LoadOptions = cast<void>(addressOf(record));
    cli.LoadOptionsSize = u32(sizeof<UnpackRecord>());
  }
  let exitSize: u64 = 0;
  let exitData: Ptr<u16> = null;
  return bs.StartImage(child, addressOf(exitSize), addressOf(exitData));
}
