// The disk image (scripts/image.ts): the GPT and protective MBR are parsed here from the
// raw bytes (signatures, CRC32s, the ESP type GUID), the file system is checked to be
// FAT32 from its boot sector, and every file is read back with mtools at the partition's
// offset and compared with its source. Inputs are stand-in files of random bytes so this
// runs before the loaders and kernels can be built; usb-boot.test.ts boots the real thing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAdd, espPath } from '../../scripts/image';
import { listTree, mcopyOut } from '../../scripts/mtools';
import { crc32 } from '../lib/crc32';
import { compileOrThrow, repoRoot } from '../lib/toolchain';

const MiB = 1048576;
// Written out here rather than imported, so a wrong constant in the script cannot pass.
const ESP_TYPE_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const CLI = path.join(__dirname, '..', '..', 'scripts', 'image.js');
let tmp: string;


/** A GPT GUID as text: the first three fields are little-endian on disk. */
function guidAt(b: Buffer, off: number): string {
  const hex = (s: number, e: number) => b.subarray(off + s, off + e).toString('hex');
  const le = (s: number, e: number) => Buffer.from(b.subarray(off + s, off + e)).reverse().toString('hex');
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`.toUpperCase();
}

interface GptHeader {
  myLba: bigint;
  alternateLba: bigint;
  firstUsable: bigint;
  lastUsable: bigint;
  diskGuid: string;
  entriesLba: bigint;
  entryCount: number;
  entrySize: number;
  entriesCrc: number;
}

function readSectors(fd: number, lba: number | bigint, count: number): Buffer {
  const b = Buffer.alloc(512 * count);
  fs.readSync(fd, b, 0, b.length, Number(lba) * 512);
  return b;
}

/** Parses and validates one GPT header and its entry array; returns the header. */
function checkGptHeader(fd: number, lba: number, what: string): { h: GptHeader; entries: Buffer } {
  const s = readSectors(fd, lba, 1);
  assert.is(s.toString('latin1', 0, 8), 'EFI PART', `${what}: signature`);
  assert.is(s.readUInt32LE(8), 0x00010000, `${what}: revision 1.0`);
  const size = s.readUInt32LE(12);
  assert.ok(size >= 92 && size <= 512, `${what}: header size ${size}`);
  const stored = s.readUInt32LE(16);
  const copy = Buffer.from(s.subarray(0, size));
  copy.writeUInt32LE(0, 16);
  assert.is(crc32(copy), stored, `${what}: header CRC32`);
  const h: GptHeader = {
    myLba: s.readBigUInt64LE(24),
    alternateLba: s.readBigUInt64LE(32),
    firstUsable: s.readBigUInt64LE(40),
    lastUsable: s.readBigUInt64LE(48),
    diskGuid: guidAt(s, 56),
    entriesLba: s.readBigUInt64LE(72),
    entryCount: s.readUInt32LE(80),
    entrySize: s.readUInt32LE(84),
    entriesCrc: s.readUInt32LE(88),
  };
  assert.is(h.myLba, BigInt(lba), `${what}: MyLBA`);
  assert.ok(h.entrySize >= 128 && h.entrySize % 8 === 0, `${what}: entry size ${h.entrySize}`);
  const entries = readSectors(fd, h.entriesLba, Math.ceil((h.entryCount * h.entrySize) / 512)).subarray(0, h.entryCount * h.entrySize);
  assert.is(crc32(entries), h.entriesCrc, `${what}: partition array CRC32`);
  return { h, entries };
}

interface Parsed {
  totalLba: number;
  espStart: number;
  espEnd: number;
  espName: string;
}

/** Checks the protective MBR and both GPT copies; returns the one ESP. */
function checkGpt(image: string): Parsed {
  const totalLba = fs.statSync(image).size / 512;
  const fd = fs.openSync(image, 'r');
  try {
    // Protective MBR: one partition of type 0xEE from LBA 1 covering the disk (capped at 2^32-1).
    const mbr = readSectors(fd, 0, 1);
    assert.is(mbr.readUInt16LE(510), 0xaa55, 'MBR signature');
    const e0 = 446;
    assert.is(mbr[e0 + 4], 0xee, 'protective MBR partition type 0xEE');
    assert.is(mbr.readUInt32LE(e0 + 8), 1, 'protective partition starts at LBA 1');
    assert.is(mbr.readUInt32LE(e0 + 12), Math.min(totalLba - 1, 0xffffffff), 'protective partition covers the disk');
    assert.ok(mbr.subarray(e0 + 16, e0 + 64).equals(Buffer.alloc(48)), 'the other three MBR entries are empty');

    const primary = checkGptHeader(fd, 1, 'primary GPT');
    assert.is(primary.h.alternateLba, BigInt(totalLba - 1), 'backup header in the last LBA');
    assert.is(primary.h.entriesLba, 2n);
    const backup = checkGptHeader(fd, totalLba - 1, 'backup GPT');
    assert.is(backup.h.alternateLba, 1n);
    assert.is(backup.h.diskGuid, primary.h.diskGuid);
    assert.ok(backup.entries.equals(primary.entries), 'backup entry array equals the primary');
    assert.ok(primary.h.entriesLba + BigInt(Math.ceil(primary.h.entryCount * primary.h.entrySize / 512)) <= primary.h.firstUsable);
    assert.ok(backup.h.entriesLba > primary.h.lastUsable);

    const e = primary.entries;
    const used: number[] = [];
    for (let i = 0; i < primary.h.entryCount; i++) {
      if (!e.subarray(i * primary.h.entrySize, i * primary.h.entrySize + 16).equals(Buffer.alloc(16))) used.push(i);
    }
    assert.equal(used, [0], 'exactly one partition, in slot 0');
    assert.is(guidAt(e, 0), ESP_TYPE_GUID, 'partition type: EFI System Partition');
    assert.is.not(guidAt(e, 16), '00000000-0000-0000-0000-000000000000', 'unique partition GUID');
    const start = Number(e.readBigUInt64LE(32));
    const end = Number(e.readBigUInt64LE(40)); // inclusive
    assert.ok(BigInt(start) >= primary.h.firstUsable && BigInt(end) <= primary.h.lastUsable, `ESP ${start}..${end} inside the usable LBAs`);
    assert.is(start % 2048, 0, 'ESP aligned to 1 MiB');
    const name = e.toString('utf16le', 56, 128).replace(/\0+$/, '');
    return { totalLba, espStart: start, espEnd: end, espName: name };
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks the ESP's boot sector and FSInfo describe a FAT32 volume filling the partition. */
function checkFat32(image: string, p: Parsed): void {
  const fd = fs.openSync(image, 'r');
  try {
    const bs = readSectors(fd, p.espStart, 2);
    assert.is(bs.readUInt16LE(510), 0xaa55, 'boot sector signature');
    assert.ok(bs[0] === 0xeb || bs[0] === 0xe9, 'boot sector jump');
    assert.is(bs.readUInt16LE(11), 512, 'bytes per sector');
    const spc = bs[13];
    assert.ok([1, 2, 4, 8, 16, 32, 64, 128].includes(spc), 'sectors per cluster');
    const reserved = bs.readUInt16LE(14);
    const nFats = bs[16];
    assert.is(bs.readUInt16LE(17), 0, 'FAT32: no fixed root directory');
    assert.is(bs.readUInt16LE(19), 0, 'FAT32: 16-bit total sectors is 0');
    assert.is(bs.readUInt16LE(22), 0, 'FAT32: 16-bit FAT size is 0');
    assert.is(bs.readUInt32LE(28), p.espStart, 'hidden sectors = partition start');
    const total = bs.readUInt32LE(32);
    assert.is(total, p.espEnd - p.espStart + 1, 'file system fills the partition');
    const fatSz = bs.readUInt32LE(36);
    assert.ok(fatSz > 0, 'FAT32 FAT size');
    assert.is(bs.readUInt32LE(44), 2, 'root directory cluster');
    const fsInfo = bs.readUInt16LE(48);
    assert.is(bs[66], 0x29, 'extended boot signature');
    assert.is(bs.toString('latin1', 82, 90), 'FAT32   ');
    // The FAT type is decided by the cluster count alone (FAT spec): >= 65525 is FAT32.
    const clusters = Math.floor((total - reserved - nFats * fatSz) / spc);
    assert.ok(clusters >= 65525, `cluster count ${clusters} makes it FAT32`);
    const info = readSectors(fd, p.espStart + fsInfo, 1);
    assert.is(info.readUInt32LE(0), 0x41615252, 'FSInfo lead signature');
    assert.is(info.readUInt32LE(484), 0x61417272, 'FSInfo struct signature');
    // The backup boot sector matches the primary.
    const backupAt = bs.readUInt16LE(50);
    assert.ok(backupAt > 0 && backupAt < reserved);
    assert.ok(readSectors(fd, p.espStart + backupAt, 1).equals(bs.subarray(0, 512)), 'backup boot sector');
  } finally {
    fs.closeSync(fd);
  }
}

function runCli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

interface Inputs {
  files: Record<string, string>;
}

/** Stand-ins for the four boot artifacts and an extra file, with distinct random contents. */
function makeInputs(): Inputs {
  const dir = fs.mkdtempSync(path.join(tmp, 'in-'));
  const files: Record<string, string> = {};
  const sizes: Record<string, number> = {
    '/EFI/BOOT/BOOTX64.EFI': 70_000,
    '/EFI/BOOT/BOOTAA64.EFI': 65_537,
    '/tsboot/kernel-x86_64.elf': 300_001,
    '/tsboot/kernel-aarch64.elf': 280_000,
    '/EFI/tools/extra.bin': 3 * MiB + 5,
  };
  for (const [esp, size] of Object.entries(sizes)) {
    const host = path.join(dir, path.basename(esp));
    fs.writeFileSync(host, crypto.randomBytes(size));
    files[esp] = host;
  }
  return { files };
}

test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-image-test-'));
});

test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('ESP paths and --add parsing', () => {
  assert.is(espPath('/EFI/BOOT/BOOTX64.EFI'), '\\EFI\\BOOT\\BOOTX64.EFI');
  assert.is(espPath('\\tsboot\\boot.cfg'), '\\tsboot\\boot.cfg');
  assert.equal(parseAdd('/home/u/a:b/Shell.efi:/EFI/tools/Shell.efi'), { host: '/home/u/a:b/Shell.efi', esp: '\\EFI\\tools\\Shell.efi' });
  assert.throws(() => parseAdd('nocolon'), /expected <host file>:<path on the ESP>/);
  assert.throws(() => parseAdd('x:/EFI/a*b'), /cannot contain/);
  assert.throws(() => parseAdd('x:/'), /root directory/);
  assert.throws(() => parseAdd('x:/EFI/../b'), /must not contain/);
});

test('a GPT + FAT32 image with every file readable at the partition offset', () => {
  const inp = makeInputs();
  const out = path.join(tmp, 'out', 'tsboot.img');
  const args = ['--no-build', '--out', out, '--size', '80', '--label', 'tstest', '--cmdline', 'loglevel=3 test'];
  for (const [esp, host] of Object.entries(inp.files)) args.push('--add', `${host}:${esp}`);
  const r = runCli(args);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, 'partitioning');
  assert.match(r.stderr, 'formatting: FAT32');
  assert.is(fs.statSync(out).size, 80 * MiB);
  assert.equal(fs.readdirSync(path.dirname(out)), ['tsboot.img'], 'no temporary file left');

  const p = checkGpt(out);
  assert.is(p.espName, 'EFI System Partition');
  assert.is(p.espStart, 2048);
  checkFat32(out, p);

  // sfdisk agrees (a second, independent reader of the table).
  const sf = JSON.parse(spawnSync('sfdisk', ['--json', out], { encoding: 'utf8' }).stdout);
  assert.is(sf.partitiontable.partitions[0].start, p.espStart);
  assert.is(sf.partitiontable.partitions[0].type, ESP_TYPE_GUID);

  const vol = { image: out, offset: p.espStart * 512 };
  const listed = listTree(vol).map((s) => s.toUpperCase()).sort();
  const expected = [...Object.keys(inp.files), '/tsboot/boot.cfg'];
  for (const f of expected) assert.ok(listed.includes(f.toUpperCase()), `${f} listed (got ${listed.join(' ')})`);
  for (const [esp, host] of Object.entries(inp.files)) {
    const back = path.join(tmp, 'readback');
    mcopyOut(vol, esp, back);
    assert.ok(fs.readFileSync(back).equals(fs.readFileSync(host)), `${esp} reads back identical`);
  }
  const cfgBack = path.join(tmp, 'boot.cfg');
  mcopyOut(vol, '/tsboot/boot.cfg', cfgBack);
  const cfg = fs.readFileSync(cfgBack, 'latin1');
  const lines = cfg.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#'));
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  assert.equal(lines, [
    'verbose=no',
    'entry=tsboot', '  arch=x86_64', '  protocol=tsboot', '  path=\\tsboot\\kernel-x86_64.elf', '  cmdline=loglevel=3 test',
    `  sha256=${sha(inp.files['/tsboot/kernel-x86_64.elf'])}`,
    'entry=tsboot', '  arch=aarch64', '  protocol=tsboot', '  path=\\tsboot\\kernel-aarch64.elf', '  cmdline=loglevel=3 test',
    `  sha256=${sha(inp.files['/tsboot/kernel-aarch64.elf'])}`,
  ], 'boot.cfg: verbose=no, then one entry per architecture with its kernel\'s hash');
  // The loader's own parser reads it without an error, for both loaders.
  const checker = compileOrThrow(path.join(repoRoot, 'tests', 'subset', 'cfgcheck', 'main.ts'), 'x86_64-linux', path.join(tmp, 'cfgcheck'));
  for (const arch of ['x86_64', 'aarch64']) {
    const chk = spawnSync(checker, [cfgBack, arch], { encoding: 'utf8' });
    assert.is(chk.status, 0, chk.stdout);
    assert.match(chk.stdout, new RegExp(`'tsboot' ok protocol=tsboot arch=${arch} path=\\\\tsboot\\\\kernel-${arch}\\.elf cmdline="loglevel=3 test" sha256=`));
  }
  // The volume label is in the boot sector.
  const bs = Buffer.alloc(512);
  const fd = fs.openSync(out, 'r');
  fs.readSync(fd, bs, 0, 512, p.espStart * 512);
  fs.closeSync(fd);
  assert.is(bs.toString('latin1', 71, 82), 'TSTEST     ');
});

test('default size, one architecture, boot.cfg replaced with --add', () => {
  const inp = makeInputs();
  const out = path.join(tmp, 'one-arch.img');
  const myCfg = path.join(tmp, 'my.cfg');
  fs.writeFileSync(myCfg, 'cmdline=mine\n');
  const r = runCli([
    '--no-build', '--out', out, '--arch', 'x86_64',
    '--add', `${inp.files['/EFI/BOOT/BOOTX64.EFI']}:/EFI/BOOT/BOOTX64.EFI`,
    '--add', `${inp.files['/tsboot/kernel-x86_64.elf']}:\\tsboot\\kernel-x86_64.elf`,
    '--add', `${myCfg}:/TSBOOT/BOOT.CFG`,
  ]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, 'replaces the generated boot.cfg');
  assert.is(fs.statSync(out).size, 128 * MiB);
  const p = checkGpt(out);
  checkFat32(out, p);
  const listed = listTree({ image: out, offset: p.espStart * 512 }).map((s) => s.toUpperCase());
  assert.not.ok(listed.includes('/EFI/BOOT/BOOTAA64.EFI'), 'no aarch64 loader with --arch x86_64');
  const back = path.join(tmp, 'cfg-back');
  mcopyOut({ image: out, offset: p.espStart * 512 }, '/tsboot/boot.cfg', back);
  assert.is(fs.readFileSync(back, 'utf8'), 'cmdline=mine\n');
});

test('clear errors: missing input, too small, bad options; no stack traces', () => {
  const out = path.join(tmp, 'err.img');
  const missing = runCli(['--no-build', '--out', out, '--arch', 'x86_64', '--add', `${path.join(tmp, 'nope.efi')}:/EFI/BOOT/BOOTX64.EFI`]);
  assert.is(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, 'missing input file(s)');
  assert.match(missing.stderr, 'nope.efi');
  assert.not.ok(fs.existsSync(out), 'no image written');
  const small = runCli(['--no-build', '--out', out, '--size', '32']);
  assert.is(small.status, 1);
  assert.match(small.stderr, 'FAT32 needs 65525 clusters');
  const badAdd = runCli(['--no-build', '--out', out, '--add', 'nocolon']);
  assert.is(badAdd.status, 1);
  assert.match(badAdd.stderr, '<host file>:<path on the ESP>');
  const badLabel = runCli(['--no-build', '--out', out, '--label', 'much-too-long-label']);
  assert.is(badLabel.status, 1);
  for (const r of [missing, small, badAdd, badLabel]) assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  const help = runCli(['--help']);
  assert.is(help.status, 0);
  for (const o of ['--size', '--label', '--add', '--out', '--arch', '--no-build']) assert.match(help.stdout, o);
});

test.run();
