// The mtools wrapper and the ESP builder against the real mtools: build an image, list it
// with mdir, read files back with mcopy and compare bytes; failures carry the command and
// mtools' stderr.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildEsp } from '../../scripts/esp';
import { ToolError } from '../../scripts/exec';
import { fatPath, imageSpec, listTree, mcopyIn, mcopyOut, mdir, mformat, mmd } from '../../scripts/mtools';
import { tempDir } from './fixtures';

const tmp = tempDir('esp-test');
test.after(() => tmp.remove());

function file(name: string, bytes: Buffer): string {
  const p = path.join(tmp.dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

test('fatPath and imageSpec', () => {
  assert.is(fatPath('\\EFI\\BOOT\\BOOTX64.EFI'), '::/EFI/BOOT/BOOTX64.EFI');
  assert.is(fatPath('/tsboot//kernel.elf'), '::/tsboot/kernel.elf');
  assert.is(fatPath('EFI'), '::/EFI');
  assert.throws(() => fatPath('/EFI/../x'), /must not contain/);
  assert.is(imageSpec({ image: 'disk.img', offset: 1048576 }), 'disk.img@@1048576');
  assert.is(imageSpec('esp.img'), 'esp.img');
  assert.throws(() => imageSpec({ image: 'disk.img', offset: 100 }), /multiple of 512/);
});

test('buildEsp: nested directories, mdir listing, byte-exact read-back', () => {
  const loader = file('loader.bin', crypto.randomBytes(70_000));
  const kernel = file('kernel.bin', crypto.randomBytes(5_000));
  const cfg = file('boot.cfg', Buffer.from('kernel=/tsboot/kernel-x86_64.elf\n'));
  const img = path.join(tmp.dir, 'esp.img');
  buildEsp(img, [
    { hostPath: loader, espPath: '\\EFI\\BOOT\\BOOTX64.EFI' },
    { hostPath: kernel, espPath: '/tsboot/kernel-x86_64.elf' },
    { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
  ], { sizeMiB: 16 });
  assert.is(fs.statSync(img).size, 16 * 1024 * 1024);
  const tree = listTree(img);
  for (const want of ['/EFI/', '/EFI/BOOT/', '/EFI/BOOT/BOOTX64.EFI', '/tsboot/', '/tsboot/kernel-x86_64.elf', '/tsboot/boot.cfg']) {
    assert.ok(tree.includes(want), `${want} in ${JSON.stringify(tree)}`);
  }
  const listing = mdir(img, '/EFI/BOOT');
  assert.match(listing, /BOOTX64\s+EFI\s+70\s?000/);
  for (const [host, esp] of [[loader, '/EFI/BOOT/BOOTX64.EFI'], [kernel, '/tsboot/kernel-x86_64.elf'], [cfg, '/tsboot/boot.cfg']]) {
    const back = path.join(tmp.dir, 'back.bin');
    mcopyOut(img, esp, back);
    assert.ok(fs.readFileSync(back).equals(fs.readFileSync(host)), `${esp} reads back identical`);
  }
  // FAT16 for a 16 MiB image: the boot sector says so at offset 54.
  const bs = Buffer.alloc(62);
  const fd = fs.openSync(img, 'r');
  fs.readSync(fd, bs, 0, 62, 0);
  fs.closeSync(fd);
  assert.is(bs.toString('latin1', 54, 62), 'FAT16   ');
  assert.is(bs.readUInt16LE(11), 512, 'bytes per sector');
});

test('buildEsp: replacing an existing image, FAT32 size check, missing input', () => {
  const a = file('a.bin', Buffer.from('first'));
  const img = path.join(tmp.dir, 'esp2.img');
  buildEsp(img, [{ hostPath: a, espPath: '/A.BIN' }], { sizeMiB: 8 });
  buildEsp(img, [{ hostPath: a, espPath: '/B.BIN' }], { sizeMiB: 8 });
  assert.equal(listTree(img), ['/B.BIN']);
  assert.throws(() => buildEsp(img, [{ hostPath: a, espPath: '/A' }], { sizeMiB: 32, fat32: true }), /FAT32 ESP needs at least 64 MiB/);
  assert.throws(() => buildEsp(img, [{ hostPath: path.join(tmp.dir, 'nope.efi'), espPath: '/EFI/BOOT/BOOTX64.EFI' }]), /nope\.efi on the ESP as \/EFI\/BOOT\/BOOTX64\.EFI: the file does not exist/);
  assert.throws(() => buildEsp(img, [{ hostPath: a, espPath: '/x/A' }, { hostPath: a, espPath: '/X/a' }], { sizeMiB: 8 }), /same ESP path/);
});

test('mtools errors carry the command and its stderr', () => {
  const missing = path.join(tmp.dir, 'missing.img');
  try {
    mcopyIn(missing, path.join(tmp.dir, 'a.bin'), '/A.BIN');
    assert.unreachable('mcopy into a missing image succeeded');
  } catch (e) {
    assert.instance(e, ToolError);
    const msg = (e as Error).message;
    assert.match(msg, /`mcopy -i \S*missing\.img -D o \S*a\.bin ::\/A\.BIN` exited with status 1/);
    assert.match(msg, /Can't open \S*missing\.img: No such file or directory/);
    assert.match((e as ToolError).stderr, /No such file/);
  }
  // FAT32 on a 32 MiB file: mtools' own refusal surfaces unchanged.
  const small = path.join(tmp.dir, 'small.img');
  fs.writeFileSync(small, '');
  fs.truncateSync(small, 32 * 1024 * 1024);
  assert.throws(() => mformat(small, { fat32: true }), /mformat .*-F[\s\S]*Too few clusters for 32 bit fat/);
  // mmd of a directory that exists fails (mtools would prompt; stdin is empty).
  mformat(small, { label: 'T' });
  mmd(small, ['/D']);
  assert.throws(() => mmd(small, ['/D']), (e: unknown) => e instanceof ToolError && /mmd/.test((e as Error).message));
  assert.throws(() => mformat(small, { label: 'lower case' }), /volume label/);
});

test('mtools at a partition offset (image@@offset)', () => {
  const disk = path.join(tmp.dir, 'disk.img');
  fs.writeFileSync(disk, '');
  fs.truncateSync(disk, 10 * 1024 * 1024);
  const vol = { image: disk, offset: 1024 * 1024 };
  mformat(vol, { sectors: (9 * 1024 * 1024) / 512 });
  const data = file('p.bin', crypto.randomBytes(3000));
  mmd(vol, ['/EFI']);
  mcopyIn(vol, data, '/EFI/P.BIN');
  assert.equal(listTree(vol), ['/EFI/', '/EFI/P.BIN']);
  // The first MiB (where a partition table would be) is untouched.
  const head = Buffer.alloc(1024 * 1024);
  const fd = fs.openSync(disk, 'r');
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  assert.ok(head.every((b) => b === 0), 'bytes before the offset stay zero');
  const back = path.join(tmp.dir, 'p.back');
  mcopyOut(vol, '/EFI/P.BIN', back);
  assert.ok(fs.readFileSync(back).equals(fs.readFileSync(data)));
});

test.run();
