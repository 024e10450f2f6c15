// Every kind of CPU exception in the kernel ends in one report, `[kernel] FAIL: <exception>`
// and a power-off, never in a reset or a silent hang (kernel-stub/trap/). Each case boots
// the real loader and kernel with `cmdline=tsboot.fault=<kind>` in boot.cfg (the kernel's
// test switch, kernel-stub/trap/inject.ts) and with guest resets allowed (no -no-reboot),
// then checks the report's fields: the exception's name, the faulting address (CR2 /
// FAR_EL1), the error code or the decoded ESR, the registers, a backtrace line naming the
// kernel function that faulted (the pc is also checked against the ELF file's own symbol
// table), the FAIL line, and that QEMU ended by the kernel's power-off (x86_64: exit 35
// through isa-debug-exit; aarch64: PSCI SYSTEM_OFF, exit 0), not by a reset.
//
// `npm test` runs pf, exec, ud, de, stack and nested on x86_64 and pf (data abort), exec
// (instruction abort), ud, stack and nested on aarch64, on EDK2 (OVMF/AAVMF), and the stack
// overflow on U-Boot's UEFI too; `npm run test:matrix` runs every case on both firmwares and
// adds gp, brk and the unknown-kind message.
// @suite long 60
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { bootNoReset, buildBoot, explain, tempDir, tsbootCfg, FIRMWARE_DUMP_PATTERNS, NoResetRun } from '../boot/bootlib';
import { parseElf } from '../../linker/elf';
import type { Arch } from '../../scripts/paths';
import type { FirmwareName } from '../../ovmf/firmware';

const FULL = process.env.TSBOOT_MATRIX === '1';
const UNMAPPED = '0xffffffffdead0000';
const HEX16 = '0x[0-9a-f]{16}';
const EFI: Record<Arch, string> = { x86_64: 'BOOTX64.EFI', aarch64: 'BOOTAA64.EFI' };

interface FaultCase {
  arch: Arch;
  kind: string;
  matrixOnly?: boolean;
  /** Report lines, in order (after the kernel's "causing <kind>" line). */
  report: Array<string | RegExp>;
  /** The kernel function (ELF symbol) that must contain the reported pc, or null (a jump to data). */
  fn: string | null;
  /** A function the backtrace must name. */
  backtrace: string;
  fail: RegExp;
}

const re = (s: string) => new RegExp(s);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `#n 0x... in <fn>+0x..` */
const frame = (fn: string) => re(`^\\[kernel\\]     #\\d+ ${HEX16} in ${esc(fn)}\\+0x[0-9a-f]+( \\(.*\\))?$`);

const X64_REGS = [
  re(`^\\[kernel\\]   regs rax ${HEX16} rbx ${HEX16} rcx ${HEX16} rdx ${HEX16}$`),
  re(`^\\[kernel\\]   regs rsi ${HEX16} rdi ${HEX16} rbp ${HEX16} rsp ${HEX16}$`),
  re(`^\\[kernel\\]   regs r12 ${HEX16} r13 ${HEX16} r14 ${HEX16} r15 ${HEX16}$`),
  re(`^\\[kernel\\]   ctrl cr0 ${HEX16} cr2 ${HEX16} cr3 ${HEX16} cr4 ${HEX16}$`),
];
const A64_REGS = [
  re(`^\\[kernel\\]   regs  x0 ${HEX16}  x1 ${HEX16}  x2 ${HEX16}  x3 ${HEX16}$`),
  re(`^\\[kernel\\]   regs x28 ${HEX16} x29 ${HEX16} x30 ${HEX16}  sp ${HEX16}$`),
  re(`^\\[kernel\\]   regs elr ${HEX16} spsr ${HEX16} sp_el0 ${HEX16}$`),
];

type Lines = Array<string | RegExp>;

