// elfcheck: runs the loader's ELF validator (common/elf.ts) on a file, as a Linux program.
//
//   elfcheck <file> [machine]      machine: x86_64 (default) or aarch64
//
// Prints `elfcheck: OK entry=0x... segments=N span=0x...-0x...` and exits 0 for a valid
// kernel, or `elfcheck: error: <message> (check N[, program header I], <field> = 0x...)`
// and exits 1; usage and I/O problems exit 2. Arguments and the file come through
// tests/subset/lib/linux.ts.

import { type ElfImage, type ElfLimits, ElfStatus, elfValidate, elfStatusMessage, elfFieldName, EM_X86_64, EM_AARCH64 } from "../../../common/elf";
import { KERNEL_LINK_BASE } from "../../../common/bootinfo";
import { args, arg, streq, readFile, READ_TOO_BIG } from "../lib/linux";

const MAX_FILE = 4 * 1024 * 1024;
let fileBuf: Arr<u8, 4194304>;

function usage(): void {
  println("usage: elfcheck <file> [x86_64|aarch64]");
  println("  Validates <file> as a tsboot kernel with the loader's own ELF checks (common/elf.ts).");
}

export function main(): i32 {
  let argc: u32 = args();
  if (argc == 0) {
    println("elfcheck: cannot read /proc/self/cmdline");
    return 2;
  }
  if (argc < 2 || argc > 3) {
    usage();
    return 2;
  }
  let path: Ptr<u8> = arg(1);
  if (streq(path, "--help") || streq(path, "-h")) {
    usage();
    return 0;
  }
  let lim: ElfLimits = zeroed<ElfLimits>();
  lim.machine = EM_X86_64;
  lim.vmin = KERNEL_LINK_BASE;
  lim.maxSpan = 0x4000_0000;
  if (argc == 3) {
    let m: Ptr<u8> = arg(2);
    if (streq(m, "aarch64")) {
      lim.machine = EM_AARCH64;
    } else if (!streq(m, "x86_64")) {
      println("elfcheck: machine must be x86_64 or aarch64");
      return 2;
    }
  }

  let size: i64 = readFile(path, addressOf(fileBuf[0]), MAX_FILE);
  if (size == READ_TOO_BIG) {
    println("elfcheck: file is larger than 4 MiB");
    return 2;
  }
  if (size < 0) {
    println("elfcheck: cannot open or read the file");
    return 2;
  }
  let img: ElfImage = zeroed<ElfImage>();
  let st: ElfStatus = elfValidate(addressOf(fileBuf[0]), u64(size), addressOf(lim), addressOf(img));
  if (st == ElfStatus.Ok) {
    print("elfcheck: OK entry=");
    printHex(img.entry);
    print(" segments=");
    printU(img.loadCount);
    print(" span=");
    printHex(img.vbase);
    print("-");
    printHex(img.vend);
    print("\n");
    return 0;
  }
  print("elfcheck: error: ");
  print(elfStatusMessage(st));
  print(" (check ");
  printU(u64(st));
  if (img.badIndex >= 0) {
    print(", program header ");
    printI(img.badIndex);
  }
  if (img.otherIndex >= 0) {
    print(", overlapping program header ");
    printI(img.otherIndex);
  }
  print(", ");
  print(elfFieldName(img.badField));
  print(" = ");
  printHex(img.badValue);
  println(")");
  return 1;
}
