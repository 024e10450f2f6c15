// End-to-end boots on aarch64 (QEMU virt + AAVMF): loader/main.ts -> BOOTAA64.EFI,
// kernel-stub/main.ts -> kernel-aarch64.elf. The loader's menu picks the entry that is not
// the default by its digit (typed on the serial console), checks its sha256=, and boots
// it; the kernel checks the boot protocol, prints the command line it got (the chosen
// entry's), `[kernel] PASS` and powers off through PSCI SYSTEM_OFF (QEMU exit status 0).
//
// Three boots cover the three ways in, each on another CPU model and CPU count:
//   cortex-a72, default virt, -smp 4: EL1, firmware publishes ACPI (no device tree): PL011
//              from SPCR, PSCI conduit (hvc) from the FADT, CPUs from the MADT; the memory
//              test with a fault injected where the kernel chooses (auto); with 1 GiB of
//              RAM it also carries the memory matrix's checks (checkMemory);
//   cortex-a57, -machine acpi=off, -smp 2: EL1, device tree: PL011 `reg`, psci `method`
//              (hvc), the cpu nodes;
//   max, -machine virtualization=on, -smp 3: the loader starts at EL2 and erets to EL1;
//              PSCI via smc; QEMU starts the other CPUs at EL2 too, and they take the same
//              way down to EL1; CPU 1 is told to stop at its entry (tsboot.smp.hang=1): it
//              is reported after the bounded wait and CPU 2 still comes online.
// Then the missing-kernel and corrupt-kernel boots, as on x86_64 (tests/boot/bad-kernel.test.ts),
// and a kernel for the wrong machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { bootEsp, buildBoot, checkMemory, explain, loaderPhases, tempDir, LOADER_SIZE_GOAL } from './bootlib';
import { LOADER_TIME_LINE, MENU_READY } from '../../qemu/harness';
import { checkSmp, checkMemtest, describeMemtest } from './smpcheck';
import { checkProbes, hhdmLeaves } from './permcheck';

const CMDLINE = 'tsboot-e2e console=ttyAMA0 answer=42';

