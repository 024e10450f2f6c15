// /init of the test initramfs that the loader's `linux` protocol is tested with
// (qemu/linux.ts builds it; docs/boot-protocol.md). Debian's kernel runs it as process 1
// with /dev/console as its stdout. It proves what the loader handed over:
//
//   - the command line: it mounts /proc and prints /proc/cmdline (the harness compares
//     it with the entry's cmdline=, or the one typed in the menu's editor);
//   - the initrd: the loader concatenates two archives (initrd= twice); this program is in
//     the first, and it checks the second's payload against the SHA-256 stored with it
//     (common/sha256.ts, the loader's own hash).
//
// Then it prints `[init] PASS` (or `[init] FAIL: <why>`) and powers the machine off with
// reboot(2), so QEMU exits 0.

import { sha256, SHA256_BYTES } from "../../../common/sha256";
import { readFile, sysMount, sysMkdir, sysPowerOff, sysSync } from "../lib/linux";

/** Where the second initrd archive puts its payload and the payload's hash (hex, one line). */
const PAYLOAD: cstr = "/payload/data.bin";
const PAYLOAD_SHA: cstr = "/payload/data.sha256";

let cmdline: Arr<u8, 4096>;
let payload: Arr<u8, 1048576>;
let expected: Arr<u8, 128>;
let digest: Arr<u8, 32>;

function hexNibble(v: u8): u8 { return v < 10 ? 0x30 + v : 0x57 + v; }

function printDigest(d: Ptr<u8>): void {
  for (let i: u32 = 0; i < SHA256_BYTES; i++) {
    printChar(hexNibble(d[i] >> 4));
    printChar(hexNibble(d[i] & 15));
  }
}

/** Whether the first 64 characters of `hex` spell digest `d` (lower-case hex). */
function sameHex(hex: Ptr<u8>, n: i64, d: Ptr<u8>): bool {
  if (n < 64) return false;
  for (let i: u32 = 0; i < SHA256_BYTES; i++) {
    if (hex[i * 2] != hexNibble(d[i] >> 4) || hex[i * 2 + 1] != hexNibble(d[i] & 15)) return false;
  }
  return true;
}

function finish(ok: bool, why: cstr): i32 {
  if (ok) {
    println("[init] PASS");
  } else {
    print("[init] FAIL: ");
    println(why);
  }
  sysSync();
  let r: i64 = sysPowerOff();
  print("[init] FAIL: reboot(LINUX_REBOOT_CMD_POWER_OFF) returned ");
  printI(r);
  println("");
  return 1;
}

export function main(): i32 {
  print("[init] tsboot test /init (");
  print(target.x86_64 ? "x86_64" : "aarch64");
  println(") started by the kernel");
  sysMkdir("/proc", 0x1ED); // 0755; the archive has it, this is for a hand-made one
  let m: i64 = sysMount("proc", "/proc", "proc");
  if (m != 0) return finish(false, "mount(proc, /proc) failed");
  let n: i64 = readFile(cast<u8>("/proc/cmdline"), addressOf(cmdline[0]), cmdline.length - 1);
  if (n < 0) return finish(false, "cannot read /proc/cmdline");
  while (n > 0 && (cmdline[n - 1] == 0x0A || cmdline[n - 1] == 0x20)) n--;
  cmdline[n] = 0;
  print("[init] cmdline: ");
  for (let i: i64 = 0; i < n; i++) printChar(cmdline[i]);
  println("");

  let size: i64 = readFile(cast<u8>(PAYLOAD), addressOf(payload[0]), payload.length);
  if (size < 0) return finish(false, "no /payload/data.bin: the second initrd archive was not served");
  let h: i64 = readFile(cast<u8>(PAYLOAD_SHA), addressOf(expected[0]), expected.length);
  if (h < 0) return finish(false, "no /payload/data.sha256 in the second initrd archive");
  sha256(addressOf(payload[0]), u64(size), addressOf(digest[0]));
  print("[init] initrd: ");
  print(PAYLOAD);
  print(" ");
  printI(size);
  print(" bytes, sha256 ");
  printDigest(addressOf(digest[0]));
  if (!sameHex(addressOf(expected[0]), h, addressOf(digest[0]))) {
    println(" does not match /payload/data.sha256");
    return finish(false, "initrd payload corrupted");
  }
  println(" matches /payload/data.sha256 (both initrd archives arrived)");
  return finish(true, "");
}
