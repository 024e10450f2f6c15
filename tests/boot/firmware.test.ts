// The same BOOTX64.EFI / BOOTAA64.EFI and kernels on every UEFI implementation the runner
// knows (docs/firmware.md). `npm test` boots U-Boot on both architectures (EDK2 is booted by
// the x86_64 and aarch64 suites); `npm run test:matrix` (TSBOOT_MATRIX=1) boots the matrix:
//   x86_64  {q35, pc} x {OVMF 4 MiB, OVMF 2 MiB, OVMF Secure Boot + SMM, U-Boot}, ESP on AHCI/IDE;
//           q35 x {OVMF, U-Boot} x ESP on {virtio, NVMe, USB};
//   aarch64 {cortex-a53, a57, a72, max} x {AAVMF, U-Boot}, ESP on virtio;
//           cortex-a72 x {AAVMF, U-Boot} x ESP on {NVMe, USB};
// and proves the two pairs that cannot boot (pc with OVMF's SMM build; U-Boot x86_64 from
// NVMe) instead of leaving them out.
//
// Every boot must reach `[kernel] PASS` with each loader line exactly once on serial
// (harness `unique`) and nothing lost: the memory-map and runtime listings have as many
// lines as their headers announce, and the kernel printed as many `check ok` lines as its
// closing count says. Each boot has one CPU, which the kernel must find in the firmware's
// tables and run its shared-state checks and memory test on (tests/boot/smpcheck.ts).
// One more OVMF boot checks the same while the harness stops reading for a while: serial
// output must not depend on how promptly it is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { bootEsp, BootPlace, buildBoot, explain, tempDir } from './bootlib';
import { checkSmp, checkMemtest } from './smpcheck';
import { checkProbes } from './permcheck';
import { removeDir } from '../lib/toolchain';
import { HarnessResult, runHarness, SerialLine } from '../../qemu/harness';
import { launchProcess, qemuCommand } from '../../qemu/runner';
import { locateFirmware, prepareFirmware } from '../../ovmf/firmware';
import { type Arch, archInfo } from '../../scripts/paths';
import { buildEsp } from '../../scripts/esp';

const FULL = process.env.TSBOOT_MATRIX === '1';

interface Case extends BootPlace {
  arch: Arch;
}

function name(c: Case): string {
  return [c.arch, c.firmware ?? 'edk2', c.machine ?? c.cpu, c.diskBus && c.diskBus !== 'default' ? `ESP on ${c.diskBus}` : undefined]
    .filter((x) => x).join(', ');
}

// U-Boot x86_64 on pc with the ESP on virtio: the quickest U-Boot boot (q35's AHCI costs U-Boot
// about 10 s of link timeouts on its empty ports; the matrix boots that too).
const QUICK: Case[] = [
  { arch: 'x86_64', firmware: 'uboot', machine: 'pc', diskBus: 'virtio' },
  { arch: 'aarch64', firmware: 'uboot', cpu: 'cortex-a72' },
];

function matrix(): Case[] {
  const out: Case[] = [];
  for (const machine of ['q35', 'pc'] as const) {
    for (const firmware of ['edk2', 'edk2-2m', 'edk2-secboot', 'uboot'] as const) {
      if (machine === 'pc' && firmware === 'edk2-secboot') continue; // proven impossible below
      out.push({ arch: 'x86_64', firmware, machine });
    }
  }
  for (const diskBus of ['virtio', 'nvme', 'usb'] as const) {
    for (const firmware of ['edk2', 'uboot'] as const) {
      if (firmware === 'uboot' && diskBus === 'nvme') continue; // proven impossible below
      out.push({ arch: 'x86_64', firmware, machine: 'q35', diskBus });
    }
  }
  for (const cpu of ['cortex-a53', 'cortex-a57', 'cortex-a72', 'max']) {
    for (const firmware of ['edk2', 'uboot'] as const) out.push({ arch: 'aarch64', firmware, cpu });
  }
  for (const diskBus of ['nvme', 'usb'] as const) {
    for (const firmware of ['edk2', 'uboot'] as const) out.push({ arch: 'aarch64', firmware, cpu: 'cortex-a72', diskBus });
  }
  return out;
}

