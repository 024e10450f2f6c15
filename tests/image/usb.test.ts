// The USB writer (scripts/usb.ts) against a fake sysfs/proc tree built in a temp dir and
// regular files standing in for the block devices: every refusal, the write + verify path,
// a verify failure, the typed confirmation and --dry-run. As root, also on a loop device
// (a real block device over a temp file): the exclusive open refuses a second writer and a
// mounted device. Nothing here touches a real disk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  blockSizeFromMiB,
  checkBlockSize,
  checkDevice,
  inspectDevice,
  RefusedError,
  REAL_ENV,
  TEST_ROOT_ENV,
  UsbEnv,
  UsbError,
  writeImageToDevice,
} from '../../scripts/usb';
import { onPath, testIf } from '../lib/skip';

const MiB = 1048576;
const USB_PARENT = 'devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0';
const ATA_PARENT = 'devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0';

interface FakeDisk {
  name: string;
  major: number;
  minor: number;
  /** Directory of the SCSI device the disk hangs off, relative to sys/. */
  parent: string;
  removable: boolean;
  sizeBytes: number;
  vendor?: string;
  model?: string;
  partitions?: number;
  /** dm devices stacked on partition 1 (sys/block/<dm>/slaves/<disk>1). */
  dmOnPart1?: string;
}

interface Fake {
  root: string;
  env: UsbEnv;
  dev(name: string): string;
  setMountinfo(lines: string[]): void;
}

let tmp: string;

function write(p: string, s: string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, s);
}

function symlink(target: string, link: string): void {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link);
}

/** Lays out the parts of sysfs the writer reads, the way the kernel does. */
function makeFake(disks: FakeDisk[], mountinfo: string[] = [], swaps = ''): Fake {
  const root = fs.mkdtempSync(path.join(tmp, 'sys-'));
  const sys = path.join(root, 'sys');
  const add = (dir: string, name: string, dev: string): void => {
    write(path.join(dir, 'dev'), dev + '\n');
    fs.mkdirSync(path.join(dir, 'holders'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'slaves'), { recursive: true });
    symlink(path.relative(path.join(sys, 'class', 'block'), dir), path.join(sys, 'class', 'block', name));
    symlink(path.relative(path.join(sys, 'dev', 'block'), dir), path.join(sys, 'dev', 'block', dev));
  };
  for (const d of disks) {
    const scsi = path.join(sys, d.parent);
    const dir = path.join(scsi, 'block', d.name);
    add(dir, d.name, `${d.major}:${d.minor}`);
    write(path.join(dir, 'removable'), d.removable ? '1\n' : '0\n');
    write(path.join(dir, 'size'), `${d.sizeBytes / 512}\n`);
    write(path.join(scsi, 'vendor'), (d.vendor ?? 'Generic ') + '\n');
    write(path.join(scsi, 'model'), (d.model ?? 'Flash Disk      ') + '\n');
    symlink('../../../' + path.basename(d.parent), path.join(dir, 'device'));
    symlink(path.relative(path.join(sys, 'block'), dir), path.join(sys, 'block', d.name));
    write(path.join(root, 'dev', d.name), '');
    fs.truncateSync(path.join(root, 'dev', d.name), d.sizeBytes);
    for (let p = 1; p <= (d.partitions ?? 0); p++) {
      const pdir = path.join(dir, `${d.name}${p}`);
      add(pdir, `${d.name}${p}`, `${d.major}:${d.minor + p}`);
      write(path.join(pdir, 'partition'), `${p}\n`);
      write(path.join(root, 'dev', `${d.name}${p}`), '');
    }
    if (d.dmOnPart1) {
      const dm = path.join(sys, 'devices', 'virtual', 'block', d.dmOnPart1);
      add(dm, d.dmOnPart1, `254:${d.minor}`);
      symlink(path.relative(path.join(dm, 'slaves'), path.join(dir, `${d.name}1`)), path.join(dm, 'slaves', `${d.name}1`));
      symlink(path.relative(path.join(dir, `${d.name}1`, 'holders'), dm), path.join(dir, `${d.name}1`, 'holders', d.dmOnPart1));
    }
  }
  const fake: Fake = {
    root,
    env: { sysfsRoot: sys, procRoot: path.join(root, 'proc'), allowRegularFile: true },
    dev: (name) => path.join(root, 'dev', name),
    setMountinfo: (lines) => {
      write(path.join(root, 'proc', 'self', 'mountinfo'), lines.join('\n') + '\n');
      // /proc/mounts: source mountpoint fstype options 0 0
      write(
        path.join(root, 'proc', 'mounts'),
        lines.map((l) => { const f = l.split(' '); const s = f.indexOf('-'); return `${f[s + 2]} ${f[4]} ${f[s + 1]} rw 0 0`; }).join('\n') + '\n',
      );
    },
  };
  fake.setMountinfo(mountinfo);
  write(path.join(root, 'proc', 'swaps'), 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' + swaps);
  return fake;
}

// The machine: an internal SATA disk sda (root on sda2) and a USB stick sdb.
const SDA: FakeDisk = { name: 'sda', major: 8, minor: 0, parent: ATA_PARENT, removable: false, sizeBytes: 64 * MiB, partitions: 2, vendor: 'ATA     ', model: 'Samsung SSD 870 ' };
const SDB: FakeDisk = { name: 'sdb', major: 8, minor: 16, parent: USB_PARENT, removable: true, sizeBytes: 16 * MiB, partitions: 1, vendor: 'SanDisk ', model: 'Cruzer Blade    ' };
const ROOT_ON_SDA2 = ['27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw', '22 27 0:21 / /proc rw,relatime - proc proc rw'];

function codesFor(fake: Fake, device: string, imageBytes = 4 * MiB, allowNonRemovable = false): string[] {
  const info = inspectDevice(device, fake.env);
  return checkDevice(info, fake.env, { imageBytes, allowNonRemovable }).map((r) => r.code);
}

/** An image of a few MiB with a tail that is not a multiple of the block size. */
function makeImage(bytes = 3 * MiB + 1234): string {
  const p = path.join(fs.mkdtempSync(path.join(tmp, 'img-')), 'tsboot.img');
  fs.writeFileSync(p, crypto.randomBytes(bytes));
  return p;
}

const quiet = { log: () => {}, progress: () => {} };

test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-usb-test-'));
});