function x64(kind: string, name: string, tag: string, fn: string | null, lines: Lines, fail: string, matrixOnly = false): FaultCase {
  return {
    arch: 'x86_64', kind, matrixOnly, fn, backtrace: fn ?? 'trap/inject.faultExec',
    report: [`[kernel] EXCEPTION: ${name} (${tag}) on cpu 0`, ...lines, ...X64_REGS, '[kernel]   backtrace:'],
    fail: re(`^${esc(fail)}`),
  };
}

function a64(kind: string, name: string, ec: string, fn: string | null, lines: Lines, fail: string, matrixOnly = false): FaultCase {
  return {
    arch: 'aarch64', kind, matrixOnly, fn, backtrace: fn ?? 'trap/inject.faultExec',
    report: [`[kernel] EXCEPTION: ${name} (EC ${ec}) on cpu 0`, ...lines, ...A64_REGS, '[kernel]   backtrace:'],
    fail: re(`^${esc(fail)}`),
  };
}

const rip = (v: number, fn: string) => re(`^\\[kernel\\]   vector ${v}, rip ${HEX16} in ${esc(fn)}\\+0x[0-9a-f]+$`);
const pcLine = (fn: string | null) => re('^\\[kernel\\]   synchronous exception from the current EL with SP_EL0 ' +
  `\\(vector offset 0x000\\), pc ${HEX16}${fn ? ` in ${esc(fn)}\\+0x[0-9a-f]+` : ''}$`);
const GUARD_NOTE = '[kernel]   the address is in the guard page below a stack: stack overflow';

const CASES: FaultCase[] = [
  x64('pf', 'page fault', '#PF', 'trap/inject.faultRead', [
    rip(14, 'trap/inject.faultRead'),
    `[kernel]   address (cr2) ${UNMAPPED}`,
    '[kernel]   error code 0x0000: page not present, read, supervisor mode',
  ], `[kernel] FAIL: page fault (#PF), address ${UNMAPPED}, rip 0x`),
  x64('exec', 'page fault', '#PF', null, [
    re(`^\\[kernel\\]   vector 14, rip ${HEX16}$`),
    re(`^\\[kernel\\]   address \\(cr2\\) ${HEX16}$`),
    '[kernel]   error code 0x0011: protection violation, instruction fetch, supervisor mode',
  ], '[kernel] FAIL: page fault (#PF), address 0x'),
  x64('ud', 'invalid opcode', '#UD', 'trap/inject.faultInvalidOpcode', [
    rip(6, 'trap/inject.faultInvalidOpcode'), '[kernel]   error code 0x0000',
  ], '[kernel] FAIL: invalid opcode (#UD), rip 0x'),
  x64('de', 'divide error', '#DE', 'trap/inject.faultDivide', [
    rip(0, 'trap/inject.faultDivide'), '[kernel]   error code 0x0000',
  ], '[kernel] FAIL: divide error (#DE), rip 0x'),
  x64('stack', 'double fault', '#DF', 'trap/inject.stackOverflow', [
    rip(8, 'trap/inject.stackOverflow'),
    re('^\\[kernel\\]   cr2 \\(the last page-fault address\\) 0xffffffffeffef[0-9a-f]{3}$'),
    GUARD_NOTE,
    '[kernel]   error code 0x0000',
  ], '[kernel] FAIL: kernel stack overflow: double fault (#DF), address 0xffffffffeffef'),
  x64('gp', 'general protection fault', '#GP', 'trap/inject.faultNonCanonical', [
    rip(13, 'trap/inject.faultNonCanonical'), '[kernel]   error code 0x0000',
  ], '[kernel] FAIL: general protection fault (#GP), rip 0x', true),
  x64('brk', 'breakpoint', '#BP', 'trap/inject.faultBreakpoint', [
    rip(3, 'trap/inject.faultBreakpoint'),
  ], '[kernel] FAIL: breakpoint (#BP), rip 0x', true),

  a64('pf', 'data abort', '0x25', 'trap/inject.faultRead', [
    pcLine('trap/inject.faultRead'),
    re('^\\[kernel\\]   esr 0x960000[0-9a-f]{2}: EC 0x25 data abort; IL 32-bit; ISS 0x[0-9a-f]{7}$'),
    re('^\\[kernel\\]   DFSC 0x0[4-7] translation fault, level [0-3]; read$'),
    `[kernel]   far ${UNMAPPED}`,
  ], `[kernel] FAIL: data abort (EC 0x25), address ${UNMAPPED}, pc 0x`),
  a64('exec', 'instruction abort', '0x21', null, [
    pcLine(null),
    re('^\\[kernel\\]   esr 0x860000[0-9a-f]{2}: EC 0x21 instruction abort; IL 32-bit; ISS 0x[0-9a-f]{7}$'),
    '[kernel]   IFSC 0x0f permission fault, level 3; instruction fetch',
    re(`^\\[kernel\\]   far ${HEX16}$`),
  ], '[kernel] FAIL: instruction abort (EC 0x21), address 0x'),
  a64('ud', 'unknown reason (undefined instruction)', '0x00', 'trap/inject.faultInvalidOpcode', [
    pcLine('trap/inject.faultInvalidOpcode'),
    '[kernel]   esr 0x02000000: EC 0x00 unknown reason (undefined instruction); IL 32-bit; ISS 0x0000000',
  ], '[kernel] FAIL: unknown reason (undefined instruction) (EC 0x00), pc 0x'),
  a64('stack', 'data abort', '0x25', 'trap/inject.stackOverflow', [
    pcLine('trap/inject.stackOverflow'),
    re('^\\[kernel\\]   DFSC 0x07 translation fault, level 3; write$'),
    re('^\\[kernel\\]   far 0xffffffffeffef[0-9a-f]{3}$'),
    GUARD_NOTE,
  ], '[kernel] FAIL: kernel stack overflow: data abort (EC 0x25), address 0xffffffffeffef'),
  a64('brk', 'BRK instruction', '0x3c', 'trap/inject.faultBreakpoint', [
    pcLine('trap/inject.faultBreakpoint'),
    '[kernel]   esr 0xf2000000: EC 0x3c BRK instruction; IL 32-bit; ISS 0x0000000',
  ], '[kernel] FAIL: BRK instruction (EC 0x3c), pc 0x', true),
];

