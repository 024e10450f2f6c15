// The runtime for *-uefi applications: efi_main records the image handle and system table,
// the console is ConOut (until ExitBootServices), and panic returns EFI_ABORTED to the
// firmware through BootServices.Exit instead of hanging.

/** @symbol tsboot_main */
declare function userMain(image: Ptr<void>, systemTable: Ptr<void>): u64;

interface TextOutput extends Struct {
  Reset: Ptr<void>;
  OutputString: EfiMethod<(self: Ptr<TextOutput>, s: Ptr<u16>) => u64>;
}

type ExitFn = Efiapi<(image: Ptr<void>, status: u64, dataSize: u64, data: Ptr<void>) => u64>;

const ST_CONOUT = 64;        // EFI_SYSTEM_TABLE.ConOut
const ST_BOOT_SERVICES = 96; // EFI_SYSTEM_TABLE.BootServices
const BS_EXIT = 216;         // EFI_BOOT_SERVICES.Exit
const EFI_ABORTED: u64 = 0x8000_0000_0000_0015;

let imageHandle: Ptr<void> = null;
let systemTable: Ptr<u8> = null;
let bootServicesGone: bool = false;

/** @symbol efi_main */
export function efiMain(image: Ptr<void>, st: Ptr<void>): u64 {
  imageHandle = image;
  systemTable = cast<u8>(st);
  return userMain(image, st);
}

export function uefiImageHandle(): Ptr<void> { return imageHandle; }
export function uefiSystemTable(): Ptr<void> { return systemTable; }
export function uefiBootServicesExited(): void { bootServicesGone = true; }

/** consoleWrite's chunk of UTF-16. Not a local: a local array is zeroed on every call, and
 *  in a program as small as the self-extracting loader's stub that zeroing alone would link
 *  in memset. Boot services run one caller at a time, so one buffer serves. */
let conOutChunk: Arr<u16, 130>;

/** @symbol tsboot_console_write */
export function consoleWrite(p: Ptr<u8>, n: usize): void {
  if (bootServicesGone || systemTable == null) return;
  const out: Ptr<TextOutput> = load<Ptr<TextOutput>>(addr(systemTable) + ST_CONOUT);
  if (out == null) return;
  // ConOut takes UTF-16; convert in chunks, turning \n into \r\n.
  const buf: Ptr<u16> = addressOf(conOutChunk[0]);
  let j: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const c: u8 = p[i];
    if (c == 10) { buf[j] = 13; j++; }
    buf[j] = u16(c);
    j++;
    if (j >= 126 || i + 1 == n) {
      buf[j] = 0;
      out.OutputString(buf);
      j = 0;
    }
  }
}

/** @symbol tsboot_halt */
export function halt(): never {
  if (!bootServicesGone && systemTable != null) {
    const bs: u64 = load<u64>(addr(systemTable) + ST_BOOT_SERVICES);
    const exitFn: ExitFn = load<ExitFn>(bs + BS_EXIT);
    exitFn(imageHandle, EFI_ABORTED, 0, null);
  }
  while (true) {
    if (target.x86_64) { cli(); hlt(); }
    if (target.aarch64) wfi();
  }
}
