// UEFI runtime services from the kernel: GetTime through the firmware's function pointer,
// with the UEFI calling convention (win64 on x86_64, AAPCS64 on aarch64).
//
// This works only once the loader has switched the firmware to virtual mode
// (SetVirtualAddressMap after ExitBootServices) with the runtime regions mapped in the
// kernel's tables, and passed the table's *virtual* address; docs/memory.md lists what
// the loader has to do. The structs are the shared raw bindings in common/uefi.ts.

import {
  type EfiRuntimeServices, type EfiTime, type EfiTimeCapabilities,
  EFI_RUNTIME_SERVICES_SIGNATURE, EFI_UNSPECIFIED_TIMEZONE, efiStatusName,
} from "../../common/uefi";

function print2(v: u64): void {
  if (v < 10) printChar(0x30);
  printU(v);
}

function fail(what: cstr, v: u64): bool {
  println(`[kernel] efi time: FAIL: ${what} ${hex(v)}`);
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
  let rs: Ptr<EfiRuntimeServices> = ptr<EfiRuntimeServices>(rt);
  if (rs.Hdr.Signature != EFI_RUNTIME_SERVICES_SIGNATURE) return fail("runtime services signature mismatch:", rs.Hdr.Signature);
  if (u64(rs.Hdr.HeaderSize) < offsetof<EfiRuntimeServices>("SetTime")) return fail("runtime services table too short:", u64(rs.Hdr.HeaderSize));
  if (rs.GetTime == null) return fail("GetTime is null in table", rt);
  let t: EfiTime = zeroed<EfiTime>();
  let caps: EfiTimeCapabilities = zeroed<EfiTimeCapabilities>();
  let status: u64 = rs.GetTime(addressOf(t), addressOf(caps));
  if (status != 0) {
    println(`[kernel] efi time: FAIL: GetTime returned ${hex(status)} (${efiStatusName(status)})`);
    return false;
  }
  let valid: bool = t.Year >= 1900 && t.Year <= 9999 && t.Month >= 1 && t.Month <= 12 && t.Day >= 1 && t.Day <= 31 &&
    t.Hour < 24 && t.Minute < 60 && t.Second < 60 && t.Nanosecond < 1_000_000_000;
  print(`[kernel] efi time: ${u64(t.Year)}-`);
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
    print(` (UTC offset ${i64(t.TimeZone)} min)`);
  }
  print(`, resolution ${u64(caps.Resolution)} Hz`);
  if (!valid) {
    println(": FAIL: not a valid date and time");
    return false;
  }
  println(": ok");
  return true;
}
