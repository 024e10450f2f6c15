// UEFI runtime services from the kernel: GetTime through the firmware's function pointer,
// with the UEFI calling convention (win64 on x86_64, AAPCS64 on aarch64).
//
// This works only once the loader has switched the firmware to virtual mode
// (SetVirtualAddressMap after ExitBootServices) with the runtime regions mapped in the
// kernel's tables, and passed the table's *virtual* address; docs/memory.md lists what
// the loader has to do. The types are declared here, not imported from the loader, so the
// kernel does not depend on loader sources.

export interface MmEfiTableHeader extends Struct {
  Signature: u64;
  Revision: u32;
  HeaderSize: u32;
  CRC32: u32;
  Reserved: u32;
}

export interface MmEfiTime extends Struct {
  Year: u16; Month: u8; Day: u8; Hour: u8; Minute: u8; Second: u8; Pad1: u8;
  Nanosecond: u32; TimeZone: i16; Daylight: u8; Pad2: u8;
}

export interface MmEfiTimeCaps extends Struct {
  Resolution: u32;
  Accuracy: u32;
  SetsToZero: u8;
}

export type MmGetTimeFn = Efiapi<(time: Ptr<MmEfiTime>, caps: Ptr<MmEfiTimeCaps>) => u64>;

/** The start of EFI_RUNTIME_SERVICES (only GetTime is called). */
export interface MmEfiRuntimeServices extends Struct {
  Hdr: MmEfiTableHeader;
  GetTime: MmGetTimeFn;
  SetTime: Ptr<void>;
  GetWakeupTime: Ptr<void>;
  SetWakeupTime: Ptr<void>;
  SetVirtualAddressMap: Ptr<void>;
  ConvertPointer: Ptr<void>;
}

/** "RUNTSERV" as a little-endian u64. */
export const EFI_RUNTIME_SERVICES_SIGNATURE: u64 = 0x5652_4553_544E_5552;
const EFI_ERROR_BIT: u64 = 0x8000_0000_0000_0000;
const EFI_UNSPECIFIED_TIMEZONE: i16 = 0x07FF;

function efiStatusName(s: u64): cstr {
  switch (s) {
    case 0: return "EFI_SUCCESS";
    case EFI_ERROR_BIT | 2: return "EFI_INVALID_PARAMETER";
    case EFI_ERROR_BIT | 3: return "EFI_UNSUPPORTED";
    case EFI_ERROR_BIT | 7: return "EFI_DEVICE_ERROR";
    case EFI_ERROR_BIT | 8: return "EFI_WRITE_PROTECTED";
    case EFI_ERROR_BIT | 14: return "EFI_NOT_FOUND";
    case EFI_ERROR_BIT | 21: return "EFI_ACCESS_DENIED";
  }
  if ((s & EFI_ERROR_BIT) != 0) return "an EFI error";
  return "an EFI warning";
}

function print2(v: u64): void {
  if (v < 10) printChar(0x30);
  printU(v);
}

function fail(what: cstr, v: u64): bool {
  print("[kernel] efi time: FAIL: ");
  print(what);
  print(" ");
  printHex(v);
  print("\n");
  return false;
}

/**
 * Calls GetTime through the runtime services table at virtual address `rt` and prints
 * `[kernel] efi time: YYYY-MM-DD hh:mm:ss ...`. Returns false, after printing why, when rt
 * is not a runtime services table, GetTime fails (its status is printed), or the time it
 * returns is not a valid date.
 */
export function printEfiTime(rt: u64): bool {
  if (rt == 0 || (rt & 7) != 0) return fail("no usable runtime services pointer:", rt);
  let rs: Ptr<MmEfiRuntimeServices> = ptr<MmEfiRuntimeServices>(rt);
  if (rs.Hdr.Signature != EFI_RUNTIME_SERVICES_SIGNATURE) return fail("runtime services signature mismatch:", rs.Hdr.Signature);
  if (u64(rs.Hdr.HeaderSize) < offsetof<MmEfiRuntimeServices>("SetTime")) return fail("runtime services table too short:", u64(rs.Hdr.HeaderSize));
  if (rs.GetTime == null) return fail("GetTime is null in table", rt);
  let t: MmEfiTime = zeroed<MmEfiTime>();
  let caps: MmEfiTimeCaps = zeroed<MmEfiTimeCaps>();
  let status: u64 = rs.GetTime(addressOf(t), addressOf(caps));
  if (status != 0) {
    print("[kernel] efi time: FAIL: GetTime returned ");
    printHex(status);
    print(" (");
    print(efiStatusName(status));
    println(")");
    return false;
  }
  let valid: bool = t.Year >= 1900 && t.Year <= 9999 && t.Month >= 1 && t.Month <= 12 && t.Day >= 1 && t.Day <= 31 &&
    t.Hour < 24 && t.Minute < 60 && t.Second < 60 && t.Nanosecond < 1_000_000_000;
  print("[kernel] efi time: ");
  printU(u64(t.Year));
  print("-");
  print2(u64(t.Month));
  print("-");
  print2(u64(t.Day));
  print(" ");
  print2(u64(t.Hour));
  print(":");
  print2(u64(t.Minute));
  print(":");
  print2(u64(t.Second));
  if (t.TimeZone == EFI_UNSPECIFIED_TIMEZONE) {
    print(" (local, zone unspecified)");
  } else {
    print(" (UTC offset ");
    printI(i64(t.TimeZone));
    print(" min)");
  }
  print(", resolution ");
  printU(u64(caps.Resolution));
  print(" Hz");
  if (!valid) {
    println(": FAIL: not a valid date and time");
    return false;
  }
  println(": ok");
  return true;
}
