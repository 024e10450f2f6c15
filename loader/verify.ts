// boot.cfg's sha256= check: the file an entry boots is hashed (common/sha256.ts) after it
// is read and before anything of it runs, for every protocol, and so before
// ExitBootServices. A mismatch is an error with both hashes; the entry is not booted.

import { EFI_SUCCESS, EFI_SECURITY_VIOLATION } from "../common/uefi";
import { type CfgEntry, cfgName, cfgPathText } from "../common/cfg";
import { sha256, SHA256_BYTES } from "../common/sha256";
import { logText } from "./log";
import { clockHz, clockUsSinceEntry } from "./clock";

function logDigest(d: Ptr<u8>): void {
  for (let i: u32 = 0; i < SHA256_BYTES; i++) {
    let hi: u8 = d[i] >> 4;
    let lo: u8 = d[i] & 15;
    logText(`${chr(hi < 10 ? 0x30 + hi : 0x57 + hi)}${chr(lo < 10 ? 0x30 + lo : 0x57 + lo)}`);
  }
}

/**
 * Checks the path= file of entry e (`bytes` bytes at `base`) against its sha256= when it
 * has one. Returns EFI_SUCCESS, or EFI_SECURITY_VIOLATION after logging both hashes.
 */
export function verifyFile(e: Ptr<CfgEntry>, base: u64, bytes: u64): u64 {
  if (!e.hasSha256) return EFI_SUCCESS;
  let got: Arr<u8, 32> = zeroed<Arr<u8, 32>>();
  let t0: u64 = clockUsSinceEntry();
  sha256(ptr<u8>(base), bytes, addressOf(got[0]));
  let us: u64 = clockUsSinceEntry() - t0;
  let path: cstr = cfgPathText(addressOf(e.path));
  if (memcmp(addressOf(got[0]), addressOf(e.sha256[0]), SHA256_BYTES) == 0) {
    logText(`[loader] sha256 ok: ${path} `);
    logDigest(addressOf(got[0]));
    logText(` (${size(bytes)}${clockHz() != 0 ? ` in ${us / 1000} ms` : ""})\n`);
    return EFI_SUCCESS;
  }
  logText(`[loader] error: sha256 mismatch: ${path} is not the file boot.cfg names; entry '${cfgName(e)}' is not ` +
    `booted\n[loader]   boot.cfg sha256: `);
  logDigest(addressOf(e.sha256[0]));
  logText(`\n[loader]   file sha256:     `);
  logDigest(addressOf(got[0]));
  logText(`\n`);
  return EFI_SECURITY_VIOLATION;
}