/** Expected in order for every successful boot; `variant` lines are spliced in. */
function expectLines(variant: { el: (string | RegExp)[]; tables: RegExp; kernelArch: RegExp; smp: number; cpuSource: string; hang?: number }): (string | RegExp)[] {
  return [
    '[loader] tsboot loader (aarch64) starting',
    /^\[loader\] loader@0x[0-9a-f]+ size 0x[0-9a-f]+$/,
    /^\[loader\] read \\tsboot\\boot\.cfg \(\d+ bytes\): 2 entries for aarch64$/,
    /^\[loader\] timestamp counter: \d+ kHz \(CNTFRQ_EL0\)$/,
    "[loader] menu: 2 entries, default 'other'",
    /^\[loader\] menu: up\/down or 1-9 choose, Enter boots, e edits the command line$/,
    /^\[loader\] booting 'other' in 30.*: stopped$/,
    '[loader] > 2 tsboot [tsboot] \\tsboot\\kernel-aarch64.elf',
    "[loader] booting entry 'tsboot' (tsboot, \\tsboot\\kernel-aarch64.elf)",
    new RegExp(`^\\[loader\\] cmdline: ${CMDLINE}( tsboot\\.memtest\\.inject=auto:\\d+)?( tsboot\\.smp\\.hang=\\d+)?$`),
    /^\[loader\] aarch64: running at EL[12], MIDR 0x[0-9a-f]+, PARange \d+ bits, 4 KiB granule supported$/,
    variant.tables,
    /^\[loader\] kernel file \\tsboot\\kernel-aarch64\.elf: \d+ bytes at 0x[0-9a-f]+$/,
    /^\[loader\] sha256 ok: \\tsboot\\kernel-aarch64\.elf [0-9a-f]{64} \(\d+ B in \d+ ms\)$/,
    /^\[loader\] kernel ELF ok: entry 0xffffffff8[0-9a-f]+, 3 PT_LOAD segments/,
    /^\[loader\] HHDM 0xffff800000000000 maps phys 0-0x[0-9a-f]+ .*NX/,
    /^\[loader\]   kernel segment 0xffffffff80000000-0x[0-9a-f]+ R-X/,
    /^\[loader\]   kernel segment 0x[0-9a-f]+-0x[0-9a-f]+ R--/,
    /^\[loader\]   kernel segment 0x[0-9a-f]+-0x[0-9a-f]+ RW-/,
    /^\[loader\]   identity: trampoline 0x[0-9a-f]+ \(2 pages R-X\)/,
    /^\[loader\] page tables: root 0x[0-9a-f]+, .* self-check ok$/,
    /^\[loader\]   runtime 0x000009010000-0x000009011000 MMIO -> 0xffffe00009010000 device RW- 4 KiB$/,
    /^\[loader\] UEFI runtime: \d+ regions mapped at 0xffffe00000000000 \+ phys: /,
    '[loader] exiting boot services',
    /^\[loader\] boot services exited \(attempt \d\)/,
    /^\[loader\] SetVirtualAddressMap: EFI_SUCCESS \(/,
    /^\[loader\] cleaned the kernel image to PoU \(\d+ KiB; D-line \d+ B, I-line \d+ B\)$/,
    ...variant.el,
    /^\[loader\] MAIR_EL1 0x4400ff, TCR_EL1 0x[0-9a-f]+, SCTLR_EL1 0x30d0181d$/,
    /^\[loader\] jumping to kernel entry 0xffffffff8[0-9a-f]+ /,
    LOADER_TIME_LINE,
    /^\[loader\] TTBR1_EL1 0x[0-9a-f]+ \(kernel, HHDM\), TTBR0_EL1 0x[0-9a-f]+ \(identity/,
    variant.kernelArch,
    /^\[kernel\] tsboot kernel-stub \(aarch64\) entered, boot info at 0xffff8000[0-9a-f]+$/,
    '[kernel] check ok: boot info magic, version, size and architecture',
    new RegExp(`^\\[kernel\\] cmdline: "${CMDLINE}( tsboot\\.memtest\\.inject=auto:\\d+)?( tsboot\\.smp\\.hang=\\d+)?"$`),
    /^\[kernel\] kernel virt 0xffffffff80000000 phys 0x[0-9a-f]+ /,
    /^\[kernel\] loader time: \d+ CNTVCT ticks = \d+ us at \d+ MHz/,
    /^\[kernel\] check ok: DAIF masked, SCTLR M\/C\/I on and WXN off, MAIR and TCR as announced, on the kernel stack and the announced page tables$/,
    /^\[kernel\] check ok: memory map sorted, non-overlapping, coalesced/,
    /^\[kernel\] memory: kernel \d+ KiB in 1 region$/,
    /^\[kernel\] check ok: kernel text read-only/,
    /^\[kernel\] check ok: HHDM reads match/,
    /^\[kernel\] check ok: engine on the live tables/,
    `[kernel] smp: ${variant.smp} CPUs in the firmware tables (${variant.cpuSource}); boot CPU id 0x0`,
    `[kernel] smp: ${variant.smp - (variant.hang !== undefined ? 1 : 0)} CPUs online`,
    '[kernel] check ok: spin lock, frame allocator and console shared by every online CPU',
    variant.hang !== undefined ? '[kernel] not every CPU came online (listed above); the others carried on'
      : '[kernel] check ok: every CPU the firmware named came online',
    '[kernel] check ok: memory test on every online CPU: no errors but the injected ones',
    '[kernel] check ok: efi runtime services: table and GetTime mapped in the runtime window',
    /^\[kernel\] efi time: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} .*: ok$/,
    '[kernel] check ok: efi GetTime through the virtual runtime services table',
    '[kernel] PASS',
  ];
}

const EL1_SWITCH = '[loader] EL1: switching translation tables in place (MMU off, TLBI, MAIR/TCR/TTBRs, MMU on)';

interface Variant {
  name: string;
  cpu: string;
  smp: number;
  cpuSource: string;
  /** Ask the kernel to inject a fault (at an address it chooses) into the memory test. */
  inject?: number;
  /** A CPU told to stop at its entry without reporting in. */
  hang?: number;
  qemuArgs: string[];
  /** Guest RAM; the memory matrix's checks run on this boot when set. */
  memory?: string;
  el: (string | RegExp)[];
  tables: RegExp;
  kernelArch: RegExp;
}

const VARIANTS: Variant[] = [
  {
    name: 'cortex-a72, ACPI (no device tree), EL1, 4 CPUs, 1 GiB',
    cpu: 'cortex-a72',
    smp: 4,
    cpuSource: 'ACPI MADT GIC CPU interfaces; PSCI CPU_ON via hvc',
    inject: 50,
    qemuArgs: [],
    memory: '1G',
    el: [EL1_SWITCH],
    tables: /^\[loader\] no device tree \(the firmware publishes ACPI\); SPCR: PL011 at 0x9000000; FADT: PSCI hvc$/,
    kernelArch: /^\[kernel\] aarch64: EL1, PL011 phys 0x9000000 \(from the loader\) mapped Device-nGnRnE at 0xffffffffe0000000; PSCI SYSTEM_OFF via hvc \(ACPI FADT ARM_BOOT_ARCH; no device tree\)$/,
  },
  {
    name: 'cortex-a57, device tree (acpi=off), EL1, 2 CPUs',
    cpu: 'cortex-a57',
    smp: 2,
    cpuSource: 'device tree cpu nodes; PSCI CPU_ON via hvc',
    qemuArgs: ['-machine', 'acpi=off'],
    el: [EL1_SWITCH],
    tables: /^\[loader\] device tree: \d+ bytes, version 17, \d+ nodes; PL011 0x9000000; PSCI hvc$/,
    kernelArch: /^\[kernel\] aarch64: EL1, PL011 phys 0x9000000 \(from the loader\) mapped Device-nGnRnE at 0xffffffffe0000000; PSCI SYSTEM_OFF via hvc \(device tree psci node\)$/,
  },
  {
    name: 'max, EL2 (virtualization=on) -> EL1, 3 CPUs of which one never reports in',
    cpu: 'max',
    smp: 3,
    hang: 1,
    cpuSource: 'ACPI MADT GIC CPU interfaces; PSCI CPU_ON via smc',
    qemuArgs: ['-machine', 'virtualization=on'],
    el: ['[loader] EL2 without VHE: moving to EL1 (HCR_EL2.RW=1, SPSR_EL2=EL1h with DAIF masked, ELR_EL2=entry, eret)'],
    tables: /^\[loader\] no device tree \(the firmware publishes ACPI\); SPCR: PL011 at 0x9000000; FADT: PSCI smc$/,
    kernelArch: /^\[kernel\] aarch64: EL1, .* PSCI SYSTEM_OFF via smc \(ACPI FADT ARM_BOOT_ARCH; no device tree\)$/,
  },
];

for (const v of VARIANTS) {
  test(`aarch64 ${v.name}: loader + kernel boot to [kernel] PASS, PSCI power-off`, async () => {
    const art = await buildBoot('aarch64');
    const dir = tempDir(`aarch64-${v.cpu}`);
    try {
      const cfg = path.join(dir, 'boot.cfg');
      const cmdline = CMDLINE + (v.inject !== undefined ? ` tsboot.memtest.inject=auto:${v.inject}` : '') +
        (v.hang !== undefined ? ` tsboot.smp.hang=${v.hang}` : '');
      const sha = createHash('sha256').update(fs.readFileSync(art.kernel)).digest('hex');
      // The entry that is not the default, chosen with its digit in the menu.
      fs.writeFileSync(cfg, [
        'timeout=30', 'default=other',
        'entry=other', 'protocol=tsboot', 'path=/tsboot/kernel-aarch64.elf', 'cmdline=the default entry, not chosen',
        'entry=tsboot', 'protocol=tsboot', 'path=/tsboot/kernel-aarch64.elf', `cmdline=${cmdline}`, `sha256=${sha}`, '',
      ].join('\n'));
      const r = await bootEsp('aarch64', dir, [
        { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTAA64.EFI' },
        { hostPath: art.kernel, espPath: '/tsboot/kernel-aarch64.elf' },
        { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
      ], {
        expect: expectLines(v),
        exitConvention: 'psci',
        keys: [{ after: MENU_READY, choose: 'tsboot', via: 'digit' }],
        cpu: v.cpu,
        qemuArgs: v.qemuArgs,
        smp: v.smp,
        memory: v.memory,
        timeoutMs: 120_000,
      });
      assert.ok(r.ok, explain(r));
      const text = r.lines.map((l) => l.text);
      const probes = checkProbes(text, 'aarch64');
      assert.equal(probes, [], `${probes.join('; ')}\n${explain(r)}`);
      const smp = checkSmp(text, v.smp, v.hang !== undefined ? [v.hang] : []);
      assert.equal(smp, [], `${smp.join('; ')}\n${explain(r)}`);
      const online = v.smp - (v.hang !== undefined ? 1 : 0);
      const mt = checkMemtest(text, online, v.inject !== undefined ? { bit: v.inject } : undefined);
      assert.equal(mt.problems, [], `${mt.problems.join('; ')}\n${explain(r)}`);
      console.log(`    [${v.cpu}] memtest on ${online} CPUs: ${describeMemtest(mt.summaries)}`);
      assert.is(r.verdict, 'pass');
      assert.is(r.exit.code, 0);
      // Nothing from the loader after the switch, nothing from the kernel before it.
      const lastLoader = r.lines.map((l) => l.text.startsWith('[loader]')).lastIndexOf(true);
      const firstKernel = r.lines.findIndex((l) => l.text.startsWith('[kernel]'));
      assert.ok(firstKernel > lastLoader, 'kernel output interleaved with loader output');
      if (v.memory) checkMemory(r, v.memory);
      // The 4 KiB granule has 1 GiB blocks at level 1 on every CPU: with 1 GiB of RAM at
      // 0x40000000 (1 GiB aligned) the HHDM maps it with one.
      const leaves = hhdmLeaves(text);
      assert.ok(leaves?.allowed, `HHDM leaves: ${JSON.stringify(leaves)}\n${explain(r)}`);
      if (v.memory) assert.ok(leaves!.gib1 > 0, `no 1 GiB block in the HHDM: ${JSON.stringify(leaves)}\n${explain(r)}`);

      // The numbers for the record: size, loader time in CNTVCT ticks and µs at CNTFRQ.
      const hz = r.lines.map((l) => /^\[loader\] timestamp counter: (\d+) kHz \(CNTFRQ_EL0\)/.exec(l.text)).find((m) => m);
      const ticks = r.lines.map((l) => /^\[kernel\] loader time: (\d+) CNTVCT ticks/.exec(l.text)).find((m) => m);
      const sizeLoader = fs.statSync(art.loader).size;
      const us = hz && ticks ? Math.round((Number(ticks[1]) * 1000) / Number(hz[1])) : undefined;
      console.log(`    [${v.cpu}] BOOTAA64.EFI ${sizeLoader} B; loader entry -> jump ${ticks?.[1]} CNTVCT ticks` +
        (us !== undefined ? ` = ${us} us at ${hz![1]} kHz` : '') +
        `; launch -> first [loader] ${(r.timings.firstLoaderMs! / 1000).toFixed(2)} s, -> verdict ${(r.timings.verdictMs! / 1000).toFixed(2)} s`);
      console.log(`    [${v.cpu}] ${loaderPhases(r)}`);
      assert.ok(sizeLoader < LOADER_SIZE_GOAL, `BOOTAA64.EFI is ${sizeLoader} bytes; the goal is under ${LOADER_SIZE_GOAL / 1024} KiB`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}


test.run();
