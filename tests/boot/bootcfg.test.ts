// What the loader does with a boot.cfg that is wrong, in QEMU (docs/boot-protocol.md,
// "When boot.cfg is wrong"): every error is shown with file:line:col; a broken entry is
// listed but never booted; an entry that fails before the hand-over (sha256= mismatch, not
// a PE image, not a Linux kernel, wrong machine, out of memory, missing file) is not
// started again; the others still boot, unattended after the countdown; and when nothing
// is left the loader says so and returns an error to the firmware. Plus the `efi`
// protocol: a chainloaded application gets its load options and returns to the loader (on
// aarch64, next to a broken entry that is listed with its error and never booted).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { bootEsp, buildBoot, cutFatChain, explain, tempDir } from './bootlib';
import { KEYS, MENU_READY } from '../../qemu/harness';
import { compileOrThrow, repoRoot } from '../lib/toolchain';

type Arch = 'x86_64' | 'aarch64';

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function writeCfg(dir: string, lines: string[]): string {
  const f = path.join(dir, 'boot.cfg');
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/** tests/subset/efiapp built for `arch` into `dir`. */
function buildEfiApp(arch: Arch, dir: string): string {
  return compileOrThrow(path.join(repoRoot, 'tests', 'subset', 'efiapp', 'main.ts'), `${arch}-uefi`, path.join(dir, `efiapp-${arch}.efi`));
}

const ENTER_AT_MENU = { after: MENU_READY, send: KEYS.enter };

test('x86_64: a broken entry and two failing ones fall back to the working entry, unattended at the end; verbose=no keeps the detail lines off serial', async () => {
  const art = await buildBoot('x86_64');
  const dir = tempDir('cfg-fallback');
  try {
    const cfg = writeCfg(dir, [
      'timeout=1',
      'default=bad-hash',
      'verbose=no',
      'entry=bad-hash',
      '  protocol=tsboot',
      '  path=/tsboot/kernel-x86_64.elf',
      `  sha256=${'0'.repeat(64)}`,
      'entry=broken',
      '  protocol=tsboot',
      '  Path=/tsboot/kernel-x86_64.elf',
      'entry=not-linux',
      '  protocol=linux',
      '  path=/tsboot/kernel-x86_64.elf',
      'entry=good',
      '  protocol=tsboot',
      '  path=/tsboot/kernel-x86_64.elf',
      '  cmdline=fallback',
      `  sha256=${sha256(art.kernel)}`,
    ]);
    const r = await bootEsp('x86_64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
      { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], {
      exitConvention: 'isa-debug-exit',
      // Enter at the first two menus; the third counts down by itself.
      keys: [ENTER_AT_MENU, ENTER_AT_MENU],
      timeoutMs: 120_000,
      expect: [
        /^\[loader\] read \\tsboot\\boot\.cfg \(\d+ bytes\): 4 entries for x86_64, 1 error$/,
        "[loader] \\tsboot\\boot.cfg:10:3: error: unknown key 'Path': keys are lower case, write 'path'",
        "[loader] menu: 4 entries, default 'bad-hash'",
        '[loader] > 1 bad-hash [tsboot] \\tsboot\\kernel-x86_64.elf',
        "[loader]   2 broken [broken] 10:3: unknown key 'Path': keys are lower case, write 'path'",
        "[loader] booting entry 'bad-hash' (tsboot, \\tsboot\\kernel-x86_64.elf)",
        "[loader] error: sha256 mismatch: \\tsboot\\kernel-x86_64.elf is not the file boot.cfg names; entry 'bad-hash' is not booted",
        `[loader]   boot.cfg sha256: ${'0'.repeat(64)}`,
        `[loader]   file sha256:     ${sha256(art.kernel)}`,
        '[loader] this entry failed: EFI_SECURITY_VIOLATION',
        '[loader]   1 bad-hash [failed: EFI_SECURITY_VIOLATION] \\tsboot\\kernel-x86_64.elf',
        '[loader] > 3 not-linux [linux] \\tsboot\\kernel-x86_64.elf',
        "[loader] booting entry 'not-linux' (linux, \\tsboot\\kernel-x86_64.elf)",
        "[loader] error: \\tsboot\\kernel-x86_64.elf is not an EFI application: no 'MZ' header (is it an ELF or a compressed file?)",
        '[loader] this entry failed: EFI_LOAD_ERROR',
        '[loader] > 4 good [tsboot] \\tsboot\\kernel-x86_64.elf',
        // Problems make the countdown at least 5 s, whatever timeout= says.
        "[loader] booting 'good' in 5 4 3 2 1",
        "[loader] booting entry 'good' (tsboot, \\tsboot\\kernel-x86_64.elf)",
        /^\[loader\] sha256 ok: /,
        '[kernel] cmdline: "fallback"',
        '[kernel] PASS',
      ],
    });
    assert.ok(r.ok, explain(r));
    assert.not.ok(r.lines.some((l) => l.text.startsWith("[loader] booting entry 'broken'")), 'the broken entry was booted');
    // verbose=no: the serial-only detail lines (listings, the address space, the counter's
    // rate) are gone after boot.cfg is read; the lines on the screen, and the time line, stay.
    const detail = /^\[loader\] (memory map:|  0x|  and \d+ BootServices|HHDM |page tables:|  kernel segment|  runtime |timestamp counter:|boot info at)/;
    const leaked = r.lines.filter((l) => detail.test(l.text)).map((l) => l.text);
    assert.equal(leaked, [], 'detail lines with verbose=no');
    for (const kept of ['[loader] exiting boot services', '[loader] time: ']) {
      assert.ok(r.lines.some((l) => l.text.startsWith(kept)), `no '${kept}' line with verbose=no`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('x86_64 with 128 MiB: out of memory and a read error name the file; nothing left to boot returns EFI_NOT_FOUND to the firmware', async () => {
  const art = await buildBoot('x86_64');
  const dir = tempDir('cfg-nothing');
  try {
    // Larger than the machine's memory: the allocation for its contents must fail.
    const huge = path.join(dir, 'huge.efi');
    fs.writeFileSync(huge, Buffer.alloc(160 * 1024 * 1024));
    // A file the disk cannot give back whole (its FAT chain is cut below).
    const damaged = path.join(dir, 'damaged.efi');
    fs.writeFileSync(damaged, Buffer.alloc(256 * 1024, 0xab));
    const cfg = writeCfg(dir, [
      'default=missing',
      'timeout=0',
      'colour=blue',
      'entry=huge',
      '  protocol=efi',
      '  path=/big/huge.efi',
      'entry=typo',
      '  protocol=tsboot',
      '  path=/tsboot/kernel-x86_64.elf # the old comment style',
      'entry=damaged',
      '  protocol=efi',
      '  path=/EFI/tools/damaged.efi',
      'entry=gone',
      '  protocol=efi',
      '  path=/EFI/tools/none.efi',
    ]);
    const r = await bootEsp('x86_64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
      { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      { hostPath: huge, espPath: '/big/huge.efi' },
      { hostPath: damaged, espPath: '/EFI/tools/damaged.efi' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], {
      memory: '128M',
      esp: { sizeMiB: 256, fat32: true },
      damage: (image) => cutFatChain(image, '/EFI/tools/damaged.efi', 2),
      requireVerdict: false,
      keys: [ENTER_AT_MENU, ENTER_AT_MENU, ENTER_AT_MENU],
      stopWhen: /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Not Found$/,
      graceMs: 200,
      timeoutMs: 120_000,
      expect: [
        /^\[loader\] read \\tsboot\\boot\.cfg \(\d+ bytes\): 4 entries for x86_64, 3 errors$/,
        '[loader] \\tsboot\\boot.cfg:1:1: error: default=missing names no entry for this architecture',
        "[loader] \\tsboot\\boot.cfg:3:1: error: unknown key 'colour' (entry keys: entry protocol path cmdline initrd sha256 arch; global: timeout default paging verbose)",
        "[loader] \\tsboot\\boot.cfg:9:34: error: '#' after a value: comments must be on lines of their own",
        "[loader] booting entry 'huge' (efi, \\big\\huge.efi)",
        '[loader] error: AllocatePages(40960 pages = 160 MiB for the contents of \\big\\huge.efi) failed: EFI_OUT_OF_RESOURCES',
        '[loader] this entry failed: EFI_OUT_OF_RESOURCES',
        "[loader] booting entry 'damaged' (efi, \\EFI\\tools\\damaged.efi)",
        '[loader] error: reading \\EFI\\tools\\damaged.efi failed after 0 of 262144 bytes: EFI_FILE_PROTOCOL.Read: EFI_VOLUME_CORRUPTED',
        '[loader] this entry failed: EFI_VOLUME_CORRUPTED',
        "[loader] booting entry 'gone' (efi, \\EFI\\tools\\none.efi)",
        '[loader] error: \\EFI\\tools\\none.efi not found on the boot volume (EFI_NOT_FOUND)',
        '[loader] error: no entry of boot.cfg can be booted (4 entries for this machine: 1 with errors, 3 failed or returned)',
        '[loader] returning EFI_NOT_FOUND to the firmware',
        /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Not Found$/,
      ],
    });
    assert.ok(r.ok, explain(r));
    assert.not.ok(r.lines.some((l) => l.text.startsWith('[kernel]') || l.text === '[loader] exiting boot services'), 'a kernel was started');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('aarch64: efi chainloads an application with its load options and continues when it returns; PE checks name what is wrong', async () => {
  const art = await buildBoot('aarch64');
  const dir = tempDir('cfg-efi');
  try {
    const app = buildEfiApp('aarch64', dir);
    const x86app = buildEfiApp('x86_64', dir);
    const cfg = writeCfg(dir, [
      'timeout=30',
      'entry=app-as-linux',
      '  protocol=linux',
      '  path=/EFI/tools/efiapp.efi',
      'entry=x86-app',
      '  protocol=efi',
      '  path=/EFI/tools/efiapp-x86_64.efi',
      'entry=app',
      '  protocol=efi',
      '  path=/EFI/tools/efiapp.efi',
      '  cmdline=hello from boot.cfg',
      `  sha256=${sha256(app)}`,
      'entry=tsboot',
      '  protocol=tsboot',
      '  path=/tsboot/kernel-aarch64.elf',
      // Broken (a bad sha256=): listed with its error, never booted.
      'entry=broken',
      '  protocol=tsboot',
      '  path=/tsboot/kernel-aarch64.elf',
      '  sha256=0123',
    ]);
    const r = await bootEsp('aarch64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTAA64.EFI' },
      { hostPath: art.kernel, espPath: '/tsboot/kernel-aarch64.elf' },
      { hostPath: app, espPath: '/EFI/tools/efiapp.efi' },
      { hostPath: x86app, espPath: '/EFI/tools/efiapp-x86_64.efi' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], {
      exitConvention: 'psci',
      keys: [ENTER_AT_MENU, ENTER_AT_MENU, ENTER_AT_MENU, ENTER_AT_MENU],
      timeoutMs: 120_000,
      expect: [
        /^\[loader\] read \\tsboot\\boot\.cfg \(\d+ bytes\): 5 entries for aarch64, 1 error$/,
        "[loader] \\tsboot\\boot.cfg:19:10: error: sha256 must be 64 hexadecimal digits, not '0123'",
        "[loader]   5 broken [broken] 19:10: sha256 must be 64 hexadecimal digits, not '0123'",
        "[loader] booting entry 'app-as-linux' (linux, \\EFI\\tools\\efiapp.efi)",
        "[loader] error: \\EFI\\tools\\efiapp.efi is an EFI application but not a Linux kernel (no arm64 Image header); use protocol=efi to start it",
        '[loader] this entry failed: EFI_LOAD_ERROR',
        "[loader] booting entry 'x86-app' (efi, \\EFI\\tools\\efiapp-x86_64.efi)",
        '[loader] error: \\EFI\\tools\\efiapp-x86_64.efi is a PE image for machine 0x8664 (x86_64), not for this aarch64 loader (0xaa64)',
        '[loader] this entry failed: EFI_UNSUPPORTED',
        "[loader] booting entry 'app' (efi, \\EFI\\tools\\efiapp.efi)",
        '[loader] cmdline: hello from boot.cfg',
        /^\[loader\] sha256 ok: \\EFI\\tools\\efiapp\.efi [0-9a-f]{64} /,
        /^\[loader\] starting \\EFI\\tools\\efiapp\.efi \(StartImage, /,
        '[efiapp] started; load options (40 bytes): "hello from boot.cfg"',
        '[efiapp] file path: \\EFI\\tools\\efiapp.efi',
        '[loader] \\EFI\\tools\\efiapp.efi returned EFI_SUCCESS',
        '[loader] the application returned EFI_SUCCESS',
        '[loader]   3 app [returned: EFI_SUCCESS] \\EFI\\tools\\efiapp.efi',
        "[loader] booting entry 'tsboot' (tsboot, \\tsboot\\kernel-aarch64.elf)",
        '[kernel] PASS',
      ],
    });
    assert.ok(r.ok, explain(r));
    assert.not.ok(r.lines.some((l) => l.text.startsWith("[loader] booting entry 'broken'")), 'the broken entry was booted');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
