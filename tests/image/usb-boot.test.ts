// Boots the disk image the way a real machine sees a USB stick: QEMU's xHCI controller with
// a usb-storage device (no virtio or AHCI disk), OVMF/AAVMF finding \EFI\BOOT\BOOT*.EFI on
// the stick's GPT ESP through the removable-media boot path.
//
// 1. The image layout itself, with the trivial "firmware floor" EFI application as the
//    loader, on both architectures from one image: this checks the GPT + FAT32 stick is
//    bootable whatever state the tsboot loader is in.
// 2. The real tsboot image (loader + kernel, built by scripts/build.ts) on x86_64,
//    expecting `[kernel] PASS`; a build or boot failure fails the test.
//
// Every run builds its own image in a temp dir (QEMU may write to the stick).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prepareFirmware } from '../../ovmf/firmware';
import { exitConventionFor, formatVerdict, runHarness, PASS_LINE } from '../../qemu/harness';
import { launchQemu } from '../../qemu/runner';
import { buildFloorApp, floorLine } from '../../qemu/trivial';
import { buildArch } from '../../scripts/build';
import { imageBootCfg, EspEntry, planFiles, writeImage } from '../../scripts/image';
import { Arch, ARCHES, archInfo } from '../../scripts/paths';

let tmp: string;

test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-usb-boot-'));
});

test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The QEMU arguments that attach `image` as a USB mass-storage stick on an xHCI controller. */
function usbStick(image: string): string[] {
  return ['-device', 'qemu-xhci', '-device', 'usb-storage,drive=stick', '-drive', `if=none,id=stick,format=raw,file=${image.replace(/,/g, ',,')}`];
}

async function bootFromStick(arch: Arch, image: string, opts: { expect?: Array<string | RegExp>; requireVerdict: boolean; expectedExitCode?: number; timeoutMs: number }) {
  const fw = prepareFirmware(arch);
  try {
    const proc = launchQemu({ arch, firmware: fw, timeoutMs: opts.timeoutMs, extraArgs: usbStick(image) });
    return await runHarness(proc, {
      expect: opts.expect,
      requireVerdict: opts.requireVerdict,
      exitConvention: opts.requireVerdict ? exitConventionFor(arch) : 'any',
      expectedExitCode: opts.expectedExitCode,
      // USB enumeration adds a few silent seconds before the boot manager starts the loader.
      silenceMs: 60_000,
    });
  } finally {
    fw.cleanup();
  }
}

/** The files of an image for `arches` with the boot.cfg `npm run image` writes (kernel hashes included). */
function imageFiles(arches: Arch[], dir: string): EspEntry[] {
  const cfg = path.join(dir, 'boot.cfg');
  const files = planFiles(arches, [], cfg);
  fs.writeFileSync(cfg, imageBootCfg(files, ''));
  return files;
}

test('one GPT/FAT32 stick boots a trivial EFI application over USB on x86_64 and aarch64', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'floor-'));
  const files: EspEntry[] = ARCHES.map((arch) => ({
    host: buildFloorApp(arch, dir),
    esp: `\\EFI\\BOOT\\${archInfo(arch).efiBootName}`,
    origin: `${arch} floor app`,
  }));
  const cfg = path.join(dir, 'boot.cfg');
  fs.writeFileSync(cfg, '# the floor applications read no boot.cfg\n');
  files.push({ host: cfg, esp: '\\tsboot\\boot.cfg', origin: 'boot.cfg' });
  const image = path.join(dir, 'stick.img');
  writeImage({ out: image, sizeMiB: 64, label: 'TSBOOT', arches: [...ARCHES], add: [], cmdline: '' }, files);
  for (const arch of ARCHES) {
    const r = await bootFromStick(arch, image, {
      expect: [floorLine(arch)],
      requireVerdict: false,
      expectedExitCode: exitConventionFor(arch) === 'isa-debug-exit' ? 33 : 0,
      timeoutMs: 90_000,
    });
    assert.ok(r.ok, `${arch}: ${formatVerdict(r, arch)}\n${r.lines.slice(-20).map((l) => l.text).join('\n')}`);
  }
});

// The real image, both loaders and kernels on one stick, booted by each architecture.
const REAL_BOOT_ARCHES: Arch[] = ['x86_64', 'aarch64'];

for (const arch of REAL_BOOT_ARCHES) {
  test(`the tsboot image boots to [kernel] PASS from a USB stick (${arch})`, async () => {
    await buildArch(arch, { log: () => {} });
    const dir = fs.mkdtempSync(path.join(tmp, `tsboot-${arch}-`));
    const image = path.join(dir, 'tsboot.img');
    writeImage({ out: image, sizeMiB: 64, label: 'TSBOOT', arches: [arch], add: [], cmdline: '' }, imageFiles([arch], dir));
    const r = await bootFromStick(arch, image, { expect: [/^\[loader\] sha256 ok: \\tsboot\\kernel-/, PASS_LINE], requireVerdict: true, timeoutMs: 180_000 });
    assert.ok(r.ok, `${arch}: ${formatVerdict(r, arch)}\n${r.lines.slice(-30).map((l) => l.text).join('\n')}`);
    assert.is(r.verdict, 'pass');
  });
}

test.run();
