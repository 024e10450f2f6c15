// The architecture interface of multiprocessor start-up (kernel-stub/smp/ calls only
// these): x86_64 — ACPI MADT, local APIC / x2APIC, INIT-SIPI-SIPI into the real-mode
// trampoline (arch/x86_64_smp.ts); aarch64 — MADT GIC CPU interfaces or device-tree cpu
// nodes, PSCI CPU_ON (arch/aarch64_smp.ts).

import { type BootInfo } from "../../common/bootinfo";
import { type BootCpu, type CpuList } from "../../common/cpulist";
import { type AcpiView } from "../../common/acpi";
import {
  x64SmpTables, x64SmpBootCpu, x64SmpSetup, x64StartAp, x64StopAp, x64ApInit, x64ApTraps, x64SmpModeName, x64TrampolinePhys,
  x64ApArrived,
} from "./x86_64_smp";
import { a64SmpTables, a64SmpBootCpu, a64SmpSetup, a64StartAp, a64SmpSourceName, a64SmpMethodName } from "./aarch64_smp";
import { a64TrapsInstallCpu } from "../trap/aarch64";

/** The exception stack region smp/smp.ts maps for each CPU (AP_EXC_STACK_SIZE). */
const AP_EXC_BYTES: u64 = 0xC000;

/** The CPUs the firmware's tables name, read through `v`; "" or why none. Runs before
 *  the memory manager: a firmware may keep its tables in memory that becomes usable. */
export function archSmpTables(bi: Ptr<BootInfo>, v: Ptr<AcpiView>, cpus: Ptr<CpuList>): cstr {
  if (target.x86_64) return x64SmpTables(bi, v, cpus);
  return a64SmpTables(bi, v, cpus);
}

/** The boot CPU's own id, with what it needs to start others set up (x86_64: the local
 *  APIC; ids it cannot address leave `cpus`); error "" or why no CPU can be started. */
export function archSmpBootCpu(bi: Ptr<BootInfo>, cpus: Ptr<CpuList>): BootCpu {
  if (target.x86_64) return x64SmpBootCpu(bi, cpus);
  return { id: a64SmpBootCpu(), error: "" };
}

/** Prints where the CPUs came from and how they are started (no newline). */
export function archSmpDescribe(): void {
  if (target.x86_64) {
    print(`ACPI MADT; local APIC in ${x64SmpModeName()} mode; INIT-SIPI-SIPI through the trampoline at ` +
      `${hex(x64TrampolinePhys())}`);
  } else {
    print(`${a64SmpSourceName()}; PSCI CPU_ON via ${a64SmpMethodName()}`);
  }
}

/** What every start needs, once (the trampoline page; the APs' identity table). */
export function archSmpSetup(bi: Ptr<BootInfo>): cstr {
  if (target.x86_64) return x64SmpSetup(bi);
  return a64SmpSetup(bi);
}

/** Starts CPU `index` (hardware id `hwId`): its first kernel code is `entry(cpu)` on the
 *  stack ending at `stackTop`. "" when the start was requested, else why it failed. */
export function archStartCpu(index: u32, hwId: u64, cpu: u64, stackTop: u64, entry: u64): cstr {
  if (target.x86_64) return x64StartAp(hwId, cpu, stackTop, entry);
  return a64StartAp(index, hwId, cpu, stackTop, entry);
}

/** After a start that did not report in, what the architecture can tell: "" when
 *  nothing, else where the CPU got to (x86_64: whether it ran the real-mode trampoline). */
export function archStartClue(): cstr {
  if (target.x86_64) return x64ApArrived() ? "it ran the real-mode trampoline" : "it never ran the real-mode trampoline";
  return "";
}

/** After a start that did not report in: make sure that CPU can never run later. */
export function archStopCpu(hwId: u64): void {
  if (target.x86_64) x64StopAp(hwId);
}

/**
 * On a new CPU, right after its record: the kernel's exception handling for it, with its
 * exception stacks in [excLo, excLo + 48 KiB). x86_64: its own GDT and TSS (IST 1..3 at
 * 16, 32 and 48 KiB) and the shared IDT; aarch64: the vectors, SP_EL1 at the top of the
 * region, the kernel on SP_EL0 (docs/exceptions.md, "Other CPUs").
 */
export function archApTraps(index: u32, excLo: u64): void {
  if (target.x86_64) x64ApTraps(index, excLo);
  else a64TrapsInstallCpu(excLo + AP_EXC_BYTES);
}

/** On a new CPU, first thing: what must match the boot CPU; on aarch64 the timer's event
 *  stream (CNTKCTL_EL1.EVNTEN, every 2^(EVNTI+1) = 8192 ticks, about 130 us at 62.5 MHz),
 *  so that a `wfe` whose `sev` was missed still wakes up. */
export function archApInit(): void {
  if (target.x86_64) x64ApInit();
  else msr("CNTKCTL_EL1", (mrs("CNTKCTL_EL1") & ~u64(0xFC)) | (12 << 4) | 4);
}

/** An idle CPU's wait in its job loop: a spin pause; aarch64 sleeps until an event
 *  (archSmpSignal, or the event stream). */
export function archSmpWait(): void {
  if (target.x86_64) pause();
  else wfe();
}

/** Wakes the CPUs waiting in archSmpWait after a store they wait for. */
export function archSmpSignal(): void {
  if (target.aarch64) {
    dsbIsh();
    asm("sev", "~{memory}");
  }
}
