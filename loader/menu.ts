// The boot menu, on the firmware console (screen) and serial alike: it is printed as log
// lines, so the serial log is a faithful record and the test harness can read it
// (qemu/harness.ts parses exactly these lines; keep them in step).
//
//   [loader] menu: 3 entries, default 'tsboot'
//   [loader] > 1 tsboot [tsboot] \tsboot\kernel-x86_64.elf
//   [loader]   2 linux [linux] \linux\vmlinuz-x86_64
//   [loader]   3 old [broken] 14:1: entry 'old' has no path= line
//   [loader] menu: up/down or 1-9 choose, Enter boots, e edits the command line
//   [loader] booting 'tsboot' in 5 4 3 2 1
//
// Which entries can be booted: an entry with an error in boot.cfg is broken and never is;
// an entry whose boot failed before the hand-over (file missing, bad kernel, sha256
// mismatch, ...) or whose EFI application returned is not started again. When none is left
// menuChoose returns -1 and the loader returns an error to the firmware: nothing ever
// falls back to a kernel boot.cfg does not name, and nothing waits forever unless a person
// pressed a key.
//
// When the menu shows: with more than one entry for this architecture and a timeout above
// 0, or whenever something is wrong (errors in boot.cfg, a failed boot, a broken default),
// so the messages can be read: then it waits at least PROBLEM_TIMEOUT_S. With nothing
// wrong, a single entry or timeout=0 boots at once. Any key stops the countdown.

import {
  type BootCfg, type CfgEntry, CfgProtocol, cfgEntryVisible, cfgProtocolName, cfgName, cfgPathText, cfgCmdline,
} from "../common/cfg";
import { cfgFormatWhere, cfgFormatMessage } from "../common/cfg-messages";
import { efiStatusName, efiClearScreen, efiStall } from "./efi";
import { logPutc, logFlush, log, logSerial, logText, logError } from "./log";
import { type Key, KeyKind, keysRead, keysSource } from "./keys";
import { editCmdline } from "./editor";

/** The countdown without timeout= in boot.cfg. */
const DEFAULT_TIMEOUT_S: u32 = 5;
/** The shortest countdown when something went wrong, so the messages can be read. */
const PROBLEM_TIMEOUT_S: u32 = 5;

const enum State { Bootable = 0, Hidden, Broken, Failed, Returned }

let cfg: Ptr<BootCfg> = null;
let state: Arr<u32, 16>;
/** The status a failed or returned entry ended with. */
let status: Arr<u64, 16>;
let failures: u32 = 0;
let keysOk: bool = false;

/** Takes the parsed boot.cfg; `haveKeys`: whether the console has an input protocol. */
export function menuInit(c: Ptr<BootCfg>, haveKeys: bool): void {
  cfg = c;
  keysOk = haveKeys;
  for (let i: u32 = 0; i < c.entryCount; i++) {
    let e: Ptr<CfgEntry> = addressOf(c.entries[i]);
    if (!cfgEntryVisible(e, c.arch)) state[i] = State.Hidden;
    else if (e.errorCount != 0) state[i] = State.Broken;
    else state[i] = State.Bootable;
  }
  logSerial(`keys: ${keysSource()}`);
}

/** Records how booting entry i ended (it returned to the loader): it is not started again. */
export function menuEntryEnded(i: i32, s: u64, returned: bool): void {
  state[i] = returned ? State.Returned : State.Failed;
  status[i] = s;
  failures++;
}

function bootable(i: i32): bool { return i >= 0 && state[i] == State.Bootable; }

function visible(i: i32): bool { return i >= 0 && i < i32(cfg.entryCount) && state[i] != State.Hidden; }

/** Entry i's name, for messages. */
function nameOf(i: i32): cstr { return cfgName(addressOf(cfg.entries[i])); }

/** The first stored error of entry i, or -1. */
function firstError(i: i32): i32 {
  for (let k: u32 = 0; k < cfg.storedErrors; k++) {
    if (cfg.errors[k].entry == i) return i32(k);
  }
  return -1;
}

function logEntryLine(i: i32, number: u32, selected: bool): void {
  let e: Ptr<CfgEntry> = addressOf(cfg.entries[i]);
  logText(`[loader] ${selected ? "> " : "  "}${u64(number)} ${cfgName(e)}`);
  let s: u32 = state[i];
  if (s == State.Broken) {
    logText(` [broken] `);
    let k: i32 = firstError(i);
    if (k >= 0) {
      cfgFormatWhere(cfg, u32(k), logPutc);
      logText(`: `);
      cfgFormatMessage(cfg, u32(k), logPutc);
    } else {
      logText(`(see the boot.cfg errors above)`);
    }
    logText(`\n`);
  } else {
    let ended: bool = s == State.Failed || s == State.Returned;
    logText(` [${s == State.Failed ? "failed: " : s == State.Returned ? "returned: " : ""}` +
      `${ended ? efiStatusName(status[i]) : cfgProtocolName(e.protocol)}] ${cfgPathText(addressOf(e.path))}\n`);
  }
}

function draw(sel: i32): void {
  let n: u32 = 0;
  for (let i: i32 = 0; i < i32(cfg.entryCount); i++) if (visible(i)) n++;
  if (cfg.defaultIndex >= 0) log(`menu: ${u64(n)} entries, default '${nameOf(cfg.defaultIndex)}'`);
  else log(`menu: ${u64(n)} entries`);
  let number: u32 = 0;
  for (let i: i32 = 0; i < i32(cfg.entryCount); i++) {
    if (!visible(i)) continue;
    number++;
    logEntryLine(i, number, i == sel);
  }
  log("menu: up/down or 1-9 choose, Enter boots, e edits the command line");
}