/** Lines that say how many lines follow must be followed by that many (nothing lost). */
function audit(r: HarnessResult): string[] {
  const t = r.lines.map((l) => l.text);
  const problems: string[] = [];
  const mapHead = t.map((l) => /^\[loader\] memory map: (\d+) descriptors/.exec(l)).find((m) => m);
  // One line per descriptor, boot-services code and data summed in one line at the end.
  const summed = t.map((l) => /^\[loader\]   and (\d+) BootServicesCode\/Data descriptors, pages=\d+/.exec(l)).find((m) => m);
  const mapLines = t.filter((l) => /^\[loader\]   0x[0-9a-f]{12}-0x[0-9a-f]{12} \S+ pages=\d+ attr=0x[0-9a-f]+$/.test(l)).length + Number(summed?.[1] ?? 0);
  if (!mapHead || Number(mapHead[1]) !== mapLines) problems.push(`memory map: header says ${mapHead?.[1]} descriptors, ${mapLines} printed or summed`);
  const rtHead = t.map((l) => /^\[loader\] UEFI runtime: (\d+) regions mapped/.exec(l)).find((m) => m);
  const rtLines = t.filter((l) => l.startsWith('[loader]   runtime 0x')).length;
  if (!rtHead || Number(rtHead[1]) !== rtLines) problems.push(`runtime regions: header says ${rtHead?.[1]}, ${rtLines} lines printed`);
  const checks = t.map((l) => /^\[kernel\] all (\d+) checks passed$/.exec(l)).find((m) => m);
  const okLines = t.filter((l) => l.startsWith('[kernel] check ok: ')).length;
  if (!checks || Number(checks[1]) !== okLines) problems.push(`kernel: says ${checks?.[1]} checks passed, ${okLines} "check ok" lines printed`);
  return problems;
}

function expectFor(c: Case): (string | RegExp)[] {
  const uboot = c.firmware === 'uboot';
  return [
    `[loader] tsboot loader (${c.arch}) starting`,
    uboot
      ? '[loader] console: ConOut reaches a serial port (the console device has a UART below it): serial gets each line from there until ExitBootServices'
      : '[loader] console: ConOut reaches a serial port (the ConOut variable names a UART): serial gets each line from there until ExitBootServices',
    uboot ? /^\[loader\] firmware: Das U-Boot revision 0x[0-9a-f]+, UEFI 2\.\d+/ : /^\[loader\] firmware: EDK II revision 0x[0-9a-f]+, UEFI 2\.\d+/,
    uboot ? '[loader] UEFI runtime: no EFI_MEMORY_ATTRIBUTES_TABLE; runtime code will be mapped RWX' : /^\[loader\] UEFI runtime: EFI_MEMORY_ATTRIBUTES_TABLE version \d+/,
    /^\[loader\] UEFI runtime: \d+ regions mapped at 0xffffe00000000000 \+ phys: /,
    ...(uboot ? [/^\[loader\] UEFI runtime: \d+ KiB of runtime code mapped RWX in 1 range \(W\^X lifted for those only, listed in the boot info\): the firmware publishes no memory attributes table$/] : []),
    '[loader] exiting boot services',
    /^\[loader\] SetVirtualAddressMap: EFI_SUCCESS \(/,
    /^\[kernel\] tsboot kernel-stub \(\w+\) entered/,
    ...(uboot ? [/^\[kernel\]   runtime RWX 0xffffe000[0-9a-f]+ \(\d+ KiB\): the firmware publishes no memory attributes table$/] : []),
    /^\[kernel\]   runtime window: \d+ leaves checked, RWX only in the \d+ listed ranges/,
    "[kernel] check ok: efi runtime window W^X except the boot info's RWX ranges",
    uboot ? /^\[kernel\]   efi runtime services table \(listed RWX\) 0xffffe000/ : /^\[kernel\]   efi runtime services table 0xffffe000[0-9a-f]+ -> 0x[0-9a-f]+ RW- /,
    '[kernel] check ok: efi runtime services: table and GetTime mapped in the runtime window',
    '[kernel] PASS',
  ];
}

const timings: string[] = [];
test.after(() => {
  if (timings.length) console.log(`\n  launch -> verdict per boot (TCG, this machine's load):\n${timings.map((t) => `    ${t}`).join('\n')}`);
});

/** Boots the loader and kernel on `c` and checks: PASS, each loader line once, nothing lost. */
async function bootAndAudit(c: Case, onLine?: (line: SerialLine) => void): Promise<HarnessResult> {
  const art = await buildBoot(c.arch);
  const dir = tempDir(`fw-${c.arch}`);
  try {
    const r = await bootEsp(c.arch, dir, [
      { hostPath: art.loader, espPath: `/EFI/BOOT/${archInfo(c.arch).efiBootName}` },
      { hostPath: art.kernel, espPath: `/tsboot/kernel-${c.arch}.elf` },
    ], {
      ...c,
      expect: expectFor(c),
      unique: /^\[loader\] /,
      exitConvention: c.arch === 'x86_64' ? 'isa-debug-exit' : 'psci',
      timeoutMs: 150_000,
      silenceMs: 60_000,
      onLine,
    });
    assert.ok(r.ok, explain(r));
    const lost = audit(r);
    assert.equal(lost, [], `lines lost:\n${lost.join('\n')}\n${explain(r)}`);
    // One CPU (QEMU's default): the CPU tables, the shared-state checks and the memory test
    // on it alone, as each firmware describes it.
    const text = r.lines.map((l) => l.text);
    const smp = [...checkProbes(text, c.arch), ...checkSmp(text, 1), ...checkMemtest(text, 1).problems];
    assert.equal(smp, [], `${smp.join('; ')}\n${explain(r)}`);
    return r;
  } finally {
    removeDir(dir);
  }
}

for (const c of FULL ? matrix() : QUICK) {
  test(`${name(c)}: [kernel] PASS, each loader line once, nothing lost`, async () => {
    const r = await bootAndAudit(c);
    timings.push(`${name(c)}: ${(r.timings.verdictMs! / 1000).toFixed(1)} s (first [loader] line ${(r.timings.firstLoaderMs! / 1000).toFixed(1)} s)`);
  });
}

// A harness that stops reading must not cost the guest any output. Through a pipe it did:
// QEMU's writes were refused, its 16550 reported the transmitter busy, and OVMF's serial
// driver timed out and dropped the rest of the string (docs/firmware.md, "Serial output
// under load"); a stall like this one lost the `[loader] console:` line in every run. This
// process blocks at the firmware's first line (as when it is not scheduled on a loaded
// machine), for longer than that timeout.
const STALL_MS = 8000;
test(`x86_64, edk2, q35, harness not reading for ${STALL_MS / 1000} s at the firmware's first line: nothing lost`, async () => {
  let stalled = false;
  await bootAndAudit({ arch: 'x86_64', firmware: 'edk2', machine: 'q35' }, () => {
    if (stalled) return;
    stalled = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS);
  });
  assert.ok(stalled);
});

