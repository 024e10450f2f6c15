// tsboot's UEFI loader (BOOTX64.EFI / BOOTAA64.EFI).
//
// Flow: log setup -> loaded image -> clock -> boot.cfg (loader/config.ts) -> menu
// (loader/menu.ts) -> the chosen entry's protocol: tsboot (loader/tsboot.ts: our kernel),
// linux (loader/linux.ts: an EFI-stub kernel with its initrd) or efi (loader/image.ts:
// chainload an EFI application). An entry that fails before it hands over returns here;
// the menu goes on with the entries left, and when none is left the loader returns an EFI
// error to the firmware. Nothing before the hand-over hangs; docs/boot-protocol.md says
// what each protocol hands over.

import {
  type EfiSystemTable, type EfiLoadedImage, type EfiFile, EFI_SUCCESS, EFI_LOAD_ERROR, EFI_UNSUPPORTED,
} from "../common/uefi";
import { CfgProtocol } from "../common/cfg";
import {
  efiInit, efiLoadedImage, efiOpenBootVolume, efiLayoutCheck, efiStatusName, efiDisableWatchdog, efiStall,
} from "./efi";
import { type SerialConsole, serialConsole, serialConsoleName } from "./console";
import { logInit, logConOutReachesSerial, logDetails, log, logSerial, logError } from "./log";
import { config, configRead, configEntry } from "./config";
import { keysInit } from "./keys";
import { menuInit, menuChoose, menuEntryEnded, menuLogBooting, menuLogNothingLeft } from "./menu";
import { tsbootBoot } from "./tsboot";
import { linuxBoot } from "./linux";
import { efiChainload } from "./image";
import { clockStart, clockStartedByStub, clockCalibrateStart, clockCalibrate, clockMark } from "./clock";
import { type UnpackRecord, unpackRecord } from "./unpack/record";
import { archName, archTimestamp } from "./arch/index";

/** How long an error stays on screen before control returns to the firmware. */
const ERROR_PAUSE_US: u64 = 2_000_000;

/** Logs the failure summary, pauses so it can be read, and gives `status` back. */
function giveUp(status: u64): u64 {
  log(`returning ${efiStatusName(status)} to the firmware`);
  efiStall(ERROR_PAUSE_US);
  return status;
}

export function main(image: Ptr<void>, systemTable: Ptr<EfiSystemTable>): u64 {
  clockStart(archTimestamp());
  efiInit(image, systemTable);
  logInit(systemTable.ConOut);
  // The counter's rate is measured over the console's lines and the boot.cfg read.
  clockCalibrateStart();
  let serial: SerialConsole = serialConsole();
  logConOutReachesSerial(serial != 0);
  log(`tsboot loader (${archName()}) starting`);
  logSerial(`console: ${serial != 0 ? "ConOut reaches a serial port" : "the loader writes serial itself"} ` +
    `(${serialConsoleName(serial)})${serial != 0 ? ": serial gets each line from there until ExitBootServices" : ""}`);

  let bad: cstr = efiLayoutCheck();
  if (strlen(bad) != 0) {
    logError(`the loader's UEFI struct layout is wrong at ${bad} (compiler bug?)`);
    return giveUp(EFI_UNSUPPORTED);
  }

  let li: Ptr<EfiLoadedImage> = efiLoadedImage();
  if (li == null) return giveUp(EFI_UNSUPPORTED);
  logSerial(`loader@${hex(addr(li.ImageBase))} size ${hex(li.ImageSize)}`);
  let unpacked: Ptr<UnpackRecord> = unpackRecord(li.LoadOptions, li.LoadOptionsSize);
  if (unpacked != null) clockStartedByStub(unpacked.entryTicks, unpacked.decodedTicks);
  // One line a person can photograph when reporting a failure on a real machine.
  let minor: u64 = u64(systemTable.Hdr.Revision & 0xFFFF);
  let vendor: wstr = systemTable.FirmwareVendor == null ? "" : asWstr(systemTable.FirmwareVendor);
  log(`firmware: ${vendor} revision ${hex(u64(systemTable.FirmwareRevision))}, ` +
    `UEFI ${u64(systemTable.Hdr.Revision >> 16)}.${minor / 10}${minor % 10 == 0 ? "" : `.${minor % 10}`}`);

  clockMark("console");
  efiDisableWatchdog();

  let root: Ptr<EfiFile> = efiOpenBootVolume(li);
  if (root == null) return giveUp(EFI_UNSUPPORTED);
  let s: u64 = configRead(root);
  if (s != EFI_SUCCESS) return giveUp(s);
  logDetails(!config().quiet);
  menuInit(config(), keysInit());
  clockMark("boot.cfg");
  // Before the menu, which may wait for a person: the measurement must end before the
  // PM timer wraps.
  clockCalibrate();
  clockMark("clock");

  // Each pass boots one entry; only a failure before the hand-over (or an EFI application
  // that ends) comes back, and that entry is not offered again.
  let last: u64 = EFI_LOAD_ERROR;
  while (true) {
    let i: i32 = menuChoose();
    clockMark("menu");
    if (i < 0) {
      menuLogNothingLeft();
      return giveUp(last);
    }
    menuLogBooting(i);
    let e = configEntry(i);
    let returned: bool = false;
    if (e.protocol == CfgProtocol.Tsboot) {
      s = tsbootBoot(root, e);
    } else if (e.protocol == CfgProtocol.Linux) {
      s = linuxBoot(root, e);
    } else {
      s = efiChainload(root, e);
      returned = s == EFI_SUCCESS;
    }
    log(`${returned ? "the application returned " : "this entry failed: "}${efiStatusName(s)}`);
    menuEntryEnded(i, s, returned);
    last = s;
  }
}
