// End-to-end boot on x86_64: loader/main.ts -> BOOTX64.EFI, kernel-stub/main.ts ->
// kernel-x86_64.elf, both on a FAT ESP with a boot.cfg of two entries; OVMF boots the
// loader, whose menu is driven from the keyboard (arrow keys typed on the serial console)
// to the entry that is not the default; that entry's sha256= is checked, the kernel
// loaded and entered; the kernel checks the boot protocol, prints the command line it
// got (the chosen entry's: the proof of the choice), brings up the 4 CPUs QEMU has
// (-smp 4) and runs the memory test on them with a fault injected at a physical address
// that command line names, prints `[kernel] PASS`, then exits QEMU with 33 through
// isa-debug-exit. With 4 GiB of RAM (memory above 4 GiB), the boot also carries the memory
// matrix's checks (checkMemory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { bootEsp, buildBoot, checkMemory, explain, loaderPhases, tempDir, LOADER_SIZE_GOAL } from './bootlib';
import { ISA_DEBUG_EXIT_PASS, LOADER_TIME_LINE, MENU_READY } from '../../qemu/harness';
import { checkSmp, checkMemtest, describeMemtest } from './smpcheck';
import { checkProbes, hhdmLeaves } from './permcheck';

/** A word the memory test covers on QEMU's q35 (its default 16 MiB are the lowest free
 *  2 MiB runs, from 2 MiB up); the bit to flip there. */
const INJECT_PA = 0x60_0ab8n;
const INJECT_BIT = 41;
const CPUS = 4;
const CMDLINE = `tsboot-e2e console=ttyS0 answer=42 tsboot.memtest.inject=0x${INJECT_PA.toString(16)}:${INJECT_BIT}`;
const MEMORY = '4G';

