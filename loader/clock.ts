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

import { type AcpiInfo } from "../common/acpi";
import { efiAcpiScan, efiStall } from "./efi";
import { log, logText } from "./log";
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

/**
 * The loader was unpacked by the boot file's stub (loader/unpack/main.ts), which read the
 * counter at its own entry (`stubEntry`) and after decoding (`decoded`): the clock then
 * starts at the stub's entry, and the first two phases are `unpack` (decoding) and `load`
 * (LoadImage and StartImage, up to this loader's entry). Ignored unless called before any
 * mark with time stamps in that order.
 */
export function clockStartedByStub(stubEntry: u64, decoded: u64): void {
  if (marks != 0 || stubEntry > decoded || decoded > entry) return;
  markTicks[0] = decoded;
  markNames[0] = "unpack";
  markTicks[1] = entry;
  markNames[1] = "load";
  marks = 2;
  entry = stubEntry;
}

/** Finds the counter's rate and logs it with its source. */
export function clockCalibrate(): void {
  let source: cstr = archTimestampHzSource();
  let rate: u64 = archTimestampHz();
  // The ACPI power-management timer, where the firmware's ACPI tables describe one.
  const acpi = rate == 0 ? efiAcpiScan() : zeroed<AcpiInfo>();
  if (acpi.pmTimerPort != 0) {
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

/** Ends phase `name` now. */
export function clockMark(name: cstr): void {
  if (marks >= MAX_MARKS) return;
  markTicks[marks] = archTimestamp();
  markNames[marks] = name;
  marks++;
}

/** Logs every phase and the total from entry to now: in microseconds, or in ticks while
 *  the rate is unknown (or below 1 MHz). */
export function clockReport(): void {
  let now: u64 = archTimestamp();
  let perUnit: u64 = hz < 1_000_000 ? 1 : hz / 1_000_000;
  let unit: cstr = hz < 1_000_000 ? "ticks" : "us";
  logText(`[loader] time:`);
  let prev: u64 = entry;
  for (let i: u32 = 0; i < marks; i++) {
    logText(` ${markNames[i]} ${(markTicks[i] - prev) / perUnit} ${unit},`);
    prev = markTicks[i];
  }
  logText(` total ${(now - entry) / perUnit} ${unit}\n`);
}