/** The visible entry after (dir 1) or before (dir -1) i, or i at the end. */
function step(i: i32, dir: i32): i32 {
  let j: i32 = i + dir;
  while (j >= 0 && j < i32(cfg.entryCount)) {
    if (visible(j)) return j;
    j += dir;
  }
  return i;
}

/** The n-th (1-based) visible entry, or -1. */
function nth(n: u32): i32 {
  let number: u32 = 0;
  for (let i: i32 = 0; i < i32(cfg.entryCount); i++) {
    if (!visible(i)) continue;
    number++;
    if (number == n) return i;
  }
  return -1;
}

/** Explains why entry i cannot be booted (Enter on it). */
function refuse(i: i32): void {
  const why: cstr = state[i] == State.Broken ? "has errors in boot.cfg and cannot be booted" : "was already started";
  log(`entry '${nameOf(i)}' ${why}; choose another`);
}

/** Waits one second for a key; without console input, just waits. */
function waitSecond(k: Ptr<Key>): bool {
  if (keysOk) return keysRead(1_000_000, k);
  efiStall(1_000_000);
  return false;
}

/**
 * Chooses the entry to boot: at once, after the countdown, or as a person picks it.
 * Returns its index, or -1 when no entry can be booted.
 * @noinline
 */
export function menuChoose(): i32 {
  let visibleCount: u32 = 0;
  let bootableCount: u32 = 0;
  let sel: i32 = -1;
  for (let i: i32 = 0; i < i32(cfg.entryCount); i++) {
    if (visible(i)) visibleCount++;
    if (bootable(i)) {
      bootableCount++;
      if (sel < 0) sel = i;
    }
  }
  if (bootableCount == 0) return -1;
  let problems: bool = cfg.errorCount != 0 || failures != 0;
  if (bootable(cfg.defaultIndex)) {
    sel = cfg.defaultIndex;
  } else if (cfg.defaultIndex >= 0 && failures == 0) {
    problems = true;
    log(`the default entry '${nameOf(cfg.defaultIndex)}' cannot be booted; '${nameOf(sel)}' is selected instead`);
  }
  let timeout: u32 = cfg.hasTimeout ? cfg.timeout : DEFAULT_TIMEOUT_S;
  if (!problems && (visibleCount == 1 || timeout == 0)) return sel;
  if (problems && timeout < PROBLEM_TIMEOUT_S) timeout = PROBLEM_TIMEOUT_S;

  draw(sel);
  let k: Key = zeroed<Key>();
  let pressed: bool = false;
  logText(`[loader] booting '${nameOf(sel)}' in`);
  for (let left: u32 = timeout; left > 0; left--) {
    logText(` ${u64(left)}`);
    logFlush();
    if (waitSecond(addressOf(k))) {
      pressed = true;
      break;
    }
  }
  if (!pressed) {
    logText(`\n`);
    return sel;
  }
  logText(`: stopped\n`);

  // A person is at the keyboard: wait for them, as long as they like.
  while (true) {
    let moved: bool = false;
    if (k.kind == KeyKind.Up) {
      moved = step(sel, -1) != sel;
      sel = step(sel, -1);
    } else if (k.kind == KeyKind.Down) {
      moved = step(sel, 1) != sel;
      sel = step(sel, 1);
    } else if (k.kind == KeyKind.Char && k.ch >= 0x31 && k.ch <= 0x39) {
      let j: i32 = nth(u32(k.ch - 0x30));
      if (j >= 0 && j != sel) {
        sel = j;
        moved = true;
      }
    } else if (k.kind == KeyKind.Enter) {
      if (bootable(sel)) return sel;
      refuse(sel);
    } else if (k.kind == KeyKind.Char && (k.ch == 0x65 || k.ch == 0x45)) { // e, E
      if (!bootable(sel)) {
        refuse(sel);
      } else if (editCmdline(addressOf(cfg.entries[sel]))) {
        return sel;
      } else {
        moved = true; // redraw after the editor
      }
    }
    if (moved) {
      efiClearScreen();
      draw(sel);
    }
    if (!keysRead(0, addressOf(k))) {
      // No console input after all (or waiting failed): boot what is selected if we can.
      if (bootable(sel)) return sel;
      return -1;
    }
  }
}

/** Logs the entry about to boot: name, protocol, file and command line. */
export function menuLogBooting(i: i32): void {
  let e: Ptr<CfgEntry> = addressOf(cfg.entries[i]);
  log(`booting entry '${cfgName(e)}' (${cfgProtocolName(e.protocol)}, ${cfgPathText(addressOf(e.path))})`);
  if (e.cmdlineLength != 0 || e.protocol != CfgProtocol.Tsboot) log(`cmdline: ${cfgCmdline(e)}`);
}

/** Logs why the loader gives up: no entry left that can be booted. */
export function menuLogNothingLeft(): void {
  let broken: u32 = 0;
  let ended: u32 = 0;
  let n: u32 = 0;
  for (let i: i32 = 0; i < i32(cfg.entryCount); i++) {
    if (!visible(i)) continue;
    n++;
    if (state[i] == State.Broken) broken++;
    else ended++;
  }
  if (n == 0) {
    logError("boot.cfg has no entry for this machine (each has an arch= for another one)");
    return;
  }
  logError(`no entry of boot.cfg can be booted (${u64(n)}` +
    `${n == 1 ? " entry for this machine: " : " entries for this machine: "}${u64(broken)} with errors, ` +
    `${u64(ended)} failed or returned)`);
}
