// boot.cfg as the loader sees it: read from \tsboot\boot.cfg on the boot volume and parsed
// by the one parser (common/cfg.ts) for this loader's architecture; every error is logged
// (screen and serial) with file:line:col. Without a boot.cfg the loader uses a built-in
// one, parsed the same way: one tsboot entry for the default kernel path.

import { type EfiFile, EFI_SUCCESS, EFI_NOT_FOUND, EFI_LOAD_ERROR } from "../common/uefi";
import { type BootCfg, type CfgEntry, cfgParse, cfgEntryVisible, cfgPathText } from "../common/cfg";
import { cfgFormatWhere, cfgFormatMessage } from "../common/cfg-messages";
import { type EfiFileData, efiReadFile, efiFreePages } from "./efi";
import { logPutc, log, logText, logError } from "./log";
import { archCfgArch, archName, archDefaultConfig } from "./arch/index";

export const CFG_FILE: cstr = "\\tsboot\\boot.cfg";
/** boot.cfg is a few lines; anything larger is not one. */
const CFG_FILE_MAX: u64 = 1 << 20;

let cfg: BootCfg;

export function config(): Ptr<BootCfg> { return addressOf(cfg); }

export function configEntry(i: i32): Ptr<CfgEntry> { return addressOf(cfg.entries[i]); }

/** Logs stored error i as `\tsboot\boot.cfg:LINE:COL: error: <message>`. */
export function configLogError(i: u32): void {
  logText(`[loader] ${CFG_FILE}${cfg.errors[i].line != 0 ? ":" : ""}`);
  cfgFormatWhere(addressOf(cfg), i, logPutc);
  logText(`: error: `);
  cfgFormatMessage(addressOf(cfg), i, logPutc);
  logText(`\n`);
}

/**
 * Reads and parses boot.cfg. Returns EFI_SUCCESS (the file's own errors are in config()
 * and were logged), or the status of a failed read: a boot.cfg that exists but cannot be
 * read stops the boot rather than being replaced by the built-in one.
 * @noinline
 */
export function configRead(root: Ptr<EfiFile>): u64 {
  let f: EfiFileData = zeroed<EfiFileData>();
  efiReadFile(root, CFG_FILE, true, addressOf(f));
  if (f.status == EFI_NOT_FOUND) {
    let text: cstr = archDefaultConfig();
    cfgParse(cast<u8>(text), strlen(text), archCfgArch(), addressOf(cfg));
    log(`no ${CFG_FILE}; using the built-in entry 'tsboot' (${cfgPathText(addressOf(cfg.entries[0].path))})`);
    return EFI_SUCCESS;
  }
  if (f.status != EFI_SUCCESS) return f.status;
  if (f.size > CFG_FILE_MAX) {
    efiFreePages(f.base, f.pages);
    logError(`${CFG_FILE} is ${f.size} bytes; a boot.cfg is at most 1 MiB`);
    return EFI_LOAD_ERROR;
  }
  cfgParse(ptr<u8>(f.base), f.size, archCfgArch(), addressOf(cfg));
  efiFreePages(f.base, f.pages);
  let visible: u32 = 0;
  for (let i: u32 = 0; i < cfg.entryCount; i++) {
    if (cfgEntryVisible(addressOf(cfg.entries[i]), cfg.arch)) visible++;
  }
  const errors: u32 = cfg.errorCount;
  log(`read ${CFG_FILE} (${f.size} bytes): ${visible}${visible == 1 ? " entry for " : " entries for "}${archName()}` +
    `${errors == 0 ? "" : `, ${errors}${errors == 1 ? " error" : " errors"}`}`);
  for (let i: u32 = 0; i < cfg.storedErrors; i++) configLogError(i);
  if (cfg.errorCount > cfg.storedErrors) {
    log(`${CFG_FILE}: ${u64(cfg.errorCount - cfg.storedErrors)} more errors not shown`);
  }
  return EFI_SUCCESS;
}
