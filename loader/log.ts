// Loader logging: every byte goes to the serial port (polled, no firmware involved) and,
// while boot services are up, to the firmware console (ConOut) a line at a time.
// logSerialOnly() removes the ConOut path: after ExitBootServices (and from the first
// ExitBootServices attempt on) no firmware service may be called.
//
// Lines start with "[loader] " (log) so the test harness can match them. A line is one call
// with a template literal: `log(\`kernel at ${hex(base)}\`)` (docs/language.md, "Formatted
// output"); a line built around a loop is logText calls that write "[loader] " and the
// newline themselves.

import { type EfiSimpleTextOutput, EFI_SUCCESS } from "../common/uefi";
import { archSerialPutc } from "./arch/index";

let conOut: Ptr<EfiSimpleTextOutput> = null;
let conOutEnabled: bool = false;
let conOutFailed: bool = false;
let lineBuf: Arr<u16, 200>;
let lineLen: u32 = 0;

/**
 * verbose=no in boot.cfg: the lines kept off ConOut (logSerial, the listings) are the
 * detail lines, and they are left out of serial too. Each serial byte costs boot time:
 * 87 us on a 16550 at 115200 baud, about 2 us under QEMU.
 */
let detailsOff: bool = false;

/** The firmware copies ConOut to a serial port itself (see efiConsoleHasSerial). */
let conOutOnSerial: bool = false;

export function logInit(out: Ptr<EfiSimpleTextOutput>): void {
  conOut = out;
  conOutEnabled = out != null;
  lineLen = 0;
}

/**
 * Called when the firmware already mirrors ConOut to a serial port: while a line goes to
 * ConOut, the loader's own serial write is skipped so the serial log has each line once.
 * Lines kept off ConOut (logQuietConOut) and everything after logSerialOnly() still go to
 * the serial port directly.
 */
export function logConOutReachesSerial(yes: bool): void {
  conOutOnSerial = yes;
}

function serialPutc(c: u8): void {
  if (conOutOnSerial && conOutEnabled && !conOutQuiet) return;
  archSerialPutc(c);
}

/**
 * Temporarily (quiet = true) keep lines off ConOut, for long listings such as the memory
 * map: drawing ~130 lines on the GOP console costs over a second under QEMU, and the
 * serial log is where they are read. Has no effect after logSerialOnly().
 */
let conOutQuiet: bool = false;
export function logQuietConOut(quiet: bool): void {
  if (quiet) logFlushConOut();
  conOutQuiet = quiet;
}

/** A whole line on serial only: a listing line, too costly to draw on the screen. @noinline */
export function logSerial(msg: Fmt): void {
  logQuietConOut(true);
  log(msg);
  logQuietConOut(false);
}

/** Whether the detail lines (those kept off ConOut) are written at all: boot.cfg's verbose=. */
export function logDetails(on: bool): void {
  detailsOff = !on;
}

/** From now on the log goes to serial only. */
export function logSerialOnly(): void {
  logFlushConOut();
  conOutEnabled = false;
}

/**
 * Shows a partial line now (serial already has it; ConOut otherwise waits for the newline):
 * for output that grows in place, the menu's countdown and the command-line editor.
 */
export function logFlush(): void {
  logFlushConOut();
}

function logFlushConOut(): void {
  if (!conOutEnabled || lineLen == 0) {
    lineLen = 0;
    return;
  }
  lineBuf[lineLen] = 0;
  let n: u32 = lineLen;
  let st: u64 = conOut.OutputString(conOut, addressOf(lineBuf[0]));
  lineLen = 0;
  if (st != EFI_SUCCESS && !conOutFailed) {
    // Report once, on serial only, and stop using the console. (OVMF's serial terminal
    // fails a write that waits over a second for the UART, which a loaded QEMU host can
    // cause.) When the firmware was the serial log's source, the failed text may have
    // been cut short there: send it again, whole, so that no line of the log is lost.
    conOutFailed = true;
    conOutEnabled = false;
    fmtWrite(`\r\n[loader] warning: ConOut.OutputString failed (status ${hex(st, 16)}); logging to serial only\r\n`,
      archSerialPutc);
    if (conOutOnSerial) {
      for (let i: u32 = 0; i < n; i++) archSerialPutc(lineBuf[i] < 0x80 ? u8(lineBuf[i]) : 0x3F);
    }
  }
}

/** @noinline: inlined into the unrolled digit loops and every logStr, it made the aarch64
 *  loader 90 KB instead of 52 KB (x86_64 is unaffected). */
export function logPutc(c: u8): void {
  if (conOutQuiet && detailsOff) return;
  if (c == 0x0A) {
    serialPutc(0x0D);
    serialPutc(0x0A);
    if (conOutEnabled && !conOutQuiet) {
      if (lineLen + 3 > lineBuf.length) logFlushConOut();
      lineBuf[lineLen] = 0x0D;
      lineBuf[lineLen + 1] = 0x0A;
      lineLen += 2;
      logFlushConOut();
    }
    return;
  }
  serialPutc(c);
  if (conOutEnabled && !conOutQuiet) {
    if (lineLen + 3 > lineBuf.length) logFlushConOut();
    lineBuf[lineLen] = u16(c);
    lineLen++;
  }
}

/**
 * A whole log line: "[loader] ", the message, a newline. Callers pass template literals:
 * `log(\`kernel at ${hex(base)}\`)`.
 * @noinline
 */
export function log(msg: Fmt): void {
  fmtWrite(`[loader] ${msg}\n`, logPutc);
}

/**
 * A line that reaches the screen and serial even in the middle of a serial-only listing,
 * whatever verbose= says: errors and warnings.
 */
function logAlways(line: Fmt): void {
  let quiet: bool = conOutQuiet;
  conOutQuiet = false;
  fmtWrite(line, logPutc);
  conOutQuiet = quiet;
}

/** A line "[loader] error: <msg>": what stops a boot or a step of it. @noinline */
export function logError(msg: Fmt): void {
  logAlways(`[loader] error: ${msg}\n`);
}

/** A line "[loader] warning: <msg>": what the loader works around. @noinline */
export function logWarning(msg: Fmt): void {
  logAlways(`[loader] warning: ${msg}\n`);
}

/** Log text as it is: no prefix, no newline (for lines built in parts). @noinline */
export function logText(msg: Fmt): void {
  fmtWrite(msg, logPutc);
}
