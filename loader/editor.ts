// The command-line editor behind the menu's `e` key (as in systemd-boot): one line,
// edited in place on the screen and the serial terminal alike by redrawing it after a
// carriage return. Left/Right/Home/End move, Backspace/Delete delete, printable keys
// insert, Enter accepts (the entry then boots with the new command line), Esc cancels.
// The edit lives in the loaded boot.cfg only; the file is never written.
//
// Text is edited as UTF-16 (what keys arrive as, and what LoadOptions takes) and stored
// back as UTF-8; the length limit is the entry's in UTF-8 bytes (255 for a tsboot kernel,
// whose BootInfo.cmdline holds 256 bytes, 1023 otherwise). The console shows characters
// outside ASCII as '?'.

import { type CfgEntry, CfgProtocol, CFG_CMDLINE_MAX, CFG_TSBOOT_CMDLINE_MAX } from "../common/cfg";
import { utf8ToUtf16, utf16ToUtf8 } from "../common/utf8";
import { logPutc, logFlush, log, logText } from "./log";
import { type Key, KeyKind, keysRead } from "./keys";

/** Characters of the line shown at once: longer lines scroll sideways with the cursor. */
const WINDOW: u32 = 64;

let text: Arr<u16, 1024>;
let len: u32 = 0;
let cursor: u32 = 0;
let from: u32 = 0;
let bytes: u32 = 0;

function utf8Bytes(u: u16): u32 {
  if (u < 0x80) return 1;
  if (u < 0x800) return 2;
  if (u >= 0xD800 && u <= 0xDFFF) return 2; // half of a pair: 4 bytes per pair
  return 3;
}

function isLow(u: u16): bool { return u >= 0xDC00 && u <= 0xDFFF; }

/** Redraws the visible window of the line and leaves the cursor where it is in the text. */
function render(): void {
  if (cursor < from) from = cursor;
  if (cursor > from + WINDOW) from = cursor - WINDOW;
  let end: u32 = from + WINDOW;
  if (end > len) end = len;
  logText(`${chr(0x0D)}> `);
  for (let i: u32 = from; i < end; i++) logPutc(text[i] < 0x80 ? u8(text[i]) : 0x3F);
  for (let i: u32 = end; i < from + WINDOW + 1; i++) logPutc(0x20); // erase what was longer
  logText(`${chr(0x0D)}> `);
  for (let i: u32 = from; i < cursor; i++) logPutc(text[i] < 0x80 ? u8(text[i]) : 0x3F);
  logFlush();
}

function remove(at: u32): void {
  let n: u32 = at + 1 < len && isLow(text[at + 1]) && !isLow(text[at]) ? 2 : 1;
  for (let i: u32 = 0; i < n; i++) bytes -= utf8Bytes(text[at + i]);
  for (let i: u32 = at; i + n < len; i++) text[i] = text[i + n];
  len -= n;
}

/**
 * Edits entry e's command line. Returns true when the person pressed Enter (e.cmdline
 * then holds the new line), false when they cancelled with Esc.
 */
export function editCmdline(e: Ptr<CfgEntry>): bool {
  let max: u32 = e.protocol == CfgProtocol.Tsboot ? CFG_TSBOOT_CMDLINE_MAX : CFG_CMDLINE_MAX;
  let n: i64 = utf8ToUtf16(addressOf(e.cmdline[0]), u64(e.cmdlineLength), addressOf(text[0]), text.length);
  len = n < 0 ? 0 : u32(n);
  bytes = e.cmdlineLength;
  cursor = len;
  from = 0;
  log(`editing the command line (at most ${u64(max)} bytes): Enter boots, Esc cancels`);
  render();
  let k: Key = zeroed<Key>();
  while (keysRead(0, addressOf(k))) {
    if (k.kind == KeyKind.Enter) {
      logText(`\n`);
      let m: i64 = utf16ToUtf8(addressOf(text[0]), u64(len), addressOf(e.cmdline[0]), u64(max) + 1);
      if (m < 0) {
        log("the edited command line is not valid text; kept the old one");
        return false;
      }
      e.cmdlineLength = u32(m);
      return true;
    }
    if (k.kind == KeyKind.Escape) {
      logText(`\n[loader] edit cancelled\n`);
      return false;
    }
    if (k.kind == KeyKind.Char) {
      let b: u32 = utf8Bytes(k.ch);
      if (bytes + b <= max && len + 1 < text.length) {
        for (let i: u32 = len; i > cursor; i--) text[i] = text[i - 1];
        text[cursor] = k.ch;
        len++;
        cursor++;
        bytes += b;
      }
    } else if (k.kind == KeyKind.Backspace) {
      if (cursor > 0) {
        cursor--;
        if (cursor > 0 && isLow(text[cursor]) && !isLow(text[cursor - 1])) cursor--;
        remove(cursor);
      }
    } else if (k.kind == KeyKind.Delete) {
      if (cursor < len) remove(cursor);
    } else if (k.kind == KeyKind.Left) {
      if (cursor > 0) cursor--;
      if (cursor > 0 && isLow(text[cursor])) cursor--;
    } else if (k.kind == KeyKind.Right) {
      if (cursor < len) cursor++;
      if (cursor < len && isLow(text[cursor])) cursor++;
    } else if (k.kind == KeyKind.Home) {
      cursor = 0;
    } else if (k.kind == KeyKind.End) {
      cursor = len;
    }
    render();
  }
  logText(`\n`);
  return false;
}
