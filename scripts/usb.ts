// `npm run usb -- --device /dev/sdX`: writes build/tsboot.img to a USB stick, safely.
//
// Writing a disk image is the one step of this project that can destroy a user's data, so
// the device is checked against the kernel's own description of it (sysfs, mountinfo,
// swaps) before anything is opened for writing, and every reason to refuse is reported at
// once. It must be a whole disk (not a partition), on a USB bus, removable, not mounted,
// not in use by device-mapper/md/swap, not the disk of the running system's root, and big
// enough. Then the user types the device name again (or passes --yes), the image is
// written in large blocks, fsync'd, read back with O_DIRECT (so that the page cache cannot
// hide a stick that lost data) and compared by SHA-256.
//
// Tests run this against a fake sysfs/proc tree and a regular file standing in for the
// block device: see UsbEnv and TEST_ROOT_ENV below.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

/** Where the kernel's views of devices and mounts are read from. */
export interface UsbEnv {
  /** sysfs mount point; "/sys" on a real system. */
  sysfsRoot: string;
  /** procfs mount point; "/proc" on a real system. */
  procRoot: string;
  /**
   * Accept a regular file as the target and look its name up in sysfs by basename. Only
   * tests set this: a real run refuses anything that is not a block device.
   */
  allowRegularFile: boolean;
}

export const REAL_ENV: UsbEnv = { sysfsRoot: '/sys', procRoot: '/proc', allowRegularFile: false };

/**
 * Set only by tests that run the compiled CLI: a directory holding sys/ and proc/ trees.
 * It also lets the "device" be a regular file. Never set it on a real system.
 */
export const TEST_ROOT_ENV = 'TSBOOT_USB_TEST_ROOT';

/** A failure caused by the user's input or machine state; printed without a stack trace. */
export class UsbError extends Error {}

export type RefusalCode =
  | 'not-block-device'
  | 'partition'
  | 'root'
  | 'mounted'
  | 'in-use'
  | 'swap'
  | 'not-usb'
  | 'not-removable'
  | 'too-small';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** Thrown when the device fails one or more safety checks; carries every reason. */
export class RefusedError extends UsbError {
  constructor(public device: string, public refusals: Refusal[]) {
    super(
      `refusing to write ${device}:\n` +
        refusals.map((r) => `  - ${r.message}`).join('\n') +
        '\nNothing was written. Pick the stick with `lsblk -o NAME,TRAN,RM,SIZE,MODEL,MOUNTPOINTS`.',
    );
  }
}

export interface PartitionInfo {
  name: string;
  /** "major:minor" */
  dev: string;
}

export interface DeviceInfo {
  /** The path the user gave. */
  path: string;
  /** Kernel name, e.g. "sdb". */
  name: string;
  /** The device's directory in sysfs after resolving symlinks (…/block/sdb). */
  sysfsDir: string;
  /** "major:minor" */
  dev: string;
  isBlockDevice: boolean;
  isPartition: boolean;
  /** For a partition: the kernel name of its disk. */
  parentDisk?: string;
  removable: boolean;
  usb: boolean;
  vendor: string;
  model: string;
  sizeBytes: number;
  partitions: PartitionInfo[];
  /** Devices stacked on top of this disk or its partitions (dm-crypt, LVM, md). */
  holders: string[];
}

