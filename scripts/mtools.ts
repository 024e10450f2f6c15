// A thin layer over Debian's mtools (mformat, mmd, mcopy, mdir) for writing FAT images
// without root or loop devices. Every failure throws a ToolError whose message contains
// the full command line and mtools' stderr, so "Too few clusters for 32 bit fat" or
// "Can't open ..." reach the user unchanged.
import { runTool, ToolError } from './exec';

export { ToolError as MtoolsError };

/** A FAT file system inside an image file, optionally at a byte offset (a partition). */
export interface FatVolume {
  image: string;
  /** Byte offset of the file system inside the image (mtools' `image@@offset`). */
  offset?: number;
}

/** The `-i` argument: `image` or `image@@offset`. */
export function imageSpec(vol: FatVolume | string): string {
  if (typeof vol === 'string') return vol;
  if (vol.offset === undefined || vol.offset === 0) return vol.image;
  if (!Number.isSafeInteger(vol.offset) || vol.offset < 0 || vol.offset % 512 !== 0) {
    throw new Error(`FAT volume offset ${vol.offset} in ${vol.image} must be a non-negative multiple of 512`);
  }
  return `${vol.image}@@${vol.offset}`;
}

/**
 * An ESP path (`\EFI\BOOT\BOOTX64.EFI`, `/EFI/BOOT/BOOTX64.EFI` or `EFI/BOOT`) as mtools'
 * drive-relative form `::/EFI/BOOT/BOOTX64.EFI`.
 */
export function fatPath(p: string): string {
  const parts = p.replace(/^::/, '').split(/[\\/]+/).filter((s) => s.length > 0);
  for (const part of parts) {
    if (part === '.' || part === '..') throw new Error(`FAT path ${JSON.stringify(p)} must not contain "." or ".."`);
  }
  return '::/' + parts.join('/');
}

// mtools reads ~/.mtoolsrc and checks drive geometry against its configuration; neither
// applies to image files, and a user's rc file must not change what we build.
function mtoolsEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MTOOLS_SKIP_CHECK: '1', MTOOLSRC: '/dev/null' };
}

function mtool(cmd: string, args: string[]): string {
  return runTool(cmd, args, { env: mtoolsEnv(), timeoutMs: 60_000 });
}

export interface MformatOptions {
  /** Force FAT32 (`-F`); mtools refuses images too small for it (FAT32 needs >= 65525 clusters). */
  fat32?: boolean;
  /** Volume label (up to 11 characters). */
  label?: string;
  /** Total sectors of the file system; required when formatting a partition at an offset. */
  sectors?: number;
  /** Volume serial number, for reproducible images. */
  serial?: number;
}

/** Creates an empty FAT file system (mtools picks FAT12/16 by size unless fat32 is set). */
export function mformat(vol: FatVolume | string, opts: MformatOptions = {}): void {
  const args = ['-i', imageSpec(vol)];
  if (opts.fat32) args.push('-F');
  if (opts.sectors !== undefined) args.push('-T', String(opts.sectors));
  if (opts.label !== undefined) {
    if (!/^[A-Z0-9 _-]{1,11}$/.test(opts.label)) throw new Error(`FAT volume label ${JSON.stringify(opts.label)} must be 1-11 of A-Z 0-9 space _ -`);
    args.push('-v', opts.label);
  }
  if (opts.serial !== undefined) args.push('-N', (opts.serial >>> 0).toString(16).padStart(8, '0'));
  args.push('::');
  mtool('mformat', args);
}

/** Creates directories (each parent must exist or come earlier in the list). */
export function mmd(vol: FatVolume | string, dirs: string[]): void {
  if (dirs.length === 0) return;
  mtool('mmd', ['-i', imageSpec(vol), ...dirs.map(fatPath)]);
}

/** Copies a host file into the image, replacing an existing file of that name. */
export function mcopyIn(vol: FatVolume | string, hostPath: string, espPath: string): void {
  // -D o: overwrite on a name clash instead of prompting (stdin is empty, so a prompt fails).
  mtool('mcopy', ['-i', imageSpec(vol), '-D', 'o', hostPath, fatPath(espPath)]);
}

/** Copies a file out of the image to the host (overwriting the host file). */
export function mcopyOut(vol: FatVolume | string, espPath: string, hostPath: string): void {
  mtool('mcopy', ['-i', imageSpec(vol), '-n', '-D', 'o', fatPath(espPath), hostPath]);
}

/** `mdir` output for a directory, as mtools prints it. */
export function mdir(vol: FatVolume | string, dir = '/'): string {
  return mtool('mdir', ['-i', imageSpec(vol), fatPath(dir)]);
}

/**
 * Every file and directory below `dir`, recursively, as ESP paths (`/EFI/BOOT/BOOTX64.EFI`;
 * directories end with `/`), from `mdir -/ -b`.
 */
export function listTree(vol: FatVolume | string, dir = '/'): string[] {
  const out = mtool('mdir', ['-i', imageSpec(vol), '-/', '-b', fatPath(dir)]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('::'))
    .map((l) => l.slice(2));
}