test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a healthy USB stick passes every check', () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  assert.equal(codesFor(fake, fake.dev('sdb')), []);
  const info = inspectDevice(fake.dev('sdb'), fake.env);
  assert.is(info.name, 'sdb');
  assert.is(info.usb, true);
  assert.is(info.removable, true);
  assert.is(info.vendor, 'SanDisk');
  assert.is(info.model, 'Cruzer Blade');
  assert.is(info.sizeBytes, 16 * MiB);
  assert.equal(info.partitions.map((p) => p.name), ['sdb1']);
});

test('refuses a disk that is not removable', () => {
  const fake = makeFake([SDA, { ...SDB, removable: false }], ROOT_ON_SDA2);
  assert.equal(codesFor(fake, fake.dev('sdb')), ['not-removable']);
  // --allow-non-removable lifts only that check.
  assert.equal(codesFor(fake, fake.dev('sdb'), 4 * MiB, true), []);
});

test('refuses a removable disk that is not on USB', () => {
  const sdc: FakeDisk = { ...SDB, name: 'sdc', minor: 32, parent: 'devices/pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0' };
  const fake = makeFake([SDA, sdc], ROOT_ON_SDA2);
  assert.equal(codesFor(fake, fake.dev('sdc')), ['not-usb']);
});

test('refuses a stick with a mounted partition (mountinfo and /proc/mounts)', () => {
  const fake = makeFake([SDA, SDB], [...ROOT_ON_SDA2, '40 27 8:17 / /media/user/STICK\\040A rw,nosuid - vfat /dev/sdb1 rw']);
  assert.equal(codesFor(fake, fake.dev('sdb')), ['mounted']);
  const e = refusalOf(fake, fake.dev('sdb'));
  assert.match(e.message, '/dev/sdb1 on /media/user/STICK A');
  // Only /proc/mounts knows about it (a mountinfo without the line, e.g. another namespace view).
  fs.writeFileSync(path.join(fake.root, 'proc', 'self', 'mountinfo'), ROOT_ON_SDA2.join('\n') + '\n');
  fs.appendFileSync(path.join(fake.root, 'proc', 'mounts'), '/dev/sdb /mnt vfat rw 0 0\n');
  assert.equal(codesFor(fake, fake.dev('sdb')), ['mounted']);
});

