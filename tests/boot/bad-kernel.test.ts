// The loader on bad input: with no kernel file, or with a corrupt one named by boot.cfg,
// it must say so clearly and return an EFI error to the firmware instead of hanging or
// jumping. Proof of the return: OVMF's boot manager then reports the loader's status
// ("BdsDxe: failed to start Boot000N ...: Not Found / Load Error") and moves on; the test
// stops QEMU right after that line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { bootEsp, buildBoot, explain, tempDir } from './bootlib';
import type { HarnessResult } from '../../qemu/harness';

const BDS_FAILED = /^BdsDxe: failed to start Boot[0-9A-F]{4} .*: (Not Found|Load Error)$/;

function noKernelLines(r: HarnessResult): void {
  const k = r.lines.find((l) => l.text.startsWith('[kernel]'));
  assert.is(k, undefined, `a kernel line appeared: ${k?.text}`);
  assert.not.ok(r.lines.some((l) => l.text.startsWith('[loader] jumping to kernel')), 'the loader jumped to a kernel');
  assert.not.ok(r.lines.some((l) => l.text === '[loader] exiting boot services'), 'the loader exited boot services');
}

test('missing kernel: clear message, EFI_NOT_FOUND back to the firmware', async () => {
  const art = await buildBoot('x86_64');
  const dir = tempDir('nokernel');
  try {
    const r = await bootEsp('x86_64', dir, [{ hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' }], {
      requireVerdict: false,
      expect: [
        '[loader] tsboot loader (x86_64) starting',
        '[loader] error: kernel file \\tsboot\\kernel-x86_64.elf not found on the boot volume (EFI_NOT_FOUND)',
        /^\[loader\] hint: copy the kernel to \\tsboot\\kernel-x86_64\.elf on the ESP/,
        '[loader] returning EFI_NOT_FOUND to the firmware',
        /^BdsDxe: failed to start Boot[0-9A-F]{4} .*: Not Found$/,
      ],
      stopWhen: BDS_FAILED,
      graceMs: 200,
    });
    assert.ok(r.ok, explain(r));
    noKernelLines(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt (truncated) kernel named by boot.cfg: clear message, EFI_LOAD_ERROR back to the firmware', async () => {
  const art = await buildBoot('x86_64');
  const dir = tempDir('corrupt');
  try {
    // Keep the headers, cut the segments: the validator must notice before loading.
    const whole = fs.readFileSync(art.kernel);
    const cut = path.join(dir, 'broken.elf');
    fs.writeFileSync(cut, whole.subarray(0, Math.min(whole.length - 1, 0x1800)));
    const cfg = path.join(dir, 'boot.cfg');
    fs.writeFileSync(cfg, '# the kernel below is truncated on purpose\r\nkernel=/tsboot/broken.elf\r\n');
    const r = await bootEsp('x86_64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
      // A good kernel at the default path proves boot.cfg's kernel= is what was loaded.
      { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      { hostPath: cut, espPath: '/tsboot/broken.elf' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], {
      requireVerdict: false,
      expect: [
        '[loader] tsboot loader (x86_64) starting',
        '[loader] boot.cfg: kernel=\\tsboot\\broken.elf',
        /^\[loader\] kernel file \\tsboot\\broken\.elf: \d+ bytes/,
        "[loader] error: \\tsboot\\broken.elf is not a valid x86_64 kernel: truncated: a PT_LOAD segment's file bytes extend past the end of the file",
        /^\[loader\]   detail: check \d+, program header \d+, value 0x[0-9a-f]+$/,
        '[loader] returning EFI_LOAD_ERROR to the firmware',
        /^BdsDxe: failed to start Boot[0-9A-F]{4} .*: Load Error$/,
      ],
      stopWhen: BDS_FAILED,
      graceMs: 200,
    });
    assert.ok(r.ok, explain(r));
    noKernelLines(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
