// ovmf/firmware.ts against the installed Debian firmware: location, the per-run VARS copy
// and its cleanup, and the error for missing firmware.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FirmwareNotFoundError, firmwareNamesFor, locateFirmware, prepareFirmware } from '../../ovmf/firmware';
import { tempDir } from './fixtures';

test('x86_64: the 4 MiB OVMF pair is preferred', () => {
  const fw = locateFirmware('x86_64');
  assert.is(path.basename(fw.code), 'OVMF_CODE_4M.fd');
  assert.is(path.basename(fw.varsTemplate!), 'OVMF_VARS_4M.fd');
  assert.is(fw.pkg, 'ovmf');
  // The 4 MiB build's VARS volume is 540 KiB; its CODE is several MiB.
  assert.ok(fs.statSync(fw.code).size > 2 * 1024 * 1024, 'CODE is the 4 MiB build');
});

test('aarch64: AAVMF pair', () => {
  const fw = locateFirmware('aarch64');
  assert.is(path.basename(fw.code), 'AAVMF_CODE.fd');
  assert.is(path.basename(fw.varsTemplate!), 'AAVMF_VARS.fd');
  assert.is(fw.pkg, 'qemu-efi-aarch64');
});

test('the other firmware: U-Boot images for -bios, the 2 MiB and Secure Boot OVMF builds', () => {
  for (const [arch, file] of [['x86_64', 'u-boot.rom'], ['aarch64', 'u-boot.bin']] as const) {
    const u = locateFirmware(arch, { firmware: 'uboot' });
    assert.is(path.basename(u.code), file);
    assert.is(u.varsTemplate, undefined, 'U-Boot has no VARS volume');
    assert.is(u.pkg, 'u-boot-qemu');
    const inst = prepareFirmware(arch, { firmware: 'uboot' });
    assert.is(inst.vars, undefined);
    inst.cleanup();
  }
  const two = locateFirmware('x86_64', { firmware: 'edk2-2m' });
  assert.is(path.basename(two.code), 'OVMF_CODE.fd');
  const sb = locateFirmware('x86_64', { firmware: 'edk2-secboot' });
  assert.is(path.basename(sb.code), 'OVMF_CODE_4M.secboot.fd');
  assert.is(path.basename(sb.varsTemplate!), 'OVMF_VARS_4M.fd', 'no keys enrolled: Secure Boot stays off for the unsigned loader');
  assert.ok(sb.smm);
  assert.equal(firmwareNamesFor('aarch64'), ['edk2', 'uboot']);
  assert.throws(() => locateFirmware('aarch64', { firmware: 'edk2-secboot' }), /no edk2-secboot firmware for aarch64; use one of: edk2, uboot/);
});

test('falls back to the 2 MiB pair, and CODE/VARS must match', () => {
  const t = tempDir('fw-test');
  try {
    // Only a 4 MiB CODE without its VARS, plus a complete 2 MiB pair.
    fs.writeFileSync(path.join(t.dir, 'OVMF_CODE_4M.fd'), 'code4');
    fs.writeFileSync(path.join(t.dir, 'OVMF_CODE.fd'), 'code2');
    fs.writeFileSync(path.join(t.dir, 'OVMF_VARS.fd'), 'vars2');
    const fw = locateFirmware('x86_64', { dirs: [t.dir] });
    assert.is(fw.code, path.join(t.dir, 'OVMF_CODE.fd'));
    assert.is(fw.varsTemplate, path.join(t.dir, 'OVMF_VARS.fd'));
  } finally {
    t.remove();
  }
});

test('missing firmware names the apt package', () => {
  const empty = tempDir('fw-empty');
  try {
    for (const [arch, pkg] of [['x86_64', 'ovmf'], ['aarch64', 'qemu-efi-aarch64']] as const) {
      try {
        locateFirmware(arch, { dirs: [empty.dir] });
        assert.unreachable('found firmware in an empty directory');
      } catch (e) {
        assert.instance(e, FirmwareNotFoundError);
        assert.match((e as Error).message, new RegExp(`no ${arch} UEFI firmware found`));
        assert.match((e as Error).message, new RegExp(`apt-get install -y ${pkg}`));
      }
    }
    assert.throws(() => locateFirmware('aarch64', { dirs: [empty.dir], firmware: 'uboot' }), /no U-Boot \(UEFI\) for aarch64 found .*apt-get install -y u-boot-qemu/s);
  } finally {
    empty.remove();
  }
});

test('prepareFirmware: private writable VARS copy, removed by cleanup', () => {
  const a = prepareFirmware('x86_64');
  const b = prepareFirmware('x86_64');
  try {
    assert.is.not(a.vars, b.vars, 'each run has its own copy');
    assert.ok(a.dir.startsWith(os.tmpdir()), 'copy lives under the temp dir');
    assert.ok(fs.readFileSync(a.vars!).equals(fs.readFileSync(a.varsTemplate!)), 'copy equals the template');
    fs.accessSync(a.vars!, fs.constants.W_OK);
    // Writing the copy leaves the template alone.
    const before = fs.readFileSync(a.varsTemplate!);
    fs.writeFileSync(a.vars!, Buffer.alloc(16, 0xab));
    assert.ok(fs.readFileSync(a.varsTemplate!).equals(before));
  } finally {
    a.cleanup();
  }
  assert.not.ok(fs.existsSync(a.dir), 'cleanup removed the directory');
  assert.ok(fs.existsSync(b.vars!), 'another instance is unaffected');
  b.cleanup();
  b.cleanup(); // idempotent
  assert.not.ok(fs.existsSync(b.dir));
});

test.run();