test('refuses a stick used as swap', () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2, '/dev/sdb1\tpartition\t1024\t0\t-2\n');
  assert.equal(codesFor(fake, fake.dev('sdb')), ['swap']);
});

test('refuses the disk holding the root file system', () => {
  // A USB disk that the system runs from (a live stick): root is on sdb1.
  const fake = makeFake([SDA, SDB], ['27 1 8:17 / / rw,relatime - ext4 /dev/sdb1 rw']);
  const codes = codesFor(fake, fake.dev('sdb'));
  assert.ok(codes.includes('root'), codes.join());
  assert.match(refusalOf(fake, fake.dev('sdb')).message, "holds the running system's root");
  // The internal disk: root, mounted, not USB and not removable are all reported at once.
  const fake2 = makeFake([SDA, SDB], ROOT_ON_SDA2);
  assert.equal(codesFor(fake2, fake2.dev('sda')), ['root', 'mounted', 'not-usb', 'not-removable']);
});

test('finds the root disk through device-mapper (LUKS/LVM root on the stick)', () => {
  const fake = makeFake([SDA, { ...SDB, dmOnPart1: 'dm-0' }], ['27 1 254:16 / / rw - ext4 /dev/mapper/root rw']);
  const codes = codesFor(fake, fake.dev('sdb'));
  assert.ok(codes.includes('root'), codes.join());
  assert.ok(codes.includes('in-use'), codes.join());
  // btrfs reports an anonymous 0:N device; the source names the device instead.
  const fake2 = makeFake([SDA, SDB], ['27 1 0:33 / / rw - btrfs /dev/sdb1 rw']);
  assert.ok(codesFor(fake2, fake2.dev('sdb')).includes('root'));
});

test('refuses a partition and names the whole disk', () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  assert.equal(codesFor(fake, fake.dev('sdb1')), ['partition']);
  assert.match(refusalOf(fake, fake.dev('sdb1')).message, '/dev/sdb');
});

test('refuses a stick smaller than the image', () => {
  const fake = makeFake([SDA, { ...SDB, sizeBytes: 2 * MiB }], ROOT_ON_SDA2);
  assert.equal(codesFor(fake, fake.dev('sdb'), 3 * MiB), ['too-small']);
});

test('a real run refuses a regular file (not a block device)', async () => {
  const img = makeImage(4096);
  const target = path.join(tmp, 'plain-file');
  fs.writeFileSync(target, Buffer.alloc(8192));
  try {
    await writeImageToDevice({ image: img, device: target, env: REAL_ENV, yes: true, ...quiet });
    assert.unreachable('wrote to a regular file');
  } catch (e) {
    assert.instance(e, RefusedError);
    assert.equal((e as RefusedError).refusals.map((r) => r.code), ['not-block-device']);
  }
  assert.ok(fs.readFileSync(target).equals(Buffer.alloc(8192)));
});

function refusalOf(fake: Fake, device: string): RefusedError {
  const info = inspectDevice(device, fake.env);
  const refusals = checkDevice(info, fake.env, { imageBytes: MiB });
  return new RefusedError(device, refusals);
}

