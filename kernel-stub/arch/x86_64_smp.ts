// x86_64 multiprocessor start-up: the CPUs come from the ACPI MADT (Processor Local APIC
// and Processor Local x2APIC entries), and each is started with INIT, Startup IPI, Startup
// IPI (Intel SDM vol. 3A §9.4.4, "MP initialization example") into the real-mode
// trampoline (x86_64_trampoline.ts) in the page the loader reserved below 1 MiB.
//
// The local APIC is used in x2APIC mode when CPUID says the CPU has it (MSR access, 32-bit
// ids), else through its MMIO page (xAPIC: 8-bit ids). One AP is started at a time, since
// they share the trampoline's parameters; one that does not report in gets an INIT again,
// which parks it in wait-for-SIPI, so it can never run on a later AP's parameters.
// Called through kernel-stub/arch/smp.ts only.

import { type BootInfo, BootFlag } from "../../common/bootinfo";
import { type BootCpu, type CpuList } from "../../common/cpulist";
import { type AcpiView, acpiMadt } from "../../common/acpi";
import { type FrameSource, PageTable, PT_OK, PT_NEW_ROOT } from "../../common/paging/engine";
import { Attr } from "../../common/paging/attrs";
import { type ApParams, AP_PARAMS_OFF, GDT_CODE32, GDT_DATA32, GDT_CODE64, x64TrampolineCode } from "./x86_64_trampoline";
import { mmVmapMmio, mmPageTable } from "../mm/kmem";
import { type X64CpuTables, x64TrapsInstallCpu } from "../trap/x86_64";
import { EFER_LMA, MSR_EFER, MSR_PAT } from "../../common/x86_64-regs";

const MSR_APIC_BASE: u32 = 0x1B;
const APIC_BASE_ENABLE: u64 = 1 << 11;
const APIC_BASE_X2APIC: u64 = 1 << 10;
const APIC_BASE_ADDR: u64 = 0x000F_FFFF_FFFF_F000;
const MSR_X2APIC_ID: u32 = 0x802;
const MSR_X2APIC_ICR: u32 = 0x830;
const CR4_PCIDE: u64 = 1 << 17;
const LAPIC_ID: u64 = 0x20;
const LAPIC_ICR_LOW: u64 = 0x300;
const LAPIC_ICR_HIGH: u64 = 0x310;
/** ICR: delivery mode INIT (5) / Startup (6), level assert. */
const ICR_INIT: u32 = 0x4500;
const ICR_STARTUP: u32 = 0x4600;
const ICR_PENDING: u32 = 1 << 12;
const PAGE: u64 = 4096;

let x2apic: bool = false;
let lapicVa: u64 = 0;
let lapicPhys: u64 = 0;
/** The trampoline page: physical, and where the kernel writes it (HHDM). */
let trampPhys: u64 = 0;
let trampVa: u64 = 0;
let trampEnd: u64 = 0;
let lowNext: u64 = 0;
let lowRoot: u64 = 0;
let bspPat: u64 = 0;
let hhdm: u64 = 0;
/** TSC ticks per second (the loader's measurement; a 3 GHz guess when it had none). */
let tickHz: u64 = 3_000_000_000;

// ---- local APIC ------------------------------------------------------------------------

function cpuHasX2apic(): bool {
  let r: Arr<u32, 4>;
  cpuid(1, 0, addressOf(r[0]));
  return (r[2] & (1 << 21)) != 0;
}

/** The calling CPU's local APIC id. */
export function x64ApicId(): u64 {
  if (x2apic) return rdmsr(MSR_X2APIC_ID) & 0xFFFF_FFFF;
  return u64(loadVolatile<u32>(lapicVa + LAPIC_ID) >> 24);
}

/** Sends an IPI; false if an xAPIC never took it (delivery status stuck at pending). */
function sendIpi(dest: u64, cmd: u32): bool {
  if (x2apic) {
    wrmsr(MSR_X2APIC_ICR, (dest << 32) | u64(cmd));
    return true;
  }
  storeVolatile<u32>(lapicVa + LAPIC_ICR_HIGH, u32(dest) << 24);
  storeVolatile<u32>(lapicVa + LAPIC_ICR_LOW, cmd);
  for (let i: u32 = 0; i < 1_000_000; i++) {
    if ((loadVolatile<u32>(lapicVa + LAPIC_ICR_LOW) & ICR_PENDING) == 0) return true;
    pause();
  }
  return false;
}

// ---- discovery -------------------------------------------------------------------------

