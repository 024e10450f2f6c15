// Builds an EFI System Partition image: a bare FAT file system in a file (no partition
// table), which QEMU attaches as a raw disk and OVMF/AAVMF mount directly.
//
// Size: FAT32 needs at least 65525 clusters, so mtools refuses it below about 64 MiB
// (platform-notes). The boot ESP only carries a loader and a kernel, so it defaults to a
// 32 MiB FAT16 image, which both firmwares read; the file is sparse, so it costs little.
import * as fs from 'fs';
import * as path from 'path';
import { fatPath, mcopyIn, mformat, mmd } from './mtools';

export interface EspFile {
  /** File on the host to copy. */
  hostPath: string;
  /** Where it goes in the ESP, e.g. `\EFI\BOOT\BOOTX64.EFI` or `/tsboot/kernel-x86_64.elf`. */
  espPath: string;
}

export interface EspOptions {
  /** Image size in MiB (default 32). */
  sizeMiB?: number;
  /** Format as FAT32 (needs sizeMiB >= 64). Default: FAT12/16 as mtools chooses for the size. */
  fat32?: boolean;
  /** Volume label (default TSBOOT). */
  label?: string;
}

export const DEFAULT_ESP_MIB = 32;
const FAT32_MIN_MIB = 64;

/**
 * Writes a fresh FAT image at `imagePath` (replacing any existing file) containing `files`,
 * creating their directories. Throws with the mtools command and its stderr on failure,
 * or a clear message for a missing input file or an impossible size.
 */
export function buildEsp(imagePath: string, files: readonly EspFile[], opts: EspOptions = {}): void {
  const sizeMiB = opts.sizeMiB ?? DEFAULT_ESP_MIB;
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new Error(`ESP size must be a whole number of MiB >= 1 (got ${sizeMiB})`);
  if (opts.fat32 && sizeMiB < FAT32_MIN_MIB) {
    throw new Error(`a FAT32 ESP needs at least ${FAT32_MIN_MIB} MiB (asked for ${sizeMiB} MiB): FAT32 requires 65525 clusters; use FAT16 or a larger image`);
  }
  // Check inputs first so that a missing loader is reported as such, not as an mcopy error.
  let total = 0;
  const seen = new Map<string, string>();
  for (const f of files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(f.hostPath);
    } catch {
      throw new Error(`cannot put ${f.hostPath} on the ESP as ${f.espPath}: the file does not exist`);
    }
    if (!st.isFile()) throw new Error(`cannot put ${f.hostPath} on the ESP: not a regular file`);
    total += st.size;
    // FAT names are case-insensitive: two inputs differing only in case would collide.
    const key = fatPath(f.espPath).toUpperCase();
    const prev = seen.get(key);
    if (prev !== undefined) throw new Error(`two files map to the same ESP path ${f.espPath}: ${prev} and ${f.hostPath}`);
    seen.set(key, f.hostPath);
  }
  // Leave room for FAT tables and directories (a few percent of the image).
  if (total > sizeMiB * 1024 * 1024 * 0.9) {
    throw new Error(`the ESP files total ${(total / 1048576).toFixed(1)} MiB, too much for a ${sizeMiB} MiB image; pass a larger size`);
  }

  fs.mkdirSync(path.dirname(path.resolve(imagePath)), { recursive: true });
  fs.rmSync(imagePath, { force: true });
  // A sparse file of the full size: mformat takes the geometry from the file's length.
  const fd = fs.openSync(imagePath, 'w');
  try {
    fs.ftruncateSync(fd, sizeMiB * 1024 * 1024);
  } finally {
    fs.closeSync(fd);
  }
  try {
    mformat(imagePath, { fat32: opts.fat32, label: opts.label ?? 'TSBOOT' });
    // Every parent directory, shallowest first, each created once.
    const dirs: string[] = [];
    for (const f of files) {
      const parts = fatPath(f.espPath).slice(3).split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = '/' + parts.slice(0, i).join('/');
        if (!dirs.some((x) => x.toUpperCase() === d.toUpperCase())) dirs.push(d);
      }
    }
    dirs.sort((a, b) => a.split('/').length - b.split('/').length);
    mmd(imagePath, dirs);
    for (const f of files) mcopyIn(imagePath, f.hostPath, f.espPath);
  } catch (e) {
    // Never leave a half-written image that a later boot could pick up.
    fs.rmSync(imagePath, { force: true });
    throw e;
  }
}