test('writes, fsyncs and verifies on a file-backed target', async () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage();
  const target = fake.dev('sdb');
  fs.writeFileSync(target, Buffer.alloc(16 * MiB, 0xa5));
  const phases: string[] = [];
  const res = await writeImageToDevice({
    image: img, device: target, env: fake.env, yes: true, blockSize: MiB,
    log: () => {}, progress: (done, total, phase) => { phases.push(`${phase}:${done}/${total}`); },
  });
  const imgBytes = fs.readFileSync(img);
  const out = fs.readFileSync(target);
  assert.is(res.wrote, true);
  assert.is(res.written, imgBytes.length);
  assert.is(res.sha256, crypto.createHash('sha256').update(imgBytes).digest('hex'));
  assert.ok(out.subarray(0, imgBytes.length).equals(imgBytes), 'target holds the image');
  // The rest of the "device" is untouched and its size unchanged (a device cannot grow or shrink).
  assert.is(out.length, 16 * MiB);
  assert.ok(out.subarray(imgBytes.length).equals(Buffer.alloc(16 * MiB - imgBytes.length, 0xa5)));
  // 4 blocks of 1 MiB (the last one partial) were written and then read back.
  assert.equal(phases.filter((p) => p.startsWith('write')).length, 5);
  assert.ok(phases.includes(`verify:${imgBytes.length}/${imgBytes.length}`));
});

test('a target that reads back differently fails verification', async () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage();
  const target = fake.dev('sdb');
  const where = 2 * MiB + 77;
  try {
    await writeImageToDevice({
      image: img, device: target, env: fake.env, yes: true, blockSize: MiB, ...quiet,
      beforeVerify: (t) => {
        // What a failing or counterfeit stick does: one byte comes back changed.
        const fd = fs.openSync(t, 'r+');
        const b = Buffer.alloc(1);
        fs.readSync(fd, b, 0, 1, where);
        b[0] ^= 0xff;
        fs.writeSync(fd, b, 0, 1, where);
        fs.closeSync(fd);
      },
    });
    assert.unreachable('verification passed on a corrupted target');
  } catch (e) {
    assert.instance(e, UsbError);
    assert.match((e as Error).message, 'verification FAILED');
    assert.match((e as Error).message, `first difference at byte ${where}`);
  }
});

test('a target that ends early (truncated) fails verification', async () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage();
  try {
    await writeImageToDevice({
      image: img, device: fake.dev('sdb'), env: fake.env, yes: true, blockSize: MiB, ...quiet,
      beforeVerify: (t) => fs.truncateSync(t, MiB + 5),
    });
    assert.unreachable('verification passed on a truncated target');
  } catch (e) {
    assert.match((e as Error).message, `first difference at byte ${MiB + 5}`);
  }
});

test('the typed confirmation must name the device', async () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage();
  const target = fake.dev('sdb');
  const before = fs.readFileSync(target);
  const questions: string[] = [];
  try {
    await writeImageToDevice({ image: img, device: target, env: fake.env, ...quiet, ask: async (q) => { questions.push(q); return 'sda'; } });
    assert.unreachable('wrote after a wrong confirmation');
  } catch (e) {
    assert.match((e as Error).message, 'does not match sdb');
  }
  assert.is(questions.length, 1);
  assert.match(questions[0], 'sdb');
  assert.ok(fs.readFileSync(target).equals(before), 'nothing written');
  const ok = await writeImageToDevice({ image: img, device: target, env: fake.env, ...quiet, ask: async () => 'sdb\n' });
  assert.is(ok.wrote, true);
  assert.ok(fs.readFileSync(target).subarray(0, 3 * MiB + 1234).equals(fs.readFileSync(img)));
});