function readTrim(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Finds a block device's sysfs directory from its path (real device or test stand-in). */
function sysfsDirFor(device: string, st: fs.Stats, env: UsbEnv): string {
  let link: string;
  if (st.isBlockDevice()) {
    // /sys/dev/block/MAJ:MIN names the device regardless of how the user spelt its path
    // (/dev/disk/by-id/..., a symlink, a renamed node).
    // glibc's encoding of dev_t (gnu_dev_major / gnu_dev_minor).
    const rdev = BigInt(st.rdev);
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    link = path.join(env.sysfsRoot, 'dev', 'block', `${major}:${minor}`);
  } else {
    link = path.join(env.sysfsRoot, 'class', 'block', path.basename(device));
  }
  try {
    return fs.realpathSync(link);
  } catch {
    throw new UsbError(
      `${device}: no sysfs entry (${link}); is it a disk the kernel knows? ` + 'List disks with `lsblk`.',
    );
  }
}

/** Reads everything the safety checks need about `device` from sysfs. */
export function inspectDevice(device: string, env: UsbEnv): DeviceInfo {
  let st: fs.Stats;
  try {
    st = fs.statSync(device);
  } catch (e) {
    throw new UsbError(`${device}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such device' : (e as Error).message}. List disks with \`lsblk\`.`);
  }
  const isBlockDevice = st.isBlockDevice();
  if (!isBlockDevice && !(env.allowRegularFile && st.isFile())) {
    const info: DeviceInfo = {
      path: device, name: path.basename(device), sysfsDir: '', dev: '', isBlockDevice: false,
      isPartition: false, removable: false, usb: false, vendor: '', model: '', sizeBytes: 0,
      partitions: [], holders: [],
    };
    return info;
  }
  const dir = sysfsDirFor(device, st, env);
  const name = path.basename(dir);
  const isPartition = fs.existsSync(path.join(dir, 'partition'));
  // Partitions live in a subdirectory of their disk: …/block/sdb/sdb1.
  const diskDir = isPartition ? path.dirname(dir) : dir;
  const partitions: PartitionInfo[] = [];
  for (const entry of listDir(diskDir)) {
    const p = path.join(diskDir, entry);
    if (fs.existsSync(path.join(p, 'partition'))) {
      partitions.push({ name: entry, dev: readTrim(path.join(p, 'dev')) ?? '' });
    }
  }
  const holders = [
    ...listDir(path.join(diskDir, 'holders')),
    ...partitions.flatMap((p) => listDir(path.join(diskDir, p.name, 'holders'))),
  ];
  // A device is on USB when its path in the device tree passes through a USB host
  // controller's root hub, which sysfs names usbN (…/0000:00:14.0/usb2/2-1/…).
  const relative = path.relative(env.sysfsRoot, diskDir).split(path.sep);
  const usb = relative.some((c) => /^usb\d+$/.test(c));
  const sectors = Number(readTrim(path.join(diskDir, 'size')) ?? '0');
  return {
    path: device,
    name,
    sysfsDir: dir,
    dev: readTrim(path.join(dir, 'dev')) ?? '',
    isBlockDevice,
    isPartition,
    parentDisk: isPartition ? path.basename(diskDir) : undefined,
    removable: readTrim(path.join(diskDir, 'removable')) === '1',
    usb,
    vendor: readTrim(path.join(diskDir, 'device', 'vendor')) ?? '',
    model: readTrim(path.join(diskDir, 'device', 'model')) ?? '',
    // sysfs "size" is always in 512-byte units, whatever the logical block size.
    sizeBytes: sectors * 512,
    partitions,
    holders,
  };
}

export interface MountEntry {
  /** "major:minor" of the mounted device (0:N for virtual and some btrfs mounts). */
  dev: string;
  mountPoint: string;
  source: string;
}

/** Undoes the octal escapes (\040 for space …) of mountinfo and /proc/mounts fields. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mounts from /proc/self/mountinfo, plus any source only /proc/mounts lists. */
export function readMounts(env: UsbEnv): MountEntry[] {
  const mounts: MountEntry[] = [];
  const mountinfo = readTrim(path.join(env.procRoot, 'self', 'mountinfo'));
  if (mountinfo) {
    for (const line of mountinfo.split('\n')) {
      // id parent major:minor root mountpoint options [optional...] - fstype source superopts
      const fields = line.split(' ');
      const sep = fields.indexOf('-');
      if (fields.length < 5 || sep < 0) continue;
      mounts.push({
        dev: fields[2],
        mountPoint: unescapeMountField(fields[4]),
        source: unescapeMountField(fields[sep + 2] ?? ''),
      });
    }
  }
  const procMounts = readTrim(path.join(env.procRoot, 'mounts'));
  if (procMounts) {
    for (const line of procMounts.split('\n')) {
      const [source, mountPoint] = line.split(' ');
      if (source === undefined || mountPoint === undefined) continue;
      const s = unescapeMountField(source);
      const m = unescapeMountField(mountPoint);
      if (!mounts.some((x) => x.source === s && x.mountPoint === m)) mounts.push({ dev: '', mountPoint: m, source: s });
    }
  }
  return mounts;
}

/** Kernel names of the whole disks under a block device (through partitions, dm and md). */
function disksUnder(sysfsDir: string, env: UsbEnv, depth = 0): string[] {
  if (depth > 8) return [];
  const slaves = listDir(path.join(sysfsDir, 'slaves'));
  if (slaves.length > 0) {
    return slaves.flatMap((s) => {
      try {
        return disksUnder(fs.realpathSync(path.join(env.sysfsRoot, 'class', 'block', s)), env, depth + 1);
      } catch {
        return [];
      }
    });
  }
  if (fs.existsSync(path.join(sysfsDir, 'partition'))) return [path.basename(path.dirname(sysfsDir))];
  return [path.basename(sysfsDir)];
}

/** The whole disks holding the running system's root filesystem (empty when unknown). */
export function rootDisks(env: UsbEnv, mounts: MountEntry[]): string[] {
  const root = mounts.find((m) => m.mountPoint === '/' && m.dev !== '');
  if (!root) return [];
  let dir: string | undefined;
  if (!root.dev.startsWith('0:')) {
    try {
      dir = fs.realpathSync(path.join(env.sysfsRoot, 'dev', 'block', root.dev));
    } catch {
      dir = undefined;
    }
  }
  // btrfs (and a few others) report an anonymous 0:N device; fall back to the source name.
  if (dir === undefined && root.source.startsWith('/dev/')) {
    let name = path.basename(root.source);
    try {
      name = path.basename(fs.realpathSync(root.source)); // /dev/mapper/x -> dm-0
    } catch {
      /* keep the basename */
    }
    try {
      dir = fs.realpathSync(path.join(env.sysfsRoot, 'class', 'block', name));
    } catch {
      dir = undefined;
    }
  }
  return dir === undefined ? [] : disksUnder(dir, env);
}

/** Every reason not to write `info`; empty when it is safe. */
export function checkDevice(
  info: DeviceInfo,
  env: UsbEnv,
  opts: { imageBytes: number; allowNonRemovable?: boolean },
): Refusal[] {
  const refusals: Refusal[] = [];
  if (!info.isBlockDevice && !(env.allowRegularFile && info.sysfsDir !== '')) {
    refusals.push({ code: 'not-block-device', message: `${info.path} is not a block device` });
    return refusals;
  }
  if (info.isPartition) {
    refusals.push({
      code: 'partition',
      message: `${info.path} is partition ${info.name} of disk ${info.parentDisk}; give the whole disk (/dev/${info.parentDisk}), the image carries its own partition table`,
    });
  }
  const disk = info.parentDisk ?? info.name;
  const mounts = readMounts(env);
  if (rootDisks(env, mounts).includes(disk)) {
    refusals.push({ code: 'root', message: `/dev/${disk} holds the running system's root filesystem (/)` });
  }
  const devs = new Set<string>();
  const names = new Set<string>();
  const diskDev = info.isPartition ? readTrim(path.join(path.dirname(info.sysfsDir), 'dev')) : info.dev;
  if (diskDev) devs.add(diskDev);
  names.add(disk);
  for (const p of info.partitions) {
    if (p.dev) devs.add(p.dev);
    names.add(p.name);
  }
  const mounted = mounts.filter(
    (m) => devs.has(m.dev) || (m.source.startsWith('/dev/') && names.has(path.basename(m.source))),
  );
  if (mounted.length > 0) {
    const list = [...new Set(mounted.map((m) => `${m.source} on ${m.mountPoint}`))];
    refusals.push({
      code: 'mounted',
      message: `it is mounted: ${list.join(', ')}; unmount it first (udisksctl unmount -b ... or umount)`,
    });
  }
  if (info.holders.length > 0) {
    refusals.push({
      code: 'in-use',
      message: `it is in use by ${info.holders.join(', ')} (device-mapper, LVM, RAID or dm-crypt); close those first`,
    });
  }
  const swaps = readTrim(path.join(env.procRoot, 'swaps')) ?? '';
  const swapOn = swaps
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[0])
    .filter((s) => s !== undefined && s.startsWith('/dev/') && names.has(path.basename(s)));
  if (swapOn.length > 0) {
    refusals.push({ code: 'swap', message: `it is used as swap: ${swapOn.join(', ')}; swapoff first` });
  }
  if (!info.usb) {
    refusals.push({
      code: 'not-usb',
      message: `/dev/${disk} is not on a USB bus (sysfs: ${path.relative(env.sysfsRoot, info.isPartition ? path.dirname(info.sysfsDir) : info.sysfsDir)})`,
    });
  }
  if (!info.removable && !opts.allowNonRemovable) {
    refusals.push({
      code: 'not-removable',
      message: `/dev/${disk} is not marked removable (sysfs removable=0); some USB SSDs and sticks report this — if you are sure, add --allow-non-removable`,
    });
  }
  if (!info.isPartition && info.sizeBytes < opts.imageBytes) {
    refusals.push({
      code: 'too-small',
      message: `/dev/${disk} holds ${formatBytes(info.sizeBytes)}, the image needs ${formatBytes(opts.imageBytes)}`,
    });
  }
  return refusals;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]} (${n.toLocaleString('en-US')} bytes)`;
}

export function describeDevice(info: DeviceInfo): string {
  const label = [info.vendor, info.model].filter((s) => s !== '').join(' ') || '(no vendor/model in sysfs)';
  return `${info.path} (${info.name}): ${label}, ${formatBytes(info.sizeBytes)}, ${info.usb ? 'USB' : 'not USB'}, ${info.removable ? 'removable' : 'not removable'}`;
}

// The project compiles with lib es2022 only (no DOM), which leaves WebAssembly untyped;
// this is the one piece of it used here.
declare const WebAssembly: { Memory: new (d: { initial: number; maximum?: number }) => { buffer: ArrayBuffer } };

/** A buffer whose address is page-aligned, as O_DIRECT requires (Node Buffers are not). */
function alignedBuffer(bytes: number): Buffer {
  const pages = Math.ceil(bytes / 65536);
  // WebAssembly memory is mmap'd, hence page-aligned at offset 0.
  const mem = new WebAssembly.Memory({ initial: pages, maximum: pages });
  return Buffer.from(mem.buffer, 0, bytes);
}

export interface Progress {
  (done: number, total: number, phase: 'write' | 'verify'): void;
}

/** A one-line progress bar on a terminal; a line every 10% otherwise (logs, CI). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let started = Date.now();
  let lastPhase = '';
  let lastDecile = -1;
  return (done, total, phase) => {
    if (phase !== lastPhase) {
      started = Date.now();
      lastPhase = phase;
      lastDecile = -1;
    }
    const frac = total === 0 ? 1 : done / total;
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = done / 1048576 / secs;
    const text = `${phase === 'write' ? 'writing ' : 'verifying'} ${(done / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB ${rate.toFixed(1)} MiB/s`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(frac * width);
      stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${text}   `);
      if (done >= total) stream.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${(frac * 100).toFixed(0).padStart(3)}% ${text}\n`);
      }
    }
  };
}

/** Larger blocks write no faster to a USB stick, and a run holds up to three in memory. */
export const MAX_BLOCK_MIB = 64;
const MiB = 1048576;

/** Checks a block size in bytes; the message speaks in MiB, the unit of --block-size. */
export function checkBlockSize(bytes: number): void {
  const mib = `${bytes / MiB} MiB`;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new UsbError(`--block-size must be more than 0 MiB, got ${mib}`);
  if (bytes > MAX_BLOCK_MIB * MiB) throw new UsbError(`--block-size must be at most ${MAX_BLOCK_MIB} MiB, got ${mib}`);
  if (!Number.isInteger(bytes) || bytes % 4096 !== 0) {
    throw new UsbError(`--block-size must be a whole number of 4 KiB units (a multiple of 1/256 MiB, e.g. 0.25, 1 or 4), got ${mib}`);
  }
}

/** --block-size as the user typed it (MiB) -> bytes, or a UsbError saying what to type. */
export function blockSizeFromMiB(typed: unknown): number {
  if (Array.isArray(typed)) throw new UsbError(`--block-size was given ${typed.length} times; give it once`);
  const text = String(typed ?? '').trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new UsbError(`--block-size takes a number of MiB (e.g. 4 or 0.5), got "${text}"`);
  const bytes = Number(text) * MiB;
  checkBlockSize(bytes);
  return bytes;
}

/** A string option given exactly once with a non-empty value. */
function single(name: string, v: unknown, example: string): string {
  if (Array.isArray(v)) throw new UsbError(`--${name} was given ${v.length} times; give it once`);
  if (typeof v !== 'string' || v.trim() === '') throw new UsbError(`--${name} needs a value, e.g. --${name} ${example}`);
  return v;
}

export interface WriteOptions {
  image: string;
  device: string;
  env?: UsbEnv;
  /** Skip the typed confirmation. */
  yes?: boolean;
  dryRun?: boolean;
  blockSize?: number;
  allowNonRemovable?: boolean;
  /** Asks the user a question and returns the typed line. */
  ask?: (question: string) => Promise<string>;
  log?: (line: string) => void;
  progress?: Progress;
  /** Test hook: runs after the write and fsync, before the read-back. */
  beforeVerify?: (target: string) => void;
}

export interface WriteResult {
  written: number;
  sha256: string;
  /** False when nothing was written (dry run). */
  wrote: boolean;
  /** How the read-back bypassed (or could not bypass) the page cache. */
  readMode: 'direct' | 'buffered' | 'none';
}

function askOnTerminal(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    rl.question(question, (a) => {
      answered = true;
      rl.close();
      // A piped answer is not echoed; end the prompt's line so the progress starts on its own.
      if (!process.stdin.isTTY) process.stderr.write('\n');
      resolve(a);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}

function openError(e: unknown, target: string, what: string): UsbError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new UsbError(`permission denied opening ${target} for ${what}: run as root (sudo npm run usb -- ...) or join the group that owns it (usually "disk")`);
  }
  if (code === 'EBUSY') {
    return new UsbError(`${target} is busy (opened exclusively by someone else, e.g. mounted or part of a device-mapper stack); unmount or close it first`);
  }
  return new UsbError(`cannot open ${target} for ${what}: ${(e as Error).message}`);
}

/** Checks, confirms, writes, fsyncs and verifies. Throws UsbError for every user-facing failure. */
export async function writeImageToDevice(opts: WriteOptions): Promise<WriteResult> {
  const env = opts.env ?? REAL_ENV;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const progress = opts.progress ?? terminalProgress();
  const blockSize = opts.blockSize ?? 4 * MiB;
  checkBlockSize(blockSize);

  let imageBytes: number;
  try {
    const st = fs.statSync(opts.image);
    if (!st.isFile()) throw new UsbError(`${opts.image} is not a regular file`);
    imageBytes = st.size;
  } catch (e) {
    if (e instanceof UsbError) throw e;
    throw new UsbError(`image ${opts.image} not found; build it with \`npm run image\` (or pass --image)`);
  }
  if (imageBytes === 0) throw new UsbError(`image ${opts.image} is empty`);

  const info = inspectDevice(opts.device, env);
  const refusals = checkDevice(info, env, { imageBytes, allowNonRemovable: opts.allowNonRemovable });
  if (refusals.length > 0) throw new RefusedError(opts.device, refusals);

  log(`target: ${describeDevice(info)}`);
  log(`image:  ${opts.image}, ${formatBytes(imageBytes)}`);
  const blocks = Math.ceil(imageBytes / blockSize);
  if (opts.dryRun) {
    log(
      `dry run: would write ${imageBytes} bytes to ${opts.device} in ${blocks} block(s) of ${blockSize / 1048576} MiB, ` +
        `fsync, then read it back and compare SHA-256. Everything on ${info.name} would be lost. Nothing was written.`,
    );
    return { written: 0, sha256: '', wrote: false, readMode: 'none' };
  }
  if (!opts.yes) {
    const ask = opts.ask ?? askOnTerminal;
    const answer = (await ask(`Everything on ${info.name} will be lost. Type the device name (${info.name}) to continue: `)).trim();
    if (answer === '') {
      throw new UsbError(`no confirmation given (empty answer or no terminal); type ${info.name} when asked, or pass --yes in scripts. Nothing was written.`);
    }
    if (answer !== info.name && answer !== `/dev/${info.name}` && answer !== opts.device) {
      throw new UsbError(`confirmation "${answer}" does not match ${info.name}; nothing was written`);
    }
  }

  // O_EXCL on a block device makes the open fail with EBUSY while anything (a mount,
  // device-mapper) holds it: a last guard against a mount that appeared after the checks.
  const excl = info.isBlockDevice ? fs.constants.O_EXCL : 0;
  let fd: number;
  try {
    fd = fs.openSync(opts.device, fs.constants.O_WRONLY | excl);
  } catch (e) {
    throw openError(e, opts.device, 'writing');
  }
  const hash = crypto.createHash('sha256');
  const img = fs.openSync(opts.image, 'r');
  const buf = Buffer.alloc(blockSize);
  let written = 0;
  try {
    progress(0, imageBytes, 'write');
    while (written < imageBytes) {
      const want = Math.min(blockSize, imageBytes - written);
      const got = fs.readSync(img, buf, 0, want, written);
      if (got !== want) throw new UsbError(`short read from ${opts.image} at ${written}: the image changed while writing?`);
      let off = 0;
      while (off < want) {
        const n = fs.writeSync(fd, buf, off, want - off, written + off);
        if (n <= 0) throw new UsbError(`write to ${opts.device} made no progress at byte ${written + off}`);
        off += n;
      }
      hash.update(buf.subarray(0, want));
      written += want;
      progress(written, imageBytes, 'write');
    }
    log('flushing to the device (fsync)...');
    fs.fsyncSync(fd);
  } catch (e) {
    if (e instanceof UsbError) throw e;
    throw new UsbError(`writing ${opts.device} failed at byte ${written}: ${(e as Error).message}. The stick is now partly written; rerun after checking it (dmesg).`);
  } finally {
    fs.closeSync(fd);
    fs.closeSync(img);
  }
  const sha256 = hash.digest('hex');

  opts.beforeVerify?.(opts.device);
  const { readMode, deviceSha, firstDiff } = verify(opts.device, opts.image, imageBytes, blockSize, progress);
  if (deviceSha !== sha256 || firstDiff >= 0) {
    throw new UsbError(
      `verification FAILED: ${opts.device} reads back differently from the image` +
        (firstDiff >= 0 ? ` (first difference at byte ${firstDiff})` : '') +
        `.\n  image  sha256 ${sha256}\n  device sha256 ${deviceSha}\n` +
        'The stick may be faulty, counterfeit (smaller than it claims), or was removed while writing. Try another stick.',
    );
  }
  log(`verified: ${imageBytes} bytes read back (${readMode === 'direct' ? 'O_DIRECT, bypassing the page cache' : 'through the page cache'}), sha256 ${sha256}`);
  log(`done: ${opts.device} is ready; remove it and boot the target machine from it (docs/hardware.md).`);
  return { written, sha256, wrote: true, readMode };
}