// In order; other lines may come between. Each loader line appears once on serial (OVMF
// copies ConOut to COM1, so the loader leaves that copy to it: docs/firmware.md).
const EXPECT: (string | RegExp)[] = [
  '[loader] tsboot loader (x86_64) starting',
  /^\[loader\] loader@0x[0-9a-f]+ size 0x[0-9a-f]+$/,
  // QEMU's qemu64 model states no TSC rate (CPUID 0x15/0x16): the PM timer measures it.
  /^\[loader\] read \\tsboot\\boot\.cfg \(\d+ bytes\): 2 entries for x86_64$/,
  '[loader] keys: SimpleTextInputEx',
  // Measured over the console lines and the boot.cfg read (loader/clock.ts).
  /^\[loader\] timestamp counter: \d+ kHz \(measured against the ACPI PM timer\)$/,
  "[loader] menu: 2 entries, default 'other'",
  '[loader] > 1 other [tsboot] \\tsboot\\kernel-x86_64.elf',
  '[loader]   2 tsboot [tsboot] \\tsboot\\kernel-x86_64.elf',
  /^\[loader\] menu: up\/down or 1-9 choose, Enter boots, e edits the command line$/,
  /^\[loader\] booting 'other' in 30.*: stopped$/,
  '[loader]   1 other [tsboot] \\tsboot\\kernel-x86_64.elf',
  '[loader] > 2 tsboot [tsboot] \\tsboot\\kernel-x86_64.elf',
  "[loader] booting entry 'tsboot' (tsboot, \\tsboot\\kernel-x86_64.elf)",
  `[loader] cmdline: ${CMDLINE}`,
  /^\[loader\] kernel file \\tsboot\\kernel-x86_64\.elf: \d+ bytes at 0x[0-9a-f]+$/,
  /^\[loader\] sha256 ok: \\tsboot\\kernel-x86_64\.elf [0-9a-f]{64} \(\d+ B in \d+ ms\)$/,
  /^\[loader\] kernel ELF ok: entry 0xffffffff8[0-9a-f]+, 3 PT_LOAD segments/,
  /^\[loader\] ACPI RSDP at 0x[0-9a-f]+ \(ACPI 2\.0\+\)$/,
  /^\[loader\] AP trampoline: 0x8000 bytes at 0x[0-9a-f]{1,2}000 \(below 1 MiB, for the kernel's SIPI\)$/,
  /^\[loader\] memory map: \d+ descriptors of \d+ bytes/,
  /^\[loader\]   0x[0-9a-f]{12}-0x[0-9a-f]{12} Conventional pages=\d+ attr=0x[0-9a-f]+$/,
  /^\[loader\] HHDM 0xffff800000000000 maps phys 0-0x[0-9a-f]+ .*NX\), 1 GiB pages not supported by this CPU, /,
  /^\[loader\]   kernel segment 0xffffffff80000000-0x[0-9a-f]+ R-X/,
  /^\[loader\]   kernel segment 0x[0-9a-f]+-0x[0-9a-f]+ R--/,
  /^\[loader\]   kernel segment 0x[0-9a-f]+-0x[0-9a-f]+ RW-/,
  /^\[loader\]   kernel stack .* guard page at 0x[0-9a-f]+$/,
  /^\[loader\] page tables: root 0x[0-9a-f]+, .* self-check ok$/,
  /^\[loader\] UEFI runtime: \d+ regions mapped at 0xffffe00000000000 \+ phys: /,
  '[loader] exiting boot services',
  /^\[loader\] boot services exited \(attempt \d\); final map: \d+ UEFI descriptors -> \d+ regions$/,
  /^\[loader\] SetVirtualAddressMap: EFI_SUCCESS \(/,
  /^\[loader\] jumping to kernel entry 0xffffffff8[0-9a-f]+ /,
  LOADER_TIME_LINE,
  /^\[kernel\] tsboot kernel-stub \(x86_64\) entered, boot info at 0xffff8000[0-9a-f]+$/,
  '[kernel] check ok: boot info magic, version, size and architecture',
  `[kernel] cmdline: "${CMDLINE}"`,
  /^\[kernel\] hhdm base 0xffff800000000000/,
  /^\[kernel\] kernel virt 0xffffffff80000000 phys 0x[0-9a-f]+ /,
  /^\[kernel\] rsdp 0x[0-9a-f]+ \(revision 2\)$/,
  /^\[kernel\] framebuffer 0x[0-9a-f]+ \d+x\d+ pitch \d+ /,
  /^\[kernel\] loader time: \d+ TSC ticks = \d+ us at \d+ MHz/,
  /^\[kernel\] check ok: interrupts off, WP and NXE on/,
  /^\[kernel\] check ok: memory map sorted, non-overlapping, coalesced/,
  /^\[kernel\] memory: usable \d+ MiB in \d+ regions?$/,
  /^\[kernel\] memory: kernel \d+ KiB in 1 region$/,
  /^\[kernel\] check ok: kernel text read-only/,
  /^\[kernel\] check ok: HHDM reads match/,
  /^\[kernel\] check ok: engine on the live tables/,
  /^\[kernel\] smp: 4 CPUs in the firmware tables \(ACPI MADT; local APIC in xAPIC mode; INIT-SIPI-SIPI through the trampoline at 0x[0-9a-f]+\); boot CPU id 0x0$/,
  /^\[kernel\] memtest: 16 MiB in \d+ extents? of the \d+ KiB free \(a bounded share; tsboot\.memtest=all tests all of it\)$/,
  '[kernel] smp: 4 CPUs online',
  '[kernel] check ok: spin lock, frame allocator and console shared by every online CPU',
  '[kernel] check ok: every CPU the firmware named came online',
  '[kernel] check ok: memory test on every online CPU: no errors but the injected ones',
  '[kernel] check ok: efi runtime services: table and GetTime mapped in the runtime window',
  /^\[kernel\] efi time: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} .*: ok$/,
  '[kernel] check ok: efi GetTime through the virtual runtime services table',
  '[kernel] PASS',
];

