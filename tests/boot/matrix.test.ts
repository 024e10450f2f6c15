// The memory boot matrix: the real loader and kernel booted with different amounts of RAM,
// so that the kernel's memory management (ranges, frame allocator, self-tests) runs on
// small maps, on maps with memory above 4 GiB, and on both architectures.
//
// `npm test` boots x86_64 with 128M here; the end-to-end boots check the same memory lines
// on their own boots (checkMemory): tests/boot/x86_64.test.ts with 4G and the cortex-a72
// boot of tests/boot/aarch64.test.ts with 1G. `npm run test:matrix` (TSBOOT_MATRIX=1) boots
// both architectures with 128M, 1G, 4G and 8G here.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildBoot, bootEsp, checkMemory, tempDir, explain } from './bootlib';
import { removeDir } from '../lib/toolchain';

type Arch = 'x86_64' | 'aarch64';

const FULL = process.env.TSBOOT_MATRIX === '1';
const SIZES = ['128M', '1G', '4G', '8G'];
const CASES: Array<[Arch, string]> = FULL
  ? (['x86_64', 'aarch64'] as Arch[]).flatMap((a) => SIZES.map((m) => [a, m] as [Arch, string]))
  : [['x86_64', '128M']];

for (const [arch, memory] of CASES) {
  test(`${arch} with ${memory}: memory management self-tests pass and the kernel says PASS`, async () => {
    const art = await buildBoot(arch);
    const dir = tempDir(`matrix-${arch}-${memory}`);
    try {
      const efi = arch === 'x86_64' ? 'BOOTX64.EFI' : 'BOOTAA64.EFI';
      const r = await bootEsp(arch, dir, [
        { hostPath: art.loader, espPath: `/EFI/BOOT/${efi}` },
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
      ], {
        memory,
        timeoutMs: 240_000,
        silenceMs: 120_000,
        exitConvention: arch === 'x86_64' ? 'isa-debug-exit' : 'psci',
        expect: [/^\[kernel\] mm test all-frames: .*: pass$/, /^\[kernel\] \d+ MiB memory: /, '[kernel] PASS'],
      });
      assert.ok(r.ok, explain(r));
      checkMemory(r, memory);
    } finally {
      removeDir(dir);
    }
  });
}

test.run();