/** Reads `bytes` back from the target and hashes them, comparing with the image as it goes. */
function verify(
  target: string,
  image: string,
  bytes: number,
  blockSize: number,
  progress: Progress,
): { readMode: 'direct' | 'buffered'; deviceSha: string; firstDiff: number } {
  let fd: number;
  let readMode: 'direct' | 'buffered' = 'direct';
  try {
    fd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
  } catch (e) {
    // Some file systems (the stand-in files of tests) refuse O_DIRECT; a block device never does.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw openError(e, target, 'verification');
    readMode = 'buffered';
    fd = fs.openSync(target, fs.constants.O_RDONLY);
  }
  const dev = alignedBuffer(blockSize);
  const ref = Buffer.alloc(blockSize);
  const img = fs.openSync(image, 'r');
  const hash = crypto.createHash('sha256');
  let done = 0;
  let firstDiff = -1;
  try {
    progress(0, bytes, 'verify');
    while (done < bytes) {
      const want = Math.min(blockSize, bytes - done);
      // O_DIRECT needs the length to be a multiple of the logical block size: round the
      // tail up and compare only the image's bytes.
      const readLen = readMode === 'direct' ? Math.ceil(want / 4096) * 4096 : want;
      let got = 0;
      try {
        got = fs.readSync(fd, dev, 0, Math.min(readLen, blockSize), done);
      } catch (e) {
        if (readMode === 'direct' && (e as NodeJS.ErrnoException).code === 'EINVAL' && done === 0) {
          fs.closeSync(fd);
          fd = fs.openSync(target, fs.constants.O_RDONLY);
          readMode = 'buffered';
          continue;
        }
        throw new UsbError(`reading ${target} back failed at byte ${done}: ${(e as Error).message}`);
      }
      const cmp = Math.min(got, want);
      fs.readSync(img, ref, 0, want, done);
      hash.update(dev.subarray(0, cmp));
      if (firstDiff < 0) {
        if (cmp < want) firstDiff = done + cmp;
        else if (!dev.subarray(0, want).equals(ref.subarray(0, want))) {
          let i = 0;
          while (dev[i] === ref[i]) i++;
          firstDiff = done + i;
        }
      }
      if (got === 0) break; // the target ended early (truncated or smaller than claimed)
      done += cmp;
      progress(done, bytes, 'verify');
    }
  } finally {
    fs.closeSync(fd);
    fs.closeSync(img);
  }
  return { readMode, deviceSha: hash.digest('hex'), firstDiff };
}

