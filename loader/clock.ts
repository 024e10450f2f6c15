// The loader's clock: the time stamp counter (x86_64: TSC; aarch64: CNTVCT_EL0) read at
// entry, its rate, and the time of each phase, so that the log says how long the loader
// took before it handed over (BootInfo.tscAtEntry for a tsboot kernel, a log line before
// StartImage).
//
// clockCalibrate() finds the counter's rate without waiting on the firmware where it can:
// the rate the CPU states (CNTFRQ_EL0; CPUID 0x15/0x16), else a 2 ms measurement against
// the ACPI power-management timer, else 10 ms of Stall(). clockMark("phase") ends each
// phase; clockReport() logs them on one line just before the jump to a tsboot kernel:
//   [loader] time: console <n> us, cpu <n> us, ..., total <n> us
// (in ticks while the rate is unknown). Marks beyond MAX_MARKS are dropped; the total
// stays right.

import { ACPI_20_TABLE_GUID, ACPI_10_TABLE_GUID } from "../common/uefi";
import { type AcpiInfo, acpiScan, acpiView } from "../common/acpi";
import { efiFindConfigTable, efiStall } from "./efi";
import { logBegin, logStr, logEnd, log, logText } from "./log";
import { archTimestamp, archTimestampHz, archTimestampHzSource, archTimestampHzFromPmTimer } from "./arch/index";

/** The fallback: the counter measured against the firmware's Stall() for this long. */
const STALL_CALIBRATE_US: u64 = 10_000;
const MAX_MARKS: u32 = 16;

let entry: u64 = 0;
let hz: u64 = 0;
let marks: u32 = 0;
let markTicks: Arr<u64, 16>;
let markNames: Arr<cstr, 16>;

/** Records the loader's entry time stamp (first thing in main). */
export function clockStart(tsc: u64): void {
  entry = tsc;
  marks = 0;
}

/** The ACPI power-management timer, if the firmware's ACPI tables describe one. */
function pmTimer(info: Ptr<AcpiInfo>): bool {
  let rsdp: Ptr<void> = efiFindConfigTable(addressOf(ACPI_20_TABLE_GUID));
  if (rsdp == null) rsdp = efiFindConfigTable(addressOf(ACPI_10_TABLE_GUID));
  if (rsdp == null) return false;
  // Under boot services every table is identity-mapped.
  let view = acpiView(0, 0xFFFF_FFFF_FFFF_FFFF);
  info[0] = acpiScan(addressOf(view), addr(rsdp));
  return info.rootFound && info.pmTimerPort != 0;
}

/** Finds the counter's rate and logs it with its source. */
export function clockCalibrate(): void {
  let source: cstr = archTimestampHzSource();
  let rate: u64 = archTimestampHz();
  let acpi: AcpiInfo = zeroed<AcpiInfo>();
  if (rate == 0 && pmTimer(addressOf(acpi))) {
    rate = archTimestampHzFromPmTimer(acpi.pmTimerPort, acpi.pmTimerBits);
    source = "measured against the ACPI PM timer";
  }
  if (rate == 0) {
    let t0: u64 = archTimestamp();
    if (!efiStall(STALL_CALIBRATE_US)) return;
    rate = (archTimestamp() - t0) * (1_000_000 / STALL_CALIBRATE_US);
    source = "measured against Stall";
  }
  hz = rate;
  log(`timestamp counter: ${hz / 1000} kHz (${source})`);
}

/** Ticks per second, 0 when unknown. */
export function clockHz(): u64 { return hz; }

/** The time stamp at loader entry. */
export function clockEntry(): u64 { return entry; }

/** Microseconds from loader entry to now (0 when the frequency is unknown). */
export function clockUsSinceEntry(): u64 {
  if (hz == 0) return 0;
  let ticks: u64 = archTimestamp() - entry;
  // ticks * 1e6 overflows after ~5 hours at 1 GHz; divide first when it is that large.
  if (ticks < 0x10_0000_0000) return ticks * 1_000_000 / hz;
  return ticks / hz * 1_000_000;
}

/** "N ms after loader entry" appended to the current log line (nothing when unknown). */
export function clockLogSinceEntry(): void {
  if (hz == 0) return;
  logText(`, ${clockUsSinceEntry() / 1000} ms after loader entry`);
}

/** Ends phase `name` now. */
export function clockMark(name: cstr): void {
  if (marks >= MAX_MARKS) return;
  markTicks[marks] = archTimestamp();
  markNames[marks] = name;
  marks++;
}

function logTicks(ticks: u64): void {
  if (hz < 1_000_000) {
    logText(`${ticks} ticks`);
  } else {
    logText(`${ticks / (hz / 1_000_000)} us`);
  }
}

/** Logs every phase and the total from entry to now. */
export function clockReport(): void {
  let now: u64 = archTimestamp();
  logBegin("time:");
  let prev: u64 = entry;
  for (let i: u32 = 0; i < marks; i++) {
    logText(` ${markNames[i]} `);
    logTicks(markTicks[i] - prev);
    logStr(",");
    prev = markTicks[i];
  }
  logStr(" total ");
  logTicks(now - entry);
  logEnd();
}
