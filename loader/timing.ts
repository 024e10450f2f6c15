// The loader's clock: the time stamp counter's rate, and the time of each phase.
//
// timeCalibrate() finds the counter's rate (TSC / CNTVCT_EL0) without waiting on the
// firmware where it can: the rate the CPU states (CNTFRQ_EL0; CPUID 0x15/0x16), else a
// 2 ms measurement against the ACPI power-management timer, else 10 ms of Stall().
// main() calls timeMark("phase") where each phase ends; timeReport() logs them as one line
// just before the jump to the kernel:
//   [loader] time: console 1234 us, cpu 56 us, ..., total 23456 us
// (in ticks while the rate is unknown). Marks beyond MAX_MARKS are dropped; the total
// stays right.

import { ACPI_20_TABLE_GUID, ACPI_10_TABLE_GUID } from "../common/uefi";
import { type AcpiInfo, acpiScan } from "../common/acpi";
import { type BootInfo, BootFlag } from "../common/bootinfo";
import { efiFindConfigTable, efiStall } from "./efi";
import { logBegin, logStr, logDec, logEnd } from "./log";
import { archTimestamp, archTimestampHz, archTimestampHzSource, archTimestampHzFromPmTimer } from "./arch/index";

const MAX_MARKS: u32 = 16;
/** The fallback: the counter measured against the firmware's Stall() for this long. */
const STALL_CALIBRATE_US: u64 = 10_000;

let startTicks: u64 = 0;
let marks: u32 = 0;
let markTicks: Arr<u64, 16>;
let markNames: Arr<cstr, 16>;
let ticksPerSecond: u64 = 0;

/** Starts the clock at loader entry; returns the entry time stamp. */
export function timeStart(): u64 {
  startTicks = archTimestamp();
  marks = 0;
  return startTicks;
}

/** The ACPI power-management timer, if the firmware's ACPI tables describe one. */
function pmTimer(info: Ptr<AcpiInfo>): bool {
  let rsdp: Ptr<void> = efiFindConfigTable(addressOf(ACPI_20_TABLE_GUID));
  if (rsdp == null) rsdp = efiFindConfigTable(addressOf(ACPI_10_TABLE_GUID));
  if (rsdp == null) return false;
  // Under boot services every table is identity-mapped.
  return acpiScan(addr(rsdp), 0, 0xFFFF_FFFF_FFFF_FFFF, info) && info.pmTimerPort != 0;
}

/** Finds the counter's rate, logs it with its source and puts it in the boot info. */
export function timeCalibrate(bi: Ptr<BootInfo>): void {
  let source: cstr = archTimestampHzSource();
  let hz: u64 = archTimestampHz();
  let acpi: AcpiInfo = zeroed<AcpiInfo>();
  if (hz == 0 && pmTimer(addressOf(acpi))) {
    hz = archTimestampHzFromPmTimer(acpi.pmTimerPort, acpi.pmTimerBits);
    source = "measured against the ACPI PM timer";
  }
  if (hz == 0) {
    let t0: u64 = archTimestamp();
    if (!efiStall(STALL_CALIBRATE_US)) return;
    hz = (archTimestamp() - t0) * (1_000_000 / STALL_CALIBRATE_US);
    source = "measured against Stall";
  }
  if (hz == 0) return;
  ticksPerSecond = hz;
  bi.tscFrequency = hz;
  bi.flags |= BootFlag.HasTscFreq;
  logBegin("timestamp counter: ");
  logDec(hz / 1000);
  logStr(" kHz (");
  logStr(source);
  logStr(")");
  logEnd();
}

/** Ends phase `name` now. */
export function timeMark(name: cstr): void {
  if (marks >= MAX_MARKS) return;
  markTicks[marks] = archTimestamp();
  markNames[marks] = name;
  marks++;
}

function logTicks(ticks: u64): void {
  if (ticksPerSecond < 1_000_000) {
    logDec(ticks);
    logStr(" ticks");
  } else {
    logDec(ticks / (ticksPerSecond / 1_000_000));
    logStr(" us");
  }
}

/** Logs every phase and the total from entry to now. */
export function timeReport(): void {
  let now: u64 = archTimestamp();
  logBegin("time:");
  let prev: u64 = startTicks;
  for (let i: u32 = 0; i < marks; i++) {
    logStr(" ");
    logStr(markNames[i]);
    logStr(" ");
    logTicks(markTicks[i] - prev);
    logStr(",");
    prev = markTicks[i];
  }
  logStr(" total ");
  logTicks(now - startTicks);
  logEnd();
}
