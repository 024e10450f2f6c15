// Exception handling for the kernel: what main calls first, and what each further CPU
// calls on itself. The arch modules install the tables (trap/x86_64.ts: GDT, TSS with IST
// stacks, IDT; trap/aarch64.ts: VBAR_EL1 vectors, SP_EL0/SP_EL1 split); trap/report.ts
// prints the report and ends the run.
//
// Other CPUs (SMP) call x64TrapsInstallCpu(tables, istTops...) or
// a64TrapsInstallCpu(exceptionStackTop) with their own tables and stacks, and
// trapsAddStack() for their stacks so that backtraces walk them (docs/exceptions.md).

import { type BootInfo } from "../../common/bootinfo";
import { x64TrapsInit, x64ProbeDescribe, x64ProbeFaultIs } from "./x86_64";
import { a64TrapsInit, a64ProbeDescribe, a64ProbeFaultIs } from "./aarch64";
import { type ProbeFault, trapProbe } from "./probe";
import { type ProbeAccess } from "../arch/index";
import { trapReportInit, trapConsoleReady, trapSetKernelStack, trapAddStack, trapReporting } from "./report";

/**
 * The boot CPU's exception handling, before anything else runs. `bootInfo` is the raw
 * entry argument, not yet checked: it is only handed to the console set-up should an
 * exception come before the console is up.
 */
export function trapsInit(bootInfo: Ptr<BootInfo>): void {
  trapReportInit(bootInfo);
  if (target.x86_64) { x64TrapsInit(); } else { a64TrapsInit(); }
}

/** The console is up (its sink is the serial port): reports can be printed. */
export function trapsConsoleReady(): void {
  trapConsoleReady();
}

/** The kernel stack as the checked boot info gives it (for guard-page detection and backtraces). */
export function trapsSetKernelStack(top: u64, size: u64): void {
  trapSetKernelStack(top, size);
}

/** A further stack [lo, hi) (another CPU's kernel or exception stack) that backtraces may walk. */
export function trapsAddStack(lo: u64, hi: u64): void {
  trapAddStack(lo, hi);
}

/** Whether some CPU is reporting an exception: it will end the run, so another CPU that
 *  waits for it (SMP start-up, jobs) must stop instead of carrying on or giving up on it. */
export function trapsReporting(): bool {
  return trapReporting();
}

/** Makes `access` at `va`, expecting a fault: what the CPU did (trap/probe.ts). */
export function trapsProbe(access: ProbeAccess, va: u64): ProbeFault {
  return trapProbe(access, va);
}

/** Prints a probe's fault: vector and error code (x86_64), exception class and ESR (aarch64). */
export function trapsProbeDescribe(f: ProbeFault): void {
  if (target.x86_64) x64ProbeDescribe(f); else a64ProbeDescribe(f);
}

/** Whether a probe's fault is the one `access` must take: a permission fault when
 *  `permission`, else a translation fault (nothing mapped). */
export function trapsProbeFaultIs(f: ProbeFault, access: ProbeAccess, permission: bool): bool {
  if (target.x86_64) return x64ProbeFaultIs(f, access, permission);
  return a64ProbeFaultIs(f, access, permission);
}
