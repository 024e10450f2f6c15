// cfgcheck: runs the loader's boot.cfg parser (common/cfg.ts) on a file, as a Linux program.
//
//   cfgcheck <file> [x86_64|aarch64]      the loader whose view to print (default x86_64)
//
// Prints every error as `boot.cfg:LINE:COL: error: <message>` (common/cfg-messages.ts, as
// the loader does), then what the loader would see: one `entry` line per entry (`ok`, `broken` or
// `other-arch`), `timeout`, `paging`, `verbose` and `default`. Exits 0 without errors, 1 with errors, 2 on
// usage or I/O problems.

import { type BootCfg, type CfgEntry, type CfgPath, CfgArch, cfgParse, cfgProtocolName, cfgEntryVisible } from "../../../common/cfg";
import { cfgFormatWhere, cfgFormatMessage } from "../../../common/cfg-messages";
import { args, arg, streq, readFile } from "../lib/linux";

let fileBuf: Arr<u8, 1048576>;
let cfg: BootCfg;

function usage(): void {
  println("usage: cfgcheck <file> [x86_64|aarch64]");
  println("  Parses <file> as \\tsboot\\boot.cfg with the loader's own parser (common/cfg.ts).");
}

function putc(c: u8): void { printChar(c); }

function printBytes(p: Ptr<u8>, n: u64): void {
  for (let i: u64 = 0; i < n; i++) printChar(p[i]);
}

function printPath(key: cstr, p: Ptr<CfgPath>): void {
  print(" ");
  print(key);
  print("=");
  printBytes(addressOf(p.bytes[0]), u64(p.length));
}

function printEntry(i: u32, e: Ptr<CfgEntry>): void {
  print("entry ");
  printU(u64(i + 1));
  print(" '");
  printBytes(addressOf(e.name[0]), u64(e.nameLength));
  print("' ");
  if (!cfgEntryVisible(e, cfg.arch)) print("other-arch");
  else if (e.errorCount != 0) print("broken");
  else print("ok");
  print(" protocol=");
  print(cfgProtocolName(e.protocol));
  print(" arch=");
  print(e.arch == CfgArch.X86_64 ? "x86_64" : e.arch == CfgArch.Aarch64 ? "aarch64" : "any");
  printPath("path", addressOf(e.path));
  print(" cmdline=\"");
  printBytes(addressOf(e.cmdline[0]), u64(e.cmdlineLength));
  print("\"");
  for (let k: u32 = 0; k < e.initrdCount; k++) printPath("initrd", addressOf(e.initrds[k]));
  if (e.hasSha256) {
    print(" sha256=");
    for (let k: u32 = 0; k < 32; k++) {
      let b: u8 = e.sha256[k];
      printChar(b >> 4 < 10 ? 0x30 + (b >> 4) : 0x57 + (b >> 4));
      printChar((b & 15) < 10 ? 0x30 + (b & 15) : 0x57 + (b & 15));
    }
  }
  print("\n");
}

export function main(): i32 {
  let argc: u32 = args();
  if (argc < 2 || argc > 3) {
    usage();
    return 2;
  }
  let path: Ptr<u8> = arg(1);
  if (streq(path, "--help") || streq(path, "-h")) {
    usage();
    return 0;
  }
  let arch: CfgArch = CfgArch.X86_64;
  if (argc == 3) {
    if (streq(arg(2), "aarch64")) arch = CfgArch.Aarch64;
    else if (!streq(arg(2), "x86_64")) {
      println("cfgcheck: the architecture must be x86_64 or aarch64");
      return 2;
    }
  }
  let size: i64 = readFile(path, addressOf(fileBuf[0]), fileBuf.length);
  if (size < 0) {
    println("cfgcheck: cannot read the file (or it is larger than 1 MiB)");
    return 2;
  }
  cfgParse(addressOf(fileBuf[0]), u64(size), arch, addressOf(cfg));
  for (let i: u32 = 0; i < cfg.storedErrors; i++) {
    print("boot.cfg:");
    cfgFormatWhere(addressOf(cfg), i, putc);
    print(cfg.errors[i].line != 0 ? ": error: " : " error: ");
    cfgFormatMessage(addressOf(cfg), i, putc);
    print("\n");
  }
  if (cfg.errorCount > cfg.storedErrors) {
    print("boot.cfg: ");
    printU(u64(cfg.errorCount - cfg.storedErrors));
    println(" more errors");
  }
  for (let i: u32 = 0; i < cfg.entryCount; i++) printEntry(i, addressOf(cfg.entries[i]));
  print("timeout ");
  if (cfg.hasTimeout) printU(u64(cfg.timeout));
  else print("none");
  print("\npaging ");
  if (cfg.pagingLevels != 0) printU(u64(cfg.pagingLevels));
  else print("none");
  print(cfg.quiet ? "\nverbose no" : "\nverbose yes");
  print("\ndefault ");
  if (cfg.defaultIndex >= 0) {
    print("'");
    let d: Ptr<CfgEntry> = addressOf(cfg.entries[cfg.defaultIndex]);
    printBytes(addressOf(d.name[0]), u64(d.nameLength));
    print("'\n");
  } else {
    print("none\n");
  }
  return cfg.errorCount == 0 ? 0 : 1;
}
