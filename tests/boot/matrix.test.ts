// The memory boot matrix: the real loader and kernel booted with different amounts of RAM
// and CPUs, so that the kernel's memory management (ranges, frame allocator, self-tests)
// runs on small maps, on maps with memory above 4 GiB, and on both architectures, and the
// SMP bring-up and the memory test with 1, 2 and 4 CPUs.
//
// `npm test` boots x86_64 with 128M and 2 CPUs here; the end-to-end boots check the same
// memory lines on their own boots (checkMemory): tests/boot/x86_64.test.ts with 4G and 4
// CPUs, the cortex-a72 boot of tests/boot/aarch64.test.ts with 1G and 4 CPUs; the other
// aarch64 boots there have 2 and 3 CPUs, the 5-level paging boot 2, and the U-Boot boots of
// tests/boot/firmware.test.ts 1 on each architecture.
// `npm run test:matrix` (TSBOOT_MATRIX=1) boots both architectures here with 128M, 1G, 4G
// and 8G at 1, 2, 4 and 2 CPUs, and a fault on a CPU other than the boot CPU
// (tsboot.smp.fault=2 with 3 CPUs): its own trap handlers report it, name the CPU and its
// function, and the machine powers off.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildBoot, bootEsp, bootNoReset, checkMemory, tempDir, explain, tsbootCfg, FIRMWARE_DUMP_PATTERNS } from './bootlib';
import { removeDir } from '../lib/toolchain';
import { checkSmp, checkMemtest } from './smpcheck';
import { checkProbes } from './permcheck';

type Arch = 'x86_64' | 'aarch64';

const FULL = process.env.TSBOOT_MATRIX === '1';
const SIZES: Array<[string, number]> = [['128M', 1], ['1G', 2], ['4G', 4], ['8G', 2]];
const CASES: Array<[Arch, string, number]> = FULL
  ? (['x86_64', 'aarch64'] as Arch[]).flatMap((a) => SIZES.map(([m, n]) => [a, m, n] as [Arch, string, number]))
  : [['x86_64', '128M', 2]];

for (const [arch, memory, smp] of CASES) {
  test(`${arch} with ${memory} and ${smp} CPU${smp > 1 ? 's' : ''}: memory self-tests, SMP and memory test pass, the kernel says PASS`, async () => {
    const art = await buildBoot(arch);
    const dir = tempDir(`matrix-${arch}-${memory}`);
    try {
      const efi = arch === 'x86_64' ? 'BOOTX64.EFI' : 'BOOTAA64.EFI';
      const r = await bootEsp(arch, dir, [
        { hostPath: art.loader, espPath: `/EFI/BOOT/${efi}` },
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
      ], {
        memory,
        smp,
        timeoutMs: 240_000,
        silenceMs: 120_000,
        exitConvention: arch === 'x86_64' ? 'isa-debug-exit' : 'psci',
        expect: [/^\[kernel\] mm test all-frames: .*: pass$/, /^\[kernel\] \d+ MiB memory: /, '[kernel] PASS'],
      });
      assert.ok(r.ok, explain(r));
      checkMemory(r, memory);
      const text = r.lines.map((l) => l.text);
      const problems = [...checkProbes(text, arch), ...checkSmp(text, smp), ...checkMemtest(text, smp).problems];
      assert.equal(problems, [], `${problems.join('; ')}\n${explain(r)}`);
    } finally {
      removeDir(dir);
    }
  });
}

for (const arch of FULL ? (['x86_64', 'aarch64'] as Arch[]) : []) {
  test(`${arch}: a page fault on CPU 2 of 3 is reported by that CPU's handlers, FAIL, power-off`, async () => {
    const art = await buildBoot(arch);
    const dir = tempDir(`apfault-${arch}`);
    try {
      const cfg = path.join(dir, 'boot.cfg');
      fs.writeFileSync(cfg, tsbootCfg(arch, 'tsboot.smp.fault=2'));
      const efi = arch === 'x86_64' ? 'BOOTX64.EFI' : 'BOOTAA64.EFI';
      const run = await bootNoReset(arch, dir, [
        { hostPath: art.loader, espPath: `/EFI/BOOT/${efi}` },
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
        { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
      ], { smp: 3, failPatterns: FIRMWARE_DUMP_PATTERNS, timeoutMs: 120_000, silenceMs: 30_000 });
      const r = run.result;
      const text = r.lines.map((l) => l.text);
      const name = arch === 'x86_64' ? 'page fault (#PF)' : 'data abort (EC 0x25)';
      assert.ok(text.includes(`[kernel] EXCEPTION: ${name} on cpu 2`), `no report from CPU 2\n${explain(r)}`);
      assert.ok(text.some((t) => /^\[kernel\]     #0 0x[0-9a-f]{16} in smp\/smp\.apFault\+0x[0-9a-f]+$/.test(t)), `backtrace\n${explain(r)}`);
      assert.ok(text.some((t) => t.startsWith(`[kernel] FAIL: ${name}, address 0xffffffffdead0000`)), `FAIL line\n${explain(r)}`);
      assert.not.ok(run.reset, `the machine reset\n${explain(r)}`);
      assert.is(r.exit.code, arch === 'x86_64' ? 35 : 0, `QEMU exit status\n${explain(r)}`);
    } finally {
      removeDir(dir);
    }
  });
}

test.run();