test('--dry-run checks but writes nothing', async () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage();
  const target = fake.dev('sdb');
  const before = fs.readFileSync(target);
  const mtime = fs.statSync(target).mtimeMs;
  const lines: string[] = [];
  const res = await writeImageToDevice({ image: img, device: target, env: fake.env, dryRun: true, log: (l) => lines.push(l), progress: () => {}, ask: async () => { throw new Error('dry run asked'); } });
  assert.is(res.wrote, false);
  assert.ok(fs.readFileSync(target).equals(before));
  assert.is(fs.statSync(target).mtimeMs, mtime);
  assert.match(lines.join('\n'), 'would write');
  assert.match(lines.join('\n'), 'SanDisk Cruzer Blade');
  // A dry run still refuses a bad device.
  try {
    await writeImageToDevice({ image: img, device: fake.dev('sda'), env: fake.env, dryRun: true, ...quiet });
    assert.unreachable('dry run accepted the root disk');
  } catch (e) {
    assert.instance(e, RefusedError);
  }
});

const CLI = path.join(__dirname, '..', '..', 'scripts', 'usb.js');

test('the CLI: --dry-run, refusals without stack traces, --help', () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const img = makeImage(64 * 1024);
  const env = { ...process.env, [TEST_ROOT_ENV]: fake.root };
  const before = fs.readFileSync(fake.dev('sdb'));
  const dry = spawnSync(process.execPath, [CLI, '--device', fake.dev('sdb'), '--image', img, '--dry-run'], { env, encoding: 'utf8' });
  assert.is(dry.status, 0, dry.stderr);
  assert.match(dry.stderr, 'dry run: would write 65536 bytes');
  assert.ok(fs.readFileSync(fake.dev('sdb')).equals(before));

  const bad = spawnSync(process.execPath, [CLI, '--device', fake.dev('sda'), '--image', img, '--yes'], { env, encoding: 'utf8' });
  assert.is(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, 'refusing to write');
  assert.not.match(bad.stderr, /\n\s+at /, 'no stack trace');

  const missing = spawnSync(process.execPath, [CLI, '--device', fake.dev('sdb'), '--image', path.join(tmp, 'nope.img'), '--yes'], { env, encoding: 'utf8' });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'npm run image');

  const real = spawnSync(process.execPath, [CLI, '--device', '/dev/tsboot-no-such-disk', '--image', img, '--dry-run'], { encoding: 'utf8', env: { ...process.env, [TEST_ROOT_ENV]: '' } });
  assert.is(real.status, 1);
  assert.match(real.stderr, 'no such device');

  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, '--device');
  assert.match(help.stdout, '--dry-run');
});