/**
 * The CPUs of the MADT, read through `v` (early: the firmware may keep its tables in memory
 * the kernel will use). Returns "" or why there is nothing to start.
 */
export function x64SmpTables(bi: Ptr<BootInfo>, v: Ptr<AcpiView>, cpus: Ptr<CpuList>): cstr {
  if ((bi.flags & BootFlag.HasRsdp) == 0 || bi.rsdp == 0) return "no ACPI tables (no RSDP), so no MADT";
  const madt = acpiMadt(v, bi.rsdp, false);
  if (!madt.found) return "no MADT in the ACPI tables";
  memcpy(cpus, addressOf(madt.cpus), sizeof<CpuList>());
  return "";
}

/**
 * Sets up the boot CPU's local APIC (x2APIC mode when the CPU has it; else its MMIO page
 * through vmap) and returns its id; leaves out of `cpus` the ids an xAPIC cannot address.
 * error: "" or why no other CPU can be started.
 */
export function x64SmpBootCpu(bi: Ptr<BootInfo>, cpus: Ptr<CpuList>): BootCpu {
  hhdm = bi.hhdmBase;
  if (bi.tscFrequency >= 1_000_000) tickHz = bi.tscFrequency;
  lapicPhys = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR;
  x2apic = cpuHasX2apic();
  if (x2apic) {
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
  } else {
    lapicVa = mmVmapMmio(lapicPhys, PAGE);
    if (lapicVa == 0) return { id: 0, error: "cannot map the local APIC" };
  }
  let id: u64 = x64ApicId();
  if (!x2apic) {
    // An xAPIC addresses 8-bit ids (0xFF is the broadcast): the others cannot be started.
    let kept: u32 = 0;
    for (let i: u32 = 0; i < cpus.count; i++) {
      if (cpus.ids[i] < 0xFF) { cpus.ids[kept] = cpus.ids[i]; kept++; }
      else cpus.unsupported++;
    }
    cpus.count = kept;
  }
  return { id, error: "" };
}

export function x64SmpModeName(): cstr {
  return x2apic ? "x2APIC" : "xAPIC";
}

// ---- the trampoline page and its page table --------------------------------------------

/** FrameSource over the rest of the reserved low region (the low root's tables). */
function lowAlloc(ctx: Ptr<void>): u64 {
  if (lowNext + PAGE > trampEnd) return 0;
  let pa: u64 = lowNext;
  lowNext += PAGE;
  return pa;
}

function lowFree(ctx: Ptr<void>, pa: u64): void {}

/**
 * Copies the trampoline into the reserved page and builds the low root: the trampoline
 * page identity-mapped R-X, and the kernel half copied from the kernel's root (the same
 * lower tables, so the kernel image and its stacks are mapped there too; a PML4 or, with
 * 5-level paging, a PML5). "" or an error.
 */
export function x64SmpSetup(bi: Ptr<BootInfo>): cstr {
  if (bi.version < 4 || bi.apTrampoline == 0) return "the loader reserved no memory below 1 MiB for the AP trampoline";
  if ((bi.apTrampoline & (PAGE - 1)) != 0 || bi.apTrampoline + bi.apTrampolineSize > 0x10_0000 || bi.apTrampolineSize < 6 * PAGE) {
    return "the loader's AP trampoline region is not page-aligned below 1 MiB with room for 6 pages";
  }
  const { va: code, len } = x64TrampolineCode();
  if (code == 0 || len == 0 || len > AP_PARAMS_OFF) return "the trampoline code does not fit before its parameters";
  trampPhys = bi.apTrampoline;
  trampEnd = bi.apTrampoline + bi.apTrampolineSize;
  trampVa = hhdm + trampPhys;
  memset(ptr<u8>(trampVa), 0, PAGE);
  memcpy(ptr<u8>(trampVa), ptr<u8>(code), len);

  lowNext = trampPhys + PAGE;
  let src: FrameSource = { alloc: lowAlloc, free: lowFree, ctx: null };
  let pt = new PageTable(addressOf(src), hhdm, PT_NEW_ROOT);
  if (pt.root == 0) return "no room for the low root table";
  // As many levels as the kernel's tables (5 with CR4.LA57, which the AP loads with the
  // boot CPU's CR4 before it turns paging on): the kernel half is copied root entry by entry.
  pt.levels = mmPageTable().levels;
  if (pt.map(trampPhys, trampPhys, PAGE, Attr.Read | Attr.Exec) != PT_OK) return "cannot identity-map the trampoline page";
  let low: Ptr<u64> = ptr<u64>(hhdm + pt.root);
  let kern: Ptr<u64> = ptr<u64>(hhdm + mmPageTable().root);
  for (let i: u64 = 256; i < 512; i++) low[i] = kern[i];
  lowRoot = pt.root;
  bspPat = rdmsr(MSR_PAT);

  let p: Ptr<ApParams> = ptr<ApParams>(trampVa + AP_PARAMS_OFF);
  p.gdt[0] = 0;
  p.gdt[1] = GDT_CODE32;
  p.gdt[2] = GDT_DATA32;
  p.gdt[3] = GDT_CODE64;
  p.cr4 = u32(readCr4() & ~CR4_PCIDE);
  p.efer = u32(rdmsr(MSR_EFER) & ~EFER_LMA);
  p.cr0 = u32(readCr0());
  p.lowCr3 = u32(lowRoot);
  p.kernelCr3 = mmPageTable().root;
  p.stub = addr(apEntry64);
  return "";
}

