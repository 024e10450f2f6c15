// `npm run image`: the USB-bootable disk image build/tsboot.img, for real machines of both
// architectures.
//
// Layout: a GPT disk (protective MBR in LBA 0, primary header in LBA 1, backup at the end)
// with one EFI System Partition starting at 1 MiB, formatted FAT32, holding
//   \EFI\BOOT\BOOTX64.EFI        the x86_64 loader (the removable-media default path)
//   \EFI\BOOT\BOOTAA64.EFI       the aarch64 loader
//   \tsboot\kernel-x86_64.elf    the kernels; each loader loads its own by default
//   \tsboot\kernel-aarch64.elf
//   \tsboot\boot.cfg             one entry per architecture (arch=), with the kernel's
//                                sha256= and the --cmdline
// Firmware on a PC or an arm64 machine picks the loader for its own architecture, so one
// stick boots both. GPT + FAT32 is what UEFI requires firmware to boot from removable media
// (FAT12/16 are only required for floppies and small media, and real firmware varies).
//
// Made without root or loop devices: sfdisk (util-linux) partitions the image file, and
// mtools formats and fills the partition through its `image@@offset` syntax.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { bootCfgText, CfgEntry, cmdlineProblem } from './bootcfg';
import { BuildError, buildArch } from './build';
import { runTool, ToolError } from './exec';
import { fatPath, listTree, mcopyIn, mformat, mmd, type FatVolume } from './mtools';
import { Arch, ARCHES, archInfo, bootArtifacts, displayPath, repoRoot } from './paths';

/** GPT partition type GUID of an EFI System Partition (UEFI spec, 5.3.3). */
export const ESP_TYPE_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const SECTOR = 512;
const MiB = 1048576;
/** The ESP starts at 1 MiB: aligned for flash erase blocks and every partitioning tool. */
const ESP_START_LBA = 2048;
/**
 * FAT32 needs at least 65525 clusters or firmware reads it as FAT16 (the type is decided
 * by the cluster count, not by a label). mformat refuses FAT32 on 32 MiB and succeeds on
 * 64 MiB (platform-notes), so 64 MiB is the smallest image offered.
 */
export const MIN_IMAGE_MIB = 64;
export const DEFAULT_IMAGE_MIB = 128;
const FAT32_MIN_CLUSTERS = 65525;

/** A user error: printed without a stack trace. */
export class ImageError extends Error {}

export interface EspEntry {
  /** File on the host. */
  host: string;
  /** Path on the ESP, `\`-separated with a leading `\` (as the firmware spells it). */
  esp: string;
  /** Where it came from, for messages. */
  origin: string;
}

export interface ImageOptions {
  out: string;
  sizeMiB: number;
  label: string;
  arches: Arch[];
  /** Extra files (`--add`); an entry with the path of a default file replaces it. */
  add: { host: string; esp: string }[];
  /** Text of the `cmdline=` line of the generated boot.cfg. */
  cmdline: string;
  log?: (line: string) => void;
}

export interface ImageLayout {
  out: string;
  sizeBytes: number;
  partition: { startLba: number; sectors: number; offset: number; type: string; uuid: string };
  files: EspEntry[];
}