function defaultImage(): string {
  // build/js/scripts/usb.js -> <repo>/build/tsboot.img
  return path.resolve(__dirname, '..', '..', 'tsboot.img');
}

export async function main(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('npm run usb --')
    .usage(
      '$0 --device /dev/sdX [options]\n\n' +
        'Writes the tsboot disk image to a USB stick and verifies it. Refuses partitions, non-USB, ' +
        'non-removable, mounted or in-use disks and the disk holding /; asks you to type the device ' +
        'name again unless --yes is given. Needs write access to the device (usually root).',
    )
    .wrap(Math.min(100, process.stdout.columns || 100))
    .option('device', { alias: 'd', type: 'string', demandOption: true, describe: 'whole-disk block device of the stick, e.g. /dev/sdb' })
    .option('image', { alias: 'i', type: 'string', defaultDescription: 'build/tsboot.img', describe: 'disk image to write' })
    .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation (for scripts)' })
    .option('dry-run', { alias: 'n', type: 'boolean', default: false, describe: 'check the device and show what would be done; write nothing' })
    // No yargs defaults for values: a default would also stand in for an empty `--image` or `--block-size`.
    .option('block-size', { type: 'string', defaultDescription: '4', describe: `write/read block size in MiB (a multiple of 4 KiB, at most ${MAX_BLOCK_MIB})` })
    .option('allow-non-removable', { type: 'boolean', default: false, describe: 'accept a USB disk whose removable flag is 0 (some USB SSDs/sticks); all other checks still apply' })
    .example('$0 --device /dev/sdb', 'write build/tsboot.img to /dev/sdb after confirmation')
    .example('$0 --device /dev/sdb --dry-run', 'only check /dev/sdb')
    .strict()
    .help()
    .version(false)
    .parse();
  // Every option is checked before anything is opened.
  const device = single('device', args.device, '/dev/sdb');
  const image = single('image', args.image ?? defaultImage(), 'build/tsboot.img');
  const blockSize = blockSizeFromMiB(args['block-size'] ?? '4');
  const testRoot = process.env[TEST_ROOT_ENV];
  const env: UsbEnv = testRoot
    ? { sysfsRoot: path.join(testRoot, 'sys'), procRoot: path.join(testRoot, 'proc'), allowRegularFile: true }
    : REAL_ENV;
  if (testRoot) process.stderr.write(`note: ${TEST_ROOT_ENV} is set: using the fake system tree in ${testRoot}\n`);
  await writeImageToDevice({
    image: path.resolve(image),
    device,
    env,
    yes: args.yes,
    dryRun: args['dry-run'],
    blockSize,
    allowNonRemovable: args['allow-non-removable'],
  });
  return 0;
}

if (require.main === module) {
  main(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof UsbError) {
        process.stderr.write(`usb: ${e.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`usb: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