if (FULL) {
  // OVMF's Secure Boot build requires SMM, which it implements only on q35 (ICH9 SMRAM): on
  // pc (i440FX) it stops before printing anything. The runner refuses the pair with that
  // message; here QEMU is started with it anyway to show that it really is dead.
  test('x86_64 pc with OVMF Secure Boot + SMM cannot boot: refused by the runner, silent in QEMU', async () => {
    const fw = prepareFirmware('x86_64', { firmware: 'edk2-secboot' });
    const dir = tempDir('fw-sb-pc');
    try {
      assert.throws(() => qemuCommand({ arch: 'x86_64', firmware: fw, machine: 'pc' }), /needs SMM, which OVMF supports only on q35/);
      const art = await buildBoot('x86_64');
      const esp = `${dir}/esp.img`;
      buildEsp(esp, [{ hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' }]);
      const { cmd, args } = qemuCommand({ arch: 'x86_64', firmware: fw, disk: esp });
      const forced = args.map((a) => (a === 'q35,smm=on' ? 'pc,smm=on' : a));
      assert.ok(forced.includes('pc,smm=on'));
      const r = await runHarness(launchProcess(cmd, forced, { timeoutMs: 60_000 }), { requireVerdict: false, silenceMs: 30_000 });
      assert.is(r.failure?.kind, 'silence', explain(r));
      assert.equal(r.lines.filter((l) => l.text !== ''), [], 'OVMF printed something on pc');
    } finally {
      fw.cleanup();
      removeDir(dir);
    }
  });

  // Debian's U-Boot for qemu-x86_64 has an NVMe driver but its distro boot never tries it:
  // the built-in environment says boot_targets=usb0 scsi0 virtio0 ide0 dhcp. It scans those,
  // finds no ESP and stops at its prompt.
  test('x86_64 U-Boot cannot boot an ESP on NVMe: nvme0 is not among its boot targets', async () => {
    const rom = fs.readFileSync(locateFirmware('x86_64', { firmware: 'uboot' }).code).toString('latin1');
    const targets = /boot_targets=([^\0]*)\0/.exec(rom);
    assert.ok(targets, 'no boot_targets in the U-Boot image');
    assert.not.match(targets![1], /nvme/);
    assert.match(targets![1], /virtio0/);
    const art = await buildBoot('x86_64');
    const dir = tempDir('fw-ub-nvme');
    try {
      const r = await bootEsp('x86_64', dir, [
        { hostPath: art.loader, espPath: '/EFI/BOOT/BOOTX64.EFI' },
        { hostPath: art.kernel, espPath: '/tsboot/kernel-x86_64.elf' },
      ], { firmware: 'uboot', machine: 'q35', diskBus: 'nvme', requireVerdict: false, stopWhen: /No ethernet found/, graceMs: 2000, timeoutMs: 120_000 });
      const t = r.lines.map((l) => l.text);
      assert.ok(t.some((l) => l.includes('No ethernet found')), `U-Boot did not go through its boot targets:\n${explain(r)}`);
      assert.not.ok(t.some((l) => l.startsWith('[loader]')), 'the loader ran from NVMe after all: update docs/firmware.md');
    } finally {
      removeDir(dir);
    }
  });
}

test.run();