/** `\EFI\BOOT\X` for an ESP path given with either separator. */
export function espPath(p: string): string {
  return '\\' + fatPath(p).slice(3).replace(/\//g, '\\');
}

/** Parses `--add <host>:<esp path>`; the ESP path follows the last ':' (FAT names cannot hold one). */
export function parseAdd(spec: string): { host: string; esp: string } {
  const i = spec.lastIndexOf(':');
  if (i <= 0 || i === spec.length - 1) {
    throw new ImageError(`--add ${JSON.stringify(spec)}: expected <host file>:<path on the ESP>, e.g. --add shell.efi:/EFI/tools/shell.efi`);
  }
  const esp = spec.slice(i + 1);
  if (/[*?"<>|\x00-\x1f]/.test(esp)) throw new ImageError(`--add ${JSON.stringify(spec)}: ${JSON.stringify(esp)} holds a character FAT file names cannot contain`);
  let normalized: string;
  try {
    normalized = espPath(esp);
  } catch (e) {
    throw new ImageError(`--add ${JSON.stringify(spec)}: ${(e as Error).message}`);
  }
  if (normalized === '\\') throw new ImageError(`--add ${JSON.stringify(spec)}: the ESP path names the root directory, not a file`);
  return { host: spec.slice(0, i), esp: normalized };
}

/**
 * The image's boot.cfg: one tsboot entry per kernel on the stick, each for its own
 * architecture (a loader lists only its own), with the kernel file's SHA-256, which the
 * loader checks before it runs anything of it. `files` is the planned ESP content, so a
 * kernel replaced with --add is hashed as the file that goes on the stick.
 */
export function imageBootCfg(files: EspEntry[], cmdline: string): string {
  const entries: CfgEntry[] = [];
  for (const arch of ARCHES) {
    const kernel = files.find((f) => f.esp.toUpperCase() === `\\TSBOOT\\KERNEL-${arch.toUpperCase()}.ELF`);
    if (!kernel) continue;
    const sha256 = createHash('sha256').update(fs.readFileSync(kernel.host)).digest('hex');
    entries.push({ name: 'tsboot', arch, protocol: 'tsboot', path: kernel.esp, cmdline: cmdline !== '' ? cmdline : undefined, sha256 });
  }
  return bootCfgText(entries, {
    comments: [
      'tsboot loader configuration, \\tsboot\\boot.cfg (grammar: docs/boot-protocol.md).',
      'Written by `npm run image`: one entry per architecture; each loader boots its own,',
      'after checking the kernel file against its sha256.',
      'verbose=no: the loader leaves its detail lines (memory map, runtime and address-space',
      'listings) off serial; each byte costs 87 us on a 16550 at 115200 baud. verbose=yes',
      'puts them back.',
    ],
    verbose: false,
    crlf: true, // readable in any editor on any OS the stick is plugged into
  });
}

/** The files that go on the ESP, defaults first, `--add` entries replacing same-named defaults. */
export function planFiles(arches: Arch[], add: { host: string; esp: string }[], bootCfgHost: string): EspEntry[] {
  const files: EspEntry[] = [];
  for (const arch of arches) {
    const a = bootArtifacts(arch);
    files.push({ host: a.loader, esp: `\\EFI\\BOOT\\${archInfo(arch).efiBootName}`, origin: `${arch} loader` });
    files.push({ host: a.kernel, esp: `\\tsboot\\kernel-${arch}.elf`, origin: `${arch} kernel` });
  }
  files.push({ host: bootCfgHost, esp: '\\tsboot\\boot.cfg', origin: 'generated boot.cfg' });
  const seenAdd = new Set<string>();
  for (const x of add) {
    const key = x.esp.toUpperCase(); // FAT names are case-insensitive
    if (seenAdd.has(key)) throw new ImageError(`--add names ${x.esp} twice`);
    seenAdd.add(key);
    const entry: EspEntry = { host: path.resolve(x.host), esp: x.esp, origin: '--add' };
    const i = files.findIndex((f) => f.esp.toUpperCase() === key);
    if (i >= 0) files[i] = { ...entry, origin: `--add (replaces the ${files[i].origin})` };
    else files.push(entry);
  }
  return files;
}

/** Reads the partition table sfdisk wrote, so that the offset used is the one on disk. */
function readLayout(image: string): { startLba: number; sectors: number; type: string; uuid: string } {
  const json = runTool('sfdisk', ['--json', image]);
  let table: { partitiontable?: { label?: string; sectorsize?: number; partitions?: { start: number; size: number; type: string; uuid?: string }[] } };
  try {
    table = JSON.parse(json);
  } catch {
    throw new Error(`cannot parse \`sfdisk --json ${image}\` output:\n${json}`);
  }
  const pt = table.partitiontable;
  const p = pt?.partitions?.[0];
  if (pt?.label !== 'gpt' || p === undefined || (pt.sectorsize ?? SECTOR) !== SECTOR) {
    throw new Error(`sfdisk did not leave one GPT partition with 512-byte sectors in ${image}:\n${json}`);
  }
  return { startLba: p.start, sectors: p.size, type: p.type.toUpperCase(), uuid: p.uuid ?? '' };
}

/**
 * Checks the fresh file system really is FAT32 with enough clusters (firmware decides the
 * FAT type from the cluster count) and records the partition's start LBA in the BPB's
 * hidden-sectors field, which mformat leaves 0 when formatting at an offset.
 */
function finishBootSector(image: string, offset: number, startLba: number): { clusters: number; clusterBytes: number } {
  const fd = fs.openSync(image, 'r+');
  try {
    const bs = Buffer.alloc(SECTOR);
    fs.readSync(fd, bs, 0, SECTOR, offset);
    const bytesPerSector = bs.readUInt16LE(11);
    const secPerCluster = bs.readUInt8(13);
    const reserved = bs.readUInt16LE(14);
    const nFats = bs.readUInt8(16);
    const rootEntries = bs.readUInt16LE(17);
    const fatSz16 = bs.readUInt16LE(22);
    const totSec = bs.readUInt16LE(19) || bs.readUInt32LE(32);
    const fatSz32 = bs.readUInt32LE(36);
    const backup = bs.readUInt16LE(50);
    const fsType = bs.toString('latin1', 82, 90);
    if (bs.readUInt16LE(510) !== 0xaa55 || bytesPerSector !== SECTOR || fatSz16 !== 0 || fatSz32 === 0 || rootEntries !== 0 || fsType !== 'FAT32   ') {
      throw new Error(`mformat did not produce a FAT32 boot sector at byte ${offset} of ${image} (bytes/sector ${bytesPerSector}, FATSz16 ${fatSz16}, FATSz32 ${fatSz32}, type ${JSON.stringify(fsType)})`);
    }
    const clusters = Math.floor((totSec - reserved - nFats * fatSz32) / secPerCluster);
    if (clusters < FAT32_MIN_CLUSTERS) {
      throw new ImageError(`the ESP has only ${clusters} clusters; FAT32 needs at least ${FAT32_MIN_CLUSTERS} (firmware would read it as FAT16). Use a larger --size.`);
    }
    // BPB_HiddSec (offset 28): sectors before the volume on the disk, in the boot sector
    // and in its FAT32 backup copy.
    const hidden = Buffer.alloc(4);
    hidden.writeUInt32LE(startLba);
    fs.writeSync(fd, hidden, 0, 4, offset + 28);
    if (backup !== 0 && backup < reserved) fs.writeSync(fd, hidden, 0, 4, offset + backup * SECTOR + 28);
    return { clusters, clusterBytes: secPerCluster * SECTOR };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes the image. Inputs must exist (see checkInputs). The image is assembled in a
 * temporary file next to `out` and renamed at the end, so a failure never leaves a
 * half-written image behind to be copied to a stick.
 */
export function writeImage(opts: ImageOptions, files: EspEntry[]): ImageLayout {
  const log = opts.log ?? (() => {});
  const sizeBytes = opts.sizeMiB * MiB;
  const totalLba = sizeBytes / SECTOR;
  // The backup GPT takes the last 33 sectors (32 of entries + the header); keep the
  // partition's end on a 1 MiB boundary below them.
  const lastUsable = totalLba - 34;
  const sectors = Math.floor((lastUsable + 1 - ESP_START_LBA) / 2048) * 2048;
  const out = path.resolve(opts.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  try {
    // Sparse: the unused part of the partition costs no disk space here.
    fs.closeSync(fs.openSync(tmp, 'w'));
    fs.truncateSync(tmp, sizeBytes);

    log(`partitioning: GPT, EFI System Partition at LBA ${ESP_START_LBA}, ${sectors} sectors (${(sectors * SECTOR / MiB).toFixed(0)} MiB)`);
    const script = [
      'label: gpt',
      `start=${ESP_START_LBA}, size=${sectors}, type=${ESP_TYPE_GUID}, name="EFI System Partition"`,
      '',
    ].join('\n');
    runTool('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', tmp], { input: script });
    const part = readLayout(tmp);
    if (part.startLba !== ESP_START_LBA || part.sectors !== sectors || part.type !== ESP_TYPE_GUID) {
      throw new Error(`sfdisk wrote partition start ${part.startLba}, size ${part.sectors}, type ${part.type}; expected ${ESP_START_LBA}, ${sectors}, ${ESP_TYPE_GUID}`);
    }
    const offset = part.startLba * SECTOR;
    const vol: FatVolume = { image: tmp, offset };

    log(`formatting: FAT32, label ${opts.label}, at byte offset ${offset}`);
    mformat(vol, { fat32: true, sectors: part.sectors, label: opts.label });
    const fat = finishBootSector(tmp, offset, part.startLba);
    log(`            ${fat.clusters} clusters of ${fat.clusterBytes} bytes`);

    // Parent directories, shallowest first, each once (FAT compares case-insensitively).
    const dirs: string[] = [];
    for (const f of files) {
      const parts = f.esp.split('\\').filter((s) => s !== '');
      for (let i = 1; i < parts.length; i++) {
        const d = '/' + parts.slice(0, i).join('/');
        if (!dirs.some((x) => x.toUpperCase() === d.toUpperCase())) dirs.push(d);
      }
    }
    dirs.sort((a, b) => a.split('/').length - b.split('/').length);
    mmd(vol, dirs);
    for (const f of files) {
      const from = f.origin.startsWith('generated') ? f.origin : `${displayPath(f.host)}, ${f.origin}`;
      log(`copying:    ${f.esp.padEnd(28)} <- ${from} (${fs.statSync(f.host).size} bytes)`);
      mcopyIn(vol, f.host, f.esp);
    }
    // Read the directory back: a file mtools silently dropped would otherwise only show
    // up as a machine that does not boot.
    const listed = new Set(listTree(vol).map((p) => p.toUpperCase()));
    for (const f of files) {
      const want = f.esp.replace(/\\/g, '/').toUpperCase();
      if (!listed.has(want)) throw new Error(`${f.esp} is missing from the ESP after mcopy (listing: ${[...listed].join(', ')})`);
    }
    fs.renameSync(tmp, out);
    return { out, sizeBytes, partition: { startLba: part.startLba, sectors: part.sectors, offset, type: part.type, uuid: part.uuid }, files };
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Every input must exist and the files must fit; says what to do otherwise. */
export function checkInputs(files: EspEntry[], sizeMiB: number): void {
  const missing: string[] = [];
  let total = 0;
  for (const f of files) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(f.host);
    } catch {
      st = undefined;
    }
    if (st === undefined) missing.push(`  ${displayPath(f.host)} (${f.origin}, for ${f.esp})`);
    else if (!st.isFile()) throw new ImageError(`${displayPath(f.host)} (${f.origin}) is not a regular file`);
    else total += st.size;
  }
  if (missing.length > 0) {
    throw new ImageError(
      `missing input file(s):\n${missing.join('\n')}\n` +
        'Build them with `npm run build` (or let `npm run image` build them: drop --no-build), ' +
        'or image only the architecture that is built with --arch x86_64 / --arch aarch64.',
    );
  }
  // FAT tables and directories take about 1% of a FAT32 volume; keep a margin.
  const capacity = (sizeMiB - 2) * MiB * 0.95;
  if (total > capacity) {
    throw new ImageError(`the ESP files total ${(total / MiB).toFixed(1)} MiB, more than a ${sizeMiB} MiB image holds; pass a larger --size`);
  }
}

/** Builds the boot artifacts of `arches` with scripts/build.ts. */
async function buildArtifacts(arches: Arch[], log: (l: string) => void): Promise<void> {
  for (const arch of arches) {
    try {
      await buildArch(arch, { log });
    } catch (e) {
      if (e instanceof BuildError) {
        throw new ImageError(`${e.message}\nThe image needs the ${arch} loader and kernel; fix the build, or image only what is built with --arch and --no-build.`);
      }
      throw e;
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('npm run image --')
    .usage(
      '$0 [options]\n\n' +
        'Builds the loaders and kernels (unless --no-build) and writes a USB-bootable disk image: ' +
        'GPT, one FAT32 EFI System Partition with \\EFI\\BOOT\\BOOTX64.EFI, \\EFI\\BOOT\\BOOTAA64.EFI, ' +
        '\\tsboot\\kernel-<arch>.elf and \\tsboot\\boot.cfg. Needs sfdisk and mtools; no root, no loop devices. ' +
        'Write it to a stick with `npm run usb -- --device /dev/sdX` (docs/hardware.md).',
    )
    .wrap(Math.min(100, process.stdout.columns || 100))
    .option('out', { alias: 'o', type: 'string', describe: 'image file to write', defaultDescription: 'build/tsboot.img' })
    .option('size', { type: 'number', default: DEFAULT_IMAGE_MIB, describe: `image size in MiB (at least ${MIN_IMAGE_MIB}: FAT32 needs 65525 clusters)` })
    .option('label', { type: 'string', default: 'TSBOOT', describe: 'FAT volume label (1-11 of A-Z 0-9 _ -)' })
    .option('arch', { type: 'array', string: true, choices: [...ARCHES, 'all'], default: ['all'], describe: 'architectures whose loader and kernel go on the stick (repeatable)' })
    .option('add', { type: 'array', string: true, default: [] as string[], describe: 'extra file <host>:<esp path> (repeatable); the ESP path of a default file replaces it' })
    .option('cmdline', { type: 'string', default: '', describe: 'the kernel command line written to \\tsboot\\boot.cfg' })
    .option('build', { type: 'boolean', default: true, describe: 'build the loaders and kernels first (--no-build uses build/<arch>/ as it is)' })
    .example('$0', 'build everything and write build/tsboot.img (128 MiB)')
    .example('$0 --arch x86_64 --no-build', 'an image with the x86_64 loader and kernel only, from build/x86_64/')
    .example('$0 --add ~/Shell.efi:/EFI/tools/Shell.efi', 'also put a UEFI shell on the stick')
    .strict()
    .help()
    .version(false)
    .parse();

  const log = (l: string) => process.stderr.write(l + '\n');
  const size = args.size;
  if (!Number.isInteger(size) || size < MIN_IMAGE_MIB) throw new ImageError(`--size must be a whole number of MiB >= ${MIN_IMAGE_MIB} (got ${size}): FAT32 needs 65525 clusters`);
  if (size > 2 * 1024 * 1024) throw new ImageError(`--size ${size} MiB is more than FAT32 and this tool support (2 TiB)`);
  const label = args.label.toUpperCase();
  if (!/^[A-Z0-9 _-]{1,11}$/.test(label)) throw new ImageError(`--label ${JSON.stringify(args.label)}: use 1-11 of A-Z 0-9 space _ -`);
  const cmdline = args.cmdline;
  const cmdlineWhy = cmdlineProblem(cmdline);
  if (cmdlineWhy) throw new ImageError(`--cmdline: ${cmdlineWhy}`);
  const wanted = args.arch as string[];
  const arches = ARCHES.filter((a) => wanted.includes(a) || wanted.includes('all'));
  const add = (args.add as string[]).map(parseAdd);
  const out = path.resolve(args.out ?? path.join(repoRoot(), 'build', 'tsboot.img'));

  const started = Date.now();
  if (args.build) await buildArtifacts(arches, log);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-image-'));
  try {
    const cfg = path.join(work, 'boot.cfg');
    fs.writeFileSync(cfg, '');
    const files = planFiles(arches, add, cfg);
    checkInputs(files, size);
    // Written once the kernels are known to exist: it holds their hashes.
    fs.writeFileSync(cfg, imageBootCfg(files, cmdline));
    log(`image:      ${displayPath(out)}, ${size} MiB, ${arches.join(' + ')}`);
    const layout = writeImage({ out, sizeMiB: size, label, arches, add, cmdline, log }, files);
    log(`done:       ${displayPath(layout.out)} (${size} MiB, ESP ${layout.partition.uuid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    log('next:       write it to a USB stick with `sudo npm run usb -- --device /dev/sdX` (see docs/hardware.md)');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

if (require.main === module) {
  main(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      // Tool failures carry the command line and its stderr; both are the user's information.
      if (e instanceof ImageError || e instanceof ToolError) {
        process.stderr.write(`image: ${e.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`image: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
