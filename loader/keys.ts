// Keys from the firmware console, with a timeout. The firmware merges every input it
// drives into ConIn: a USB or PS/2 keyboard, and a serial terminal, whose escape sequences
// (ESC [ A for up, ...) it turns into scan codes. That is how the test harness presses
// keys: it writes to the serial port (qemu/harness.ts).
//
// SimpleTextInputEx on the console-in handle is used where the firmware has it (it sees
// keys the plain protocol drops on some firmware, such as Ctrl combinations); ConIn
// otherwise. Waiting is WaitForEvent on the protocol's key event and a timer, so the CPU
// idles (under QEMU's TCG that leaves the host core free) instead of spinning.

import {
  type EfiSimpleTextInput, type EfiSimpleTextInputEx, type EfiInputKey, type EfiKeyData, type EfiEvent,
  EFI_SUCCESS, SIMPLE_TEXT_INPUT_EX_GUID, SCAN_UP, SCAN_DOWN, SCAN_LEFT, SCAN_RIGHT, SCAN_HOME, SCAN_END,
  SCAN_DELETE, SCAN_ESC, EFI_OPEN_PROTOCOL_GET_PROTOCOL,
} from "../common/uefi";
import { efiSystemTable, efiBootServices, efiCreateTimer, efiSetTimer, efiWaitForEvent, efiImage } from "./efi";

export const enum KeyKind {
  None = 0, Up, Down, Left, Right, Home, End, Delete, Backspace, Enter, Escape, Char,
}

export interface Key extends Struct {
  kind: KeyKind;
  /** The character of a Char key (UTF-16, printable). */
  ch: u16;
}

let ex: Ptr<EfiSimpleTextInputEx> = null;
let plain: Ptr<EfiSimpleTextInput> = null;
let timer: EfiEvent = null;
let events: Arr<EfiEvent, 2>;

/** Finds the console's input protocol; false when there is none (keys then never come). */
export function keysInit(): bool {
  let st = efiSystemTable();
  let iface: Ptr<void> = null;
  // Absence is normal (then ConIn), so no error is logged.
  let s: u64 = efiBootServices().OpenProtocol(st.ConsoleInHandle, addressOf(SIMPLE_TEXT_INPUT_EX_GUID),
    addressOf(iface), efiImage(), null, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
  if (s == EFI_SUCCESS && iface != null) ex = cast<EfiSimpleTextInputEx>(iface);
  else plain = st.ConIn;
  timer = efiCreateTimer();
  return ex != null || plain != null;
}

/** Which protocol keys come from, for the log. */
export function keysSource(): cstr {
  if (ex != null) return "SimpleTextInputEx";
  if (plain != null) return "ConIn";
  return "none";
}

function classify(scan: u16, ch: u16, out: Ptr<Key>): bool {
  out.ch = 0;
  if (scan == SCAN_UP) out.kind = KeyKind.Up;
  else if (scan == SCAN_DOWN) out.kind = KeyKind.Down;
  else if (scan == SCAN_LEFT) out.kind = KeyKind.Left;
  else if (scan == SCAN_RIGHT) out.kind = KeyKind.Right;
  else if (scan == SCAN_HOME) out.kind = KeyKind.Home;
  else if (scan == SCAN_END) out.kind = KeyKind.End;
  else if (scan == SCAN_DELETE) out.kind = KeyKind.Delete;
  else if (scan == SCAN_ESC || ch == 0x1B) out.kind = KeyKind.Escape;
  else if (ch == 0x0D || ch == 0x0A) out.kind = KeyKind.Enter;
  // A terminal's Backspace key sends BS or DEL.
  else if (ch == 0x08 || ch == 0x7F) out.kind = KeyKind.Backspace;
  else if (ch >= 0x20 && !(ch >= 0x80 && ch < 0xA0) && !(ch >= 0xD800 && ch <= 0xDFFF)) {
    out.kind = KeyKind.Char;
    out.ch = ch;
  } else {
    return false; // function keys, Ctrl combinations, ...: not ours
  }
  return true;
}

/** Takes one pending key, if any. */
function poll(out: Ptr<Key>): bool {
  while (true) {
    let scan: u16 = 0;
    let ch: u16 = 0;
    if (ex != null) {
      let kd: EfiKeyData = zeroed<EfiKeyData>();
      if (ex.ReadKeyStrokeEx(ex, addressOf(kd)) != EFI_SUCCESS) return false;
      scan = kd.Key.ScanCode;
      ch = kd.Key.UnicodeChar;
    } else {
      let k: EfiInputKey = zeroed<EfiInputKey>();
      if (plain.ReadKeyStroke(plain, addressOf(k)) != EFI_SUCCESS) return false;
      scan = k.ScanCode;
      ch = k.UnicodeChar;
    }
    if (classify(scan, ch, out)) return true;
  }
}

/**
 * Waits up to `us` microseconds (0: without a limit) for a key the loader understands.
 * Returns false on timeout (or when the console has no input).
 */
export function keysRead(us: u64, out: Ptr<Key>): bool {
  if (ex == null && plain == null) return false;
  if (poll(out)) return true;
  events[0] = ex != null ? ex.WaitForKeyEx : plain.WaitForKey;
  let count: u64 = 1;
  if (us != 0 && timer != null) {
    if (!efiSetTimer(timer, us)) return false;
    events[1] = timer;
    count = 2;
  }
  while (true) {
    let i: i64 = efiWaitForEvent(addressOf(events[0]), count);
    if (i != 0) return false; // the timer fired, or waiting failed
    if (poll(out)) return true;
    // A key event without a key the loader understands: keep waiting for the rest of the
    // time (the timer keeps running).
  }
}