test('bad options: one line each (--block-size in MiB, its unit), exit 1, no stack trace, checked before anything is opened', () => {
  const fake = makeFake([SDA, SDB], ROOT_ON_SDA2);
  const env = { ...process.env, [TEST_ROOT_ENV]: fake.root };
  const before = fs.readFileSync(fake.dev('sdb'));
  // The image does not exist: an option error must come first, before the image is looked at.
  const base = ['--device', fake.dev('sdb'), '--image', path.join(tmp, 'not-there.img'), '--yes'];
  const cases: Array<[string[], string | RegExp]> = [
    [['--block-size', '8192'], 'usb: --block-size must be at most 64 MiB, got 8192 MiB'],
    [['--block-size', '65'], 'usb: --block-size must be at most 64 MiB, got 65 MiB'],
    [['--block-size', '0'], 'usb: --block-size must be more than 0 MiB, got 0 MiB'],
    [['--block-size', '0.001'], 'usb: --block-size must be a whole number of 4 KiB units (a multiple of 1/256 MiB, e.g. 0.25, 1 or 4), got 0.001 MiB'],
    [['--block-size', '-1'], 'usb: --block-size takes a number of MiB (e.g. 4 or 0.5), got "-1"'],
    [['--block-size', 'abc'], 'usb: --block-size takes a number of MiB (e.g. 4 or 0.5), got "abc"'],
    [['--block-size', '1e3'], 'usb: --block-size takes a number of MiB (e.g. 4 or 0.5), got "1e3"'],
    [['--block-size'], 'usb: --block-size takes a number of MiB (e.g. 4 or 0.5), got ""'],
    [['--block-size', '1', '--block-size', '2'], 'usb: --block-size was given 2 times; give it once'],
    [['--image', 'other.img'], 'usb: --image was given 2 times; give it once'],
    [['--device', fake.dev('sda')], 'usb: --device was given 2 times; give it once'],
    [['--frobnicate'], /Unknown argument: frobnicate/],
  ];
  for (const [extra, msg] of cases) {
    const r = spawnSync(process.execPath, [CLI, ...base, ...extra], { env, encoding: 'utf8' });
    const what = extra.join(' ');
    assert.is(r.status, 1, `${what}: ${r.stderr}`);
    if (typeof msg === 'string') assert.is(r.stderr.trim().split('\n').pop(), msg, what);
    else assert.match(r.stderr, msg, what);
    assert.not.match(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    assert.not.match(r.stderr, /internal error/, what);
  }
  const noDevice = spawnSync(process.execPath, [CLI, '--device'], { env, encoding: 'utf8' });
  assert.is(noDevice.status, 1, noDevice.stderr);
  assert.is(noDevice.stderr.trim(), 'usb: --device needs a value, e.g. --device /dev/sdb');
  const noImage = spawnSync(process.execPath, [CLI, '--device', fake.dev('sdb'), '--yes', '--image'], { env, encoding: 'utf8' });
  assert.is(noImage.status, 1, noImage.stderr);
  assert.is(noImage.stderr.trim(), 'usb: --image needs a value, e.g. --image build/tsboot.img');
  assert.ok(fs.readFileSync(fake.dev('sdb')).equals(before), 'the stand-in device was not touched');
});

// ---- a real block device: a loop device (root only) -----------------------------------
// The fake tree above describes the device (a removable USB disk), but the node written is
// a real loop device, so the kernel's own rules apply: O_EXCL on a block device fails with
// EBUSY while another exclusive opener or a mount holds it. Needs root (CI runs as root):
// otherwise a skip saying so, and under CI=true a failure.

function noLoopDevice(): string | undefined {
  const uid = process.getuid?.();
  if (uid !== 0) return `needs root to set up a loop device (id -u is ${uid}); CI runs these as root`;
  const tools: Array<[string, string]> = [['losetup', 'mount'], ['mount', 'mount'], ['umount', 'mount'], ['mkfs.ext2', 'e2fsprogs']];
  for (const [tool, pkg] of tools) if (!onPath(tool)) return `needs ${tool} (Debian package ${pkg})`;
  if (!fs.existsSync('/dev/loop-control')) return 'needs loop devices (/dev/loop-control is missing: modprobe loop)';
  return undefined;
}
const NO_LOOP = noLoopDevice();

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** A loop device over a fresh `bytes`-byte file of random data, a fake tree describing it
 *  as a removable USB disk, and its original contents; detached afterwards. */
async function withLoopDevice(bytes: number, fn: (dev: string, fake: Fake, original: Buffer) => Promise<void>): Promise<void> {
  const backing = path.join(fs.mkdtempSync(path.join(tmp, 'loop-')), 'backing.img');
  fs.writeFileSync(backing, crypto.randomBytes(bytes));
  const dev = run('losetup', ['--find', '--show', backing]);
  try {
    const name = path.basename(dev);
    const [major, minor] = fs.readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim().split(':').map(Number);
    const fake = makeFake([{ name, major, minor, parent: USB_PARENT, removable: true, sizeBytes: bytes }]);
    await fn(dev, fake, fs.readFileSync(backing));
  } finally {
    spawnSync('losetup', ['--detach', dev]);
  }
}

/** The first `n` bytes of a block device, read without the page cache's help being needed. */
function deviceBytes(dev: string, n: number): Buffer {
  const fd = fs.openSync(dev, 'r');
  try {
    const b = Buffer.alloc(n);
    fs.readSync(fd, b, 0, n, 0);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

testIf(test, 'loop device: while one opener holds it exclusively, a second writer is refused (EBUSY) with a clear message; then it writes', NO_LOOP, async () => {
  await withLoopDevice(8 * MiB, async (dev, fake, original) => {
    const img = makeImage(MiB + 4096);
    const env = { ...process.env, [TEST_ROOT_ENV]: fake.root };
    // The first writer: an exclusive open, as the writer itself makes.
    const holder = fs.openSync(dev, fs.constants.O_RDONLY | fs.constants.O_EXCL);
    let second: ReturnType<typeof spawnSync> & { stderr: string };
    try {
      second = spawnSync(process.execPath, [CLI, '--device', dev, '--image', img, '--yes'], { env, encoding: 'utf8' });
    } finally {
      fs.closeSync(holder);
    }
    assert.is(second.status, 1, second.stderr);
    assert.match(second.stderr, `usb: ${dev} is busy (opened exclusively by someone else, e.g. mounted or part of a device-mapper stack); unmount or close it first`);
    assert.not.match(second.stderr, /\n\s+at |internal error/, 'no stack trace');
    assert.ok(deviceBytes(dev, original.length).equals(original), 'the refused writer wrote nothing');

    // Released: the same command writes and verifies (O_DIRECT read-back on a real device).
    const third = spawnSync(process.execPath, [CLI, '--device', dev, '--image', img, '--yes'], { env, encoding: 'utf8' });
    assert.is(third.status, 0, third.stderr);
    assert.match(third.stderr, /verified: 1052672 bytes read back \(O_DIRECT/);
    const want = fs.readFileSync(img);
    assert.ok(deviceBytes(dev, want.length).equals(want), 'the device holds the image');
  });
});

testIf(test, 'loop device: a mounted device is refused, by the mount check and, if a mount appears after the checks, by the exclusive open', NO_LOOP, async () => {
  await withLoopDevice(8 * MiB, async (dev, fake) => {
    run('mkfs.ext2', ['-q', '-F', dev]);
    const mnt = fs.mkdtempSync(path.join(tmp, 'mnt-'));
    run('mount', [dev, mnt]);
    try {
      const formatted = deviceBytes(dev, 2 * MiB);
      const img = makeImage(MiB);
      // The kernel's real mount table: the check refuses before anything is opened.
      const realMounts: UsbEnv = { sysfsRoot: fake.env.sysfsRoot, procRoot: '/proc', allowRegularFile: false };
      try {
        await writeImageToDevice({ image: img, device: dev, env: realMounts, yes: true, ...quiet });
        assert.unreachable('a mounted device was written');
      } catch (e) {
        assert.instance(e, RefusedError);
        assert.equal((e as RefusedError).refusals.map((r) => r.code), ['mounted']);
        assert.match((e as Error).message, `it is mounted: ${dev} on ${mnt}; unmount it first`);
      }
      // A mount table that does not show it yet (the mount came after the checks): the
      // exclusive open is the last guard.
      try {
        await writeImageToDevice({ image: img, device: dev, env: fake.env, yes: true, ...quiet });
        assert.unreachable('a mounted device was opened for writing');
      } catch (e) {
        assert.instance(e, UsbError);
        assert.not.instance(e, RefusedError);
        assert.match((e as Error).message, `${dev} is busy (opened exclusively by someone else, e.g. mounted`);
      }
      assert.ok(deviceBytes(dev, formatted.length).equals(formatted), 'the mounted file system was not touched');
    } finally {
      run('umount', [mnt]);
    }
  });
});

test('blockSizeFromMiB: MiB as typed -> bytes; the API checks bytes with the same bound', () => {
  assert.is(blockSizeFromMiB('4'), 4 * MiB);
  assert.is(blockSizeFromMiB('0.25'), MiB / 4);
  assert.is(blockSizeFromMiB('64'), 64 * MiB);
  assert.throws(() => blockSizeFromMiB('64.5'), /at most 64 MiB, got 64.5 MiB/);
  assert.throws(() => checkBlockSize(8192 * MiB), /at most 64 MiB, got 8192 MiB/);
  assert.throws(() => checkBlockSize(4097), /4 KiB units/);
});

test.run();