/** [start, end) of an ELF function symbol of the kernel file. */
function symbolRange(kernel: string, name: string): [bigint, bigint] {
  const sym = parseElf(fs.readFileSync(kernel)).symbols.find((s) => s.name === name && s.type === 2);
  assert.ok(sym, `the kernel has no function symbol ${name}`);
  return [sym!.value, sym!.value + BigInt(sym!.size)];
}

const FIRMWARES: FirmwareName[] = ['edk2', 'uboot'];
/** npm test boots U-Boot for this kind only (U-Boot's x86_64 boot takes 10-15 s). */
const UBOOT_KIND = 'stack';

async function bootWithCmdline(arch: Arch, tag: string, cmdline: string, firmware: FirmwareName = 'edk2') {
  const art = await buildBoot(arch);
  const dir = tempDir(`fault-${arch}-${firmware}-${tag}`);
  try {
    const cfg = path.join(dir, 'boot.cfg');
    fs.writeFileSync(cfg, tsbootCfg(arch, cmdline));
    const run = await bootNoReset(arch, dir, [
      { hostPath: art.loader, espPath: `/EFI/BOOT/${EFI[arch]}` },
      { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ], { firmware, failPatterns: FIRMWARE_DUMP_PATTERNS, timeoutMs: 120_000, silenceMs: 30_000 });
    return { ...run, kernel: art.kernel };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** QEMU ended by the kernel's power-off: by itself, with the FAIL exit convention. */
function assertPoweredOff(arch: Arch, run: NoResetRun): void {
  const r = run.result;
  assert.not.ok(run.reset, `the machine reset (the firmware and the loader ran again after the kernel)\n${explain(r)}`);
  assert.is(r.exit.killedBy, undefined, `QEMU did not end by itself (killed: ${r.exit.killedBy})\n${explain(r)}`);
  assert.is(r.exit.code, arch === 'x86_64' ? 35 : 0, `QEMU exit status\n${explain(r)}`);
}

for (const firmware of FIRMWARES) for (const c of CASES) {
  if (!FULL && (c.matrixOnly || (firmware !== 'edk2' && c.kind !== UBOOT_KIND))) continue;
  test(`${c.arch} ${firmware} tsboot.fault=${c.kind}: one report (${c.report[0]}), FAIL, power-off`, async () => {
    const run = await bootWithCmdline(c.arch, c.kind, `tsboot.fault=${c.kind}`, firmware);
    const r = run.result;
    const texts = r.lines.map((l) => l.text);
    // The report, in order, from the switch's line to the verdict.
    const causing = `[kernel] tsboot.fault: causing ${c.kind} on purpose (test switch)`;
    const expect = [causing, ...c.report, frame(c.backtrace), c.fail];
    let at = 0;
    for (const line of texts) {
      const p = expect[at];
      if (at < expect.length && (typeof p === 'string' ? line === p : p.test(line))) at++;
    }
    assert.ok(at === expect.length, `report line ${String(expect[at])} missing (${at} of ${expect.length} seen)\n${explain(r)}`);
    assert.is(r.verdict, 'fail', explain(r));
    assert.is(r.failure?.kind, 'kernel-fail', explain(r));
    assert.is(texts.filter((t) => t.startsWith('[kernel] EXCEPTION:')).length, 1, 'exactly one report');
    assertPoweredOff(c.arch, run);

    // The reported pc lies in the function the kernel's own table named, by the ELF file's
    // symbol table (an oracle independent of .ksyms).
    if (c.fn) {
      const pcText = texts.map((t) => /(?:rip|pc) (0x[0-9a-f]{16}) in /.exec(t)).find((m) => m);
      assert.ok(pcText, 'a pc/rip line with a symbol');
      const pc = BigInt(pcText![1]);
      const [lo, hi] = symbolRange(run.kernel, c.fn);
      assert.ok(pc >= lo && pc < hi, `pc ${pcText![1]} is not in ${c.fn} [0x${lo.toString(16)}, 0x${hi.toString(16)})`);
    }
  });
}

for (const firmware of FULL ? FIRMWARES : ['edk2' as FirmwareName]) for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`${arch} ${firmware} tsboot.fault=nested: a fault while reporting: one FAIL line on serial, power-off`, async () => {
    const run = await bootWithCmdline(arch, 'nested', 'tsboot.fault=nested', firmware);
    const r = run.result;
    const texts = r.lines.map((l) => l.text);
    const first = arch === 'x86_64' ? 'page fault (#PF)' : 'data abort (EC 0x25)';
    // The first report stops after its first line; the nested one is a line and the verdict.
    const reports = texts.filter((t) => t.startsWith('[kernel] EXCEPTION:') || t.startsWith('[kernel]   '));
    const header = `[kernel] EXCEPTION: ${first} on cpu 0`;
    assert.equal(reports, [header, `${header}, while reporting an earlier one`], explain(r));
    const where = '(rip|pc) 0x[0-9a-f]+ in [^ ]+\\+0x[0-9a-f]+';
    assert.match(r.failReason ?? '', re(`^${esc(first)}, address ${UNMAPPED}, ${where}, while reporting ${esc(first)}$`));
    assertPoweredOff(arch, run);
  });
}

if (FULL) {
  for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
    test(`${arch} tsboot.fault=bogus: an unknown kind is a FAIL naming the kinds, not a silent boot`, async () => {
      const run = await bootWithCmdline(arch, 'bogus', 'quiet tsboot.fault=bogus');
      assert.match(run.result.failReason ?? '', /^tsboot\.fault=bogus: unknown fault; use pf, exec, ud, /);
      assertPoweredOff(arch, run);
    });
  }
}

test.run();
