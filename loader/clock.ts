// The loader's clock: the time stamp counter (x86_64: TSC; aarch64: CNTVCT_EL0) read at
// entry, and its frequency, so that the log can say how long the loader took before it
// handed over (BootInfo.tscAtEntry for a tsboot kernel, a log line before StartImage).

import { efiStall } from "./efi";
import { log, logText } from "./log";
import { archTimestamp, archTimestampHz } from "./arch/index";

/** TSC calibration interval against the firmware's Stall(). */
const CALIBRATE_US: u64 = 10_000;

let entry: u64 = 0;
let hz: u64 = 0;

/** Records the loader's entry time stamp (first thing in main). */
export function clockStart(tsc: u64): void {
  entry = tsc;
}

/** Finds the counter's frequency: stated (aarch64 CNTFRQ_EL0) or measured against Stall. */
export function clockCalibrate(): void {
  let known: u64 = archTimestampHz();
  if (known != 0) {
    hz = known;
    log(`timestamp counter: ${known / 1000} kHz (CNTFRQ_EL0)`);
    return;
  }
  let t0: u64 = archTimestamp();
  if (!efiStall(CALIBRATE_US)) return;
  let t1: u64 = archTimestamp();
  hz = (t1 - t0) * (1_000_000 / CALIBRATE_US);
  log(`timestamp counter: ${hz / 1000} kHz (measured against Stall)`);
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
