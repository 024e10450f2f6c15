// Exception handling for the kernel: what main calls first, and what each further CPU
// calls on itself. The arch modules install the tables (trap/x86_64.ts: GDT, TSS with IST
// stacks, IDT; trap/aarch64.ts: VBAR_EL1 vectors, SP_EL0/SP_EL1 split); trap/report.ts
// prints the report and ends the run.
//
// Other CPUs (SMP) call x64TrapsInstallCpu(tables, istTops...) or
// a64TrapsInstallCpu(exceptionStackTop) with their own tables and stacks, and
// trapsAddStack() for their stacks so that backtraces walk them (docs/exceptions.md).

import { type BootInfo } from "../../common/bootinfo";
import { x64TrapsInit } from "./x86_64";
import { a64TrapsInit } from "./aarch64";
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