test('x86_64: loader + kernel boot to [kernel] PASS with exit 33', async () => {
  const art = await buildBoot('x86_64');
  const dir = tempDir('x86_64');
  try {
    const cfg = path.join(dir, 'boot.cfg');
    const sha = createHash('sha256').update(fs.readFileSync(art.kernel)).digest('hex');
    // The default is the other entry: only the arrow keys reach this command line. If the
    // keys got lost, 'other' boots after 30 s and the cmdline expectation fails.
    fs.writeFileSync(cfg, [
      'timeout=30', 'default=other',
      'entry=other', 'protocol=tsboot', 'path=/tsboot/kernel-x86_64.elf', 'cmdline=the default entry, not chosen',
      'entry=tsboot', 'protocol=tsboot', 'path=/tsboot/kernel-x86_64.elf', `cmdline=${CMDLINE}`, `sha256=${sha}`, '',
    ].join('\n'));
    const r = await bootEsp('x86_64', dir, [
      { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
      { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], {
      expect: EXPECT, exitConvention: 'isa-debug-exit', keys: [{ after: MENU_READY, choose: 'tsboot', via: 'arrows' }],
      smp: CPUS, memory: MEMORY, timeoutMs: 240_000, silenceMs: 120_000,
    });
    assert.ok(r.ok, explain(r));
    const text = r.lines.map((l) => l.text);
    const probes = checkProbes(text, 'x86_64');
    assert.equal(probes, [], `${probes.join('; ')}\n${explain(r)}`);
    // qemu64 has no pdpe1gb: the HHDM has no 1 GiB leaf, though the RAM QEMU puts at 4..6 GiB
    // is 1 GiB aligned (the -cpu max boot of tests/boot/paging5.test.ts has them).
    const leaves = hhdmLeaves(text);
    assert.ok(leaves && !leaves.allowed && leaves.gib1 === 0 && leaves.mib2 >= 1024,
      `HHDM leaves: ${JSON.stringify(leaves)}\n${explain(r)}`);
    const smp = checkSmp(text, CPUS);
    assert.equal(smp, [], `${smp.join('; ')}\n${explain(r)}`);
    const mt = checkMemtest(text, CPUS, { pa: INJECT_PA, bit: INJECT_BIT });
    assert.equal(mt.problems, [], `${mt.problems.join('; ')}\n${explain(r)}`);
    console.log(`    memtest on ${CPUS} CPUs: ${describeMemtest(mt.summaries)}`);
    assert.is(r.verdict, 'pass');
    assert.is(r.exit.code, ISA_DEBUG_EXIT_PASS);
    // Every [kernel] line comes after the last [loader] line (nothing from the loader
    // after the jump, nothing from the kernel before it).
    const lastLoader = r.lines.map((l) => l.text.startsWith('[loader]')).lastIndexOf(true);
    const firstKernel = r.lines.findIndex((l) => l.text.startsWith('[kernel]'));
    assert.ok(firstKernel > lastLoader, 'kernel output interleaved with loader output');
    checkMemory(r, MEMORY);

    const ticks = r.lines.map((l) => /^\[kernel\] loader time: (\d+) TSC ticks = (\d+) us/.exec(l.text)).find((m) => m);
    const sizeLoader = fs.statSync(art.loader).size;
    const sizeKernel = fs.statSync(art.kernel).size;
    console.log(`    BOOTX64.EFI ${sizeLoader} B, kernel-x86_64.elf ${sizeKernel} B`);
    if (ticks) console.log(`    loader entry -> jump: ${ticks[1]} TSC ticks = ${ticks[2]} us`);
    console.log(`    ${loaderPhases(r)}`);
    console.log(`    launch -> first [loader] ${(r.timings.firstLoaderMs! / 1000).toFixed(2)} s, -> verdict ${(r.timings.verdictMs! / 1000).toFixed(2)} s`);
    assert.ok(sizeLoader < LOADER_SIZE_GOAL, `BOOTX64.EFI is ${sizeLoader} bytes; the goal is under ${LOADER_SIZE_GOAL / 1024} KiB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
