// Does the firmware's console (ConOut) already reach a serial port? The loader writes every
// line to ConOut (the screen) and to its own UART; when ConOut also ends up on a UART, the
// loader's direct copy is skipped until ExitBootServices so that serial shows each line once
// (docs/console.md, "One line, once, everywhere"). The answer comes only from what the
// firmware describes, never from its vendor string; the first description that names a
// UART (a Messaging/UART device-path node, type 3 subtype 14) decides:
//   1. the ConOut variable, the device paths of the consoles the boot manager connected
//      (EDK2: OVMF, AAVMF, PCs with console redirection);
//   2. a device that produces EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL on a UART (a serial
//      terminal: EDK2 joins every such terminal into ConOut);
//   3. a device whose path continues the ConsoleOutHandle's own path down to a UART: the
//      firmware describes the console as having a serial child (U-Boot installs its
//      console on its root node and the UART as "root/Uart(...)").
// Without any of these the loader writes serial itself. What is not handled: a console on a
// UART other than the one the loader drives (COM2 while the loader writes COM1).

import {
  type EfiGuid, type EfiHandle, EFI_SUCCESS, EFI_LOCATE_BY_PROTOCOL, efiIsError,
  GLOBAL_VARIABLE_GUID, DEVICE_PATH_GUID, SIMPLE_TEXT_OUTPUT_GUID,
} from "../common/uefi";
import { efiSystemTable, efiBootServices } from "./efi";
import { nameAt } from "../common/names";

export const enum SerialConsole {
  /** No description names a UART: the loader writes serial itself. */
  None = 0,
  ConOutVariable = 1,
  TextOutputOnUart = 2,
  ConsoleChildUart = 3,
}

/** Device paths longer than this are not walked (a console path is a few dozen bytes). */
const PATH_MAX: u64 = 1024;

let conOutVar: Arr<u8, 1024>;

function nodeLength(p: Ptr<u8>, off: u64): u64 {
  return u64(p[off + 2]) | (u64(p[off + 3]) << 8);
}

/**
 * Bytes of the device path at `p` before its end node (type 0x7F), or PATH_MAX + 1 when it
 * is malformed (a node shorter than its header) or longer than PATH_MAX. A ConOut variable
 * holds several instances separated by end-of-instance nodes (0x7F/0x01): all count.
 */
function pathBytes(p: Ptr<u8>, limit: u64): u64 {
  let off: u64 = 0;
  while (off + 4 <= limit) {
    let len: u64 = nodeLength(p, off);
    if (p[off] == 0x7F && p[off + 1] == 0xFF) return off;
    if (len < 4) return PATH_MAX + 1;
    off += len;
  }
  return PATH_MAX + 1;
}

/** A Messaging/UART node among the nodes in [from, to) of the path at `p`. */
function hasUart(p: Ptr<u8>, from: u64, to: u64): bool {
  let off: u64 = from;
  while (off + 4 <= to) {
    if (p[off] == 3 && p[off + 1] == 14) return true;
    let len: u64 = nodeLength(p, off);
    if (len < 4) return false;
    off += len;
  }
  return false;
}

/** The device path on `h`, or null. */
function devicePathOf(h: EfiHandle): Ptr<u8> {
  let dp: Ptr<void> = null;
  if (h == null || efiBootServices().HandleProtocol(h, addressOf(DEVICE_PATH_GUID), addressOf(dp)) != EFI_SUCCESS) return null;
  return cast<u8>(dp);
}

function conOutVariableHasUart(): bool {
  let size: u64 = conOutVar.length;
  let st: u64 = efiSystemTable().RuntimeServices.GetVariable("ConOut", addressOf(GLOBAL_VARIABLE_GUID), null, addressOf(size), addressOf(conOutVar));
  if (efiIsError(st)) return false; // no variable, or a path too long to be a plain console list
  return hasUart(addressOf(conOutVar[0]), 0, size);
}

/**
 * Whether a handle carrying `protocol` has a device path with a UART node that comes after
 * the first `prefixLen` bytes, which must equal `prefix` (prefixLen 0: any path).
 */
function handlesReachUart(protocol: Ptr<EfiGuid>, prefix: Ptr<u8>, prefixLen: u64): bool {
  let count: u64 = 0;
  let handles: Ptr<EfiHandle> = null;
  let bs = efiBootServices();
  if (bs.LocateHandleBuffer(EFI_LOCATE_BY_PROTOCOL, protocol, null, addressOf(count), addressOf(handles)) != EFI_SUCCESS) return false;
  let found: bool = false;
  for (let i: u64 = 0; i < count && !found; i++) {
    let dp: Ptr<u8> = devicePathOf(handles[i]);
    if (dp == null) continue;
    let n: u64 = pathBytes(dp, PATH_MAX);
    if (n > PATH_MAX || n <= prefixLen) continue;
    if (prefixLen != 0 && memcmp(dp, prefix, prefixLen) != 0) continue;
    found = hasUart(dp, prefixLen, n);
  }
  bs.FreePool(cast<void>(handles));
  return found;
}

/** Which firmware description says that ConOut reaches a UART (SerialConsole.None: none does). */
export function serialConsole(): SerialConsole {
  if (conOutVariableHasUart()) return SerialConsole.ConOutVariable;
  if (handlesReachUart(addressOf(SIMPLE_TEXT_OUTPUT_GUID), null, 0)) return SerialConsole.TextOutputOnUart;
  let console: Ptr<u8> = devicePathOf(efiSystemTable().ConsoleOutHandle);
  if (console != null) {
    let n: u64 = pathBytes(console, PATH_MAX);
    if (n > 0 && n <= PATH_MAX && handlesReachUart(addressOf(DEVICE_PATH_GUID), console, n)) return SerialConsole.ConsoleChildUart;
  }
  return SerialConsole.None;
}

const CONSOLE_NAMES: cstr = "\
no console device is a UART\0\
the ConOut variable names a UART\0\
a text output device sits on a UART\0\
the console device has a UART below it\0\
";

/** For the log line (by SerialConsole, common/names.ts). */
export function serialConsoleName(c: SerialConsole): cstr {
  return nameAt(CONSOLE_NAMES, u64(c), "?");
}
