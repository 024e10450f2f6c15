// The loader on bad input, on both architectures: with no kernel file, with a corrupt one
// named by boot.cfg, or with a valid kernel for the other machine, it must say so clearly
// and return an EFI error to the firmware instead of hanging or jumping. Proof of the
// return: the firmware's boot manager then reports the loader's status ("BdsDxe: failed to
// start Boot000N ...: Not Found / Load Error") and moves on; the test stops QEMU right
// after that line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { bootEsp, buildBoot, explain, tempDir } from './bootlib';
import type { HarnessResult } from '../../qemu/harness';

type Arch = 'x86_64' | 'aarch64';

// Not anchored: on a loaded host a byte of the loader's last line can reach serial late,
// in front of the firmware's next line (docs/firmware.md).
const BDS_FAILED = /BdsDxe: failed to start Boot[0-9A-F]{4} .*: (Not Found|Load Error)$/;
const EFI_NAME: Record<Arch, string> = { x86_64: 'BOOTX64.EFI', aarch64: 'BOOTAA64.EFI' };
const OTHER: Record<Arch, Arch> = { x86_64: 'aarch64', aarch64: 'x86_64' };
/** e_machine of the other architecture's kernel, as the loader reports it. */
const OTHER_MACHINE: Record<Arch, string> = { x86_64: '0xb7', aarch64: '0x3e' };

function noKernelLines(r: HarnessResult): void {
  const k = r.lines.find((l) => l.text.startsWith('[kernel]'));
  assert.is(k, undefined, `a kernel line appeared: ${k?.text}`);
  assert.not.ok(r.lines.some((l) => l.text.startsWith('[loader] jumping to kernel')), 'the loader jumped to a kernel');
  assert.not.ok(r.lines.some((l) => l.text === '[loader] exiting boot services'), 'the loader exited boot services');
}

/** Boots the loader with `files` plus the loader itself and expects it to give up. */
async function expectRefusal(arch: Arch, tag: string, files: Array<{ hostPath: string; espPath: string }>, expect: Array<string | RegExp>): Promise<void> {
  const art = await buildBoot(arch);
  const dir = tempDir(`${arch}-${tag}`);
  try {
    const r = await bootEsp(arch, dir, [{ hostPath: art.loader, espPath: `/EFI/BOOT/${EFI_NAME[arch]}` }, ...files], {
      requireVerdict: false,
      expect: [`[loader] tsboot loader (${arch}) starting`, ...expect],
      stopWhen: BDS_FAILED,
      graceMs: 200,
      timeoutMs: 90_000,
    });
    assert.ok(r.ok, explain(r));
    noKernelLines(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cfgFile(dir: string, text: string): string {
  const cfg = path.join(dir, 'boot.cfg');
  fs.writeFileSync(cfg, text);
  return cfg;
}

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`${arch} missing kernel: clear message, EFI_NOT_FOUND back to the firmware`, async () => {
    await expectRefusal(arch, 'nokernel', [], [
      `[loader] error: kernel file \\tsboot\\kernel-${arch}.elf not found on the boot volume (EFI_NOT_FOUND)`,
      new RegExp(`^\\[loader\\] hint: copy the kernel to \\\\tsboot\\\\kernel-${arch}\\.elf on the ESP`),
      '[loader] this entry failed: EFI_NOT_FOUND',
      '[loader] error: no entry of boot.cfg can be booted (1 entry for this machine: 0 with errors, 1 failed or returned)',
      '[loader] returning EFI_NOT_FOUND to the firmware',
      /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Not Found$/,
    ]);
  });

  test(`${arch} corrupt (truncated) kernel named by boot.cfg: clear message, EFI_LOAD_ERROR back to the firmware`, async () => {
    const art = await buildBoot(arch);
    const dir = tempDir(`${arch}-truncated-src`);
    try {
      // Keep the headers, cut the segments: the validator must notice before loading.
      const whole = fs.readFileSync(art.kernel);
      const cut = path.join(dir, 'broken.elf');
      fs.writeFileSync(cut, whole.subarray(0, Math.min(whole.length - 1, 0x1800)));
      await expectRefusal(arch, 'truncated', [
        // A good kernel at the default path proves boot.cfg's path= is what was loaded.
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
        { hostPath: cut, espPath: '/tsboot/broken.elf' },
        { hostPath: cfgFile(dir, '# the kernel below is truncated on purpose\r\nentry=broken\r\nprotocol=tsboot\r\npath=/tsboot/broken.elf\r\n'), espPath: '/tsboot/boot.cfg' },
      ], [
        "[loader] booting entry 'broken' (tsboot, \\tsboot\\broken.elf)",
        /^\[loader\] kernel file \\tsboot\\broken\.elf: \d+ bytes/,
        `[loader] error: \\tsboot\\broken.elf is not a valid ${arch} kernel: truncated: a PT_LOAD segment's file bytes (p_offset, p_filesz) extend past the end of the file`,
        /^\[loader\]   detail: check \d+, program header \d+, p_filesz = 0x[0-9a-f]+$/,
        '[loader] returning EFI_LOAD_ERROR to the firmware',
        /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Load Error$/,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${arch} wrong-machine kernel (the ${OTHER[arch]} kernel named by boot.cfg): refused by e_machine, EFI_LOAD_ERROR`, async () => {
    const art = await buildBoot(arch);
    const other = await buildBoot(OTHER[arch]);
    const dir = tempDir(`${arch}-wrong-src`);
    try {
      // A valid ELF for the wrong machine: only the e_machine check can refuse it.
      await expectRefusal(arch, 'wrong', [
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
        { hostPath: other.kernel, espPath: '/tsboot/wrong.elf' },
        { hostPath: cfgFile(dir, 'entry=wrong\nprotocol=tsboot\npath=/tsboot/wrong.elf\n'), espPath: '/tsboot/boot.cfg' },
      ], [
        "[loader] booting entry 'wrong' (tsboot, \\tsboot\\wrong.elf)",
        new RegExp(`^\\[loader\\] error: \\\\tsboot\\\\wrong\\.elf is not a valid ${arch} kernel: .*machine`),
        new RegExp(`^\\[loader\\]   detail: check \\d+, e_machine = ${OTHER_MACHINE[arch]}$`),
        '[loader] returning EFI_LOAD_ERROR to the firmware',
        /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Load Error$/,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
