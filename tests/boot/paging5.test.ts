// 5-level paging on x86_64 (boot.cfg `paging=5`), two boots run side by side:
// - `-cpu max` has LA57: OVMF hands over in 4-level mode, the loader builds PML5 tables and
//   switches through 32-bit mode; the kernel runs with CR4.LA57 set, checks that the boot
//   info says so, and passes every check (HHDM, engine on the live tables, mm, runtime
//   services) on 5-level tables; with 2 CPUs, whose trampoline turns LA57 on and runs on a
//   PML5 of its own. CPUID says it has 1 GiB pages (pdpe1gb), and with 2 GiB of RAM the
//   kernel's walk of its HHDM must find 1 GiB leaves.
// - the default `qemu64` has no LA57: the loader says so and falls back to 4 levels; the
//   boot still passes, and without pdpe1gb its HHDM has no 1 GiB leaf.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { bootEsp, buildBoot, explain, tempDir } from './bootlib';
import { ISA_DEBUG_EXIT_PASS } from '../../qemu/harness';
import { checkSmp, checkMemtest } from './smpcheck';
import { checkProbes, hhdmLeaves } from './permcheck';

const FIVE: (string | RegExp)[] = [
  '[loader] paging: the firmware runs 4-level paging; the CPU has LA57',
  /^\[loader\] paging: 5-level tables for the kernel \(the firmware runs 4-level: the switch leaves 64-bit mode through 32-bit code; switch page 0x[0-9a-f]+\)$/,
  /^\[kernel\] page table root 0x[0-9a-f]+, 1 GiB pages allowed$/,
  '[kernel] paging: 5-level (CR4.LA57 set: 57-bit virtual addresses)',
  /^\[kernel\] check ok: interrupts off, WP and NXE on/,
  /^\[kernel\] check ok: kernel text read-only/,
  /^\[kernel\] check ok: HHDM reads match/,
  /^\[kernel\] check ok: engine on the live tables/,
  /^\[kernel\] check ok: memory management/,
  '[kernel] smp: 2 CPUs online',
  '[kernel] PASS',
];

const FALLBACK: (string | RegExp)[] = [
  '[loader] paging: the firmware runs 4-level paging; the CPU has no LA57',
  '[loader] warning: boot.cfg asks for paging=5, but this CPU has no 5-level paging ' +
    '(CPUID.(EAX=7,ECX=0):ECX.LA57[bit 16] = 0); falling back to 4-level paging',
  '[loader] paging: 4-level tables for the kernel',
  '[kernel] paging: 4-level (48-bit virtual addresses)',
  '[kernel] PASS',
];

async function boot(
  tag: string, cpu: string | undefined, expect: (string | RegExp)[], gib1: boolean, smp = 1, memory?: string,
): Promise<void> {
  const art = await buildBoot('x86_64');
  const dir = tempDir(tag);
  try {
    const cfg = path.join(dir, 'boot.cfg');
    fs.writeFileSync(cfg, 'paging=5\nentry=tsboot\nprotocol=tsboot\npath=/tsboot/kernel-x86_64.elf\n');
    const r = await bootEsp('x86_64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
      { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], { expect, exitConvention: 'isa-debug-exit', cpu, smp, memory, timeoutMs: 150_000 });
    assert.ok(r.ok, `${tag}: ${explain(r)}`);
    const text = r.lines.map((l) => l.text);
    const problems = [...checkProbes(text, 'x86_64'), ...checkSmp(text, smp), ...checkMemtest(text, smp).problems];
    assert.equal(problems, [], `${tag}: ${problems.join('; ')}\n${explain(r)}`);
    const leaves = hhdmLeaves(text);
    assert.ok(leaves && leaves.allowed === gib1 && (gib1 ? leaves.gib1 > 0 : leaves.gib1 === 0),
      `${tag}: HHDM leaves ${JSON.stringify(leaves)}, expected ${gib1 ? 'some' : 'no'} 1 GiB leaves\n${explain(r)}`);
    assert.is(r.verdict, 'pass');
    assert.is(r.exit.code, ISA_DEBUG_EXIT_PASS);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('x86_64 paging=5: 5-level with -cpu max and 1 GiB pages, 4-level fallback without LA57 or 1 GiB pages', async () => {
  await buildBoot('x86_64');
  await Promise.all([
    boot('paging5-max', 'max', FIVE, true, 2, '2G'),
    boot('paging5-qemu64', undefined, FALLBACK, false),
  ]);
});

test.run();