export function x64TrampolinePhys(): u64 {
  return trampPhys;
}

// ---- starting one AP ---------------------------------------------------------------------

/**
 * The AP's first instructions in the kernel image, reached from the trampoline's 64-bit
 * code with rax = the kernel's CR3, rdx = the stack top, rdi = the Cpu record, rsi = the
 * entry: switch to the kernel's tables, take the stack, and enter as if called (a zero
 * return address, the stack 16-byte aligned before it).
 * @naked
 * @noinline
 */
function apEntry64(): void {
  asm("mov %rax, %cr3\n\tmov %rdx, %rsp\n\txor %ebp, %ebp\n\tpushq $$0\n\tjmp *%rsi", "");
}

/** Whether the AP has run the trampoline's first instructions. */
export function x64ApArrived(): bool {
  let p: Ptr<ApParams> = ptr<ApParams>(trampVa + AP_PARAMS_OFF);
  return atomicLoad(addressOf(p.arrived), "acquire") != 0;
}

function delayUs(us: u64): void {
  let t0: u64 = rdtsc();
  let ticks: u64 = us * (tickHz / 1_000_000);
  while (rdtsc() - t0 < ticks) pause();
}

/**
 * Starts the AP with local APIC id `apicId` on the stack ending at `stackTop`, entering
 * `entry(cpu)` (cpu: its Cpu record): parameters, INIT, 10 ms, Startup IPI, 200 us, and a second
 * Startup IPI unless the first one already reached it. Returns "" or what failed; the
 * caller then waits (bounded) for the AP to report in.
 */
export function x64StartAp(apicId: u64, cpu: u64, stackTop: u64, entry: u64): cstr {
  let p: Ptr<ApParams> = ptr<ApParams>(trampVa + AP_PARAMS_OFF);
  p.stackTop = stackTop;
  p.cpu = cpu;
  p.main = entry;
  atomicStore(addressOf(p.arrived), 0, "seq_cst");
  if (!sendIpi(apicId, ICR_INIT)) return "the INIT IPI was not delivered";
  delayUs(10_000);
  let sipi: u32 = ICR_STARTUP | u32(trampPhys >> 12);
  if (!sendIpi(apicId, sipi)) return "the Startup IPI was not delivered";
  delayUs(200);
  if (!x64ApArrived() && !sendIpi(apicId, sipi)) return "the second Startup IPI was not delivered";
  return "";
}

/** Puts an AP that did not report in back into wait-for-SIPI, so that it cannot run later
 *  on another AP's parameters. */
export function x64StopAp(apicId: u64): void {
  sendIpi(apicId, ICR_INIT);
}

/** Each AP's GDT and TSS (they must stay mapped while it runs). */
let apTables: Arr<X64CpuTables, 64>;
const IST_BYTES: u64 = 0x4000;

/** On the AP: the kernel's GDT, TSS and IDT, with its three IST stacks from `istLo` (16 KiB
 *  each). Replaces the trampoline's GDT, which is not mapped in the kernel's tables. */
export function x64ApTraps(index: u32, istLo: u64): void {
  x64TrapsInstallCpu(addressOf(apTables[index]), istLo + IST_BYTES, istLo + 2 * IST_BYTES, istLo + 3 * IST_BYTES);
}

/** On the AP: what must match the boot CPU (the PAT's memory types, the APIC mode). */
export function x64ApInit(): void {
  wrmsr(MSR_PAT, bspPat);
  if (x2apic) wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
}
