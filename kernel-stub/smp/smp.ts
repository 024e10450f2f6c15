// Bringing up every CPU, in three steps:
//
//   smpFindCpus(bi) before the memory manager: the CPUs the firmware's tables name
//                   (arch/smp.ts: ACPI MADT, device tree). Early, because a firmware may
//                   keep its tables in memory the kernel then uses (U-Boot's x86_64 UEFI
//                   puts its MADT in boot-services code); read only where the HHDM maps;
//   smpPrepare(bi)  the boot CPU's own id, a stack for each of the others (STACK_SIZE mapped at
//                   its slot of the AP stack window, the page below unmapped: the guard),
//                   what the start needs once (x86_64: the trampoline page; aarch64: the
//                   identity table of the entry code);
//   smpStart()      starts them one by one; each gets AP_START_WAIT_MS to report in from
//                   its own stack (apMain), is otherwise reported, stopped where the
//                   architecture can, and left out. Prints `[kernel] smp: N CPUs online`.
//
// The last two are apart so that the kernel can measure on one CPU before the others
// exist (an idle CPU spinning in its job loop would share the machine with it).
//
// Every CPU runs on the kernel's page tables (the aarch64 entry adds an identity TTBR0 for
// its first instructions only) and knows its record through cpuSelf().

import { type BootInfo } from "../../common/bootinfo";
import { type CpuList } from "../../common/cpulist";
import { Attr } from "../../common/paging/attrs";
import { type FrameSource, PageTable, PT_OK } from "../../common/paging/engine";
import { ptTranslate } from "../../common/paging/lookup";
import { type AcpiView, acpiView } from "../../common/acpi";
import { type Cpu, CpuState, MAX_CPUS, cpuAt, cpuSetCount, cpuSetSelf } from "./cpu";
import { smpWorkLoop, smpRankOnline, smpJobGeneration } from "./work";
import {
  archSmpTables, archSmpBootCpu, archSmpDescribe, archSmpSetup, archStartCpu, archStartClue, archStopCpu, archApInit,
  archApTraps,
} from "../arch/smp";
import { trapsAddStack, trapsReporting } from "../trap/trap";
import { TRAP_UNMAPPED_VA } from "../trap/report";
import { mmAllocFrame, mmMapFixed, mmPageTable } from "../mm/kmem";
import { archPagingLevels, archHalt } from "../arch/index";
import { mmTicks, mmTickHz } from "../mm/ticks";
import { cmdlineOf, cmdlineFind, cmdlineNumber } from "../cmdline";

/** The AP stack window: CPU i's slot is [AP_STACK_BASE + i * SLOT, + SLOT). Its kernel
 *  stack is the top AP_STACK_SIZE bytes; its exception stacks (x86_64: the three IST
 *  stacks; aarch64: SP_EL1) the AP_EXC_STACK_SIZE bytes from AP_EXC_STACK_OFF. The rest
 *  of the slot stays unmapped, so each has at least 64 KiB of guard below it. */
export const AP_STACK_BASE: u64 = 0xFFFF_FFFF_D000_0000;
const AP_STACK_SLOT: u64 = 0x4_0000;
export const AP_STACK_SIZE: u64 = 0x1_0000;
const AP_EXC_STACK_OFF: u64 = 0x1_0000;
export const AP_EXC_STACK_SIZE: u64 = 0xC000;
/** How long a started CPU has to report in. */
export const AP_START_WAIT_MS: u64 = 2000;
const PAGE: u64 = 4096;

let discovered: CpuList;
/** Test hooks: tsboot.smp.hang=<i> makes CPU i stop at its entry without reporting in;
 *  tsboot.smp.fault=<i> makes it read an unmapped address once its trap handlers are in. */
let hangIndex: u32 = 0;
let faultIndex: u32 = 0;
let prepared: u32 = 0;
let prepareError: cstr = "";
let hz: u64 = 0;

function msTicks(ms: u64): u64 {
  return ms * (hz / 1000);
}

/** Maps fresh frames at [lo, lo + size) (RW-, never executable); false when memory ran
 *  out. The page below must stay unmapped: it is the guard. */
function mapStack(lo: u64, size: u64): bool {
  for (let va: u64 = lo; va < lo + size; va += PAGE) {
    let pa: u64 = mmAllocFrame();
    if (pa == 0) return false;
    if (mmMapFixed(va, pa, PAGE, Attr.Read | Attr.Write | Attr.Global) != PT_OK) return false;
  }
  return !ptTranslate(mmPageTable(), lo - PAGE).ok;
}

/** CPU i's kernel stack and exception stacks, registered for backtraces; false when
 *  memory ran out. */
function makeStacks(c: Ptr<Cpu>): bool {
  let base: u64 = AP_STACK_BASE + u64(c.index) * AP_STACK_SLOT;
  c.stackTop = base + AP_STACK_SLOT;
  c.excStackLo = base + AP_EXC_STACK_OFF;
  if (!mapStack(c.stackTop - AP_STACK_SIZE, AP_STACK_SIZE) || !mapStack(c.excStackLo, AP_EXC_STACK_SIZE)) return false;
  trapsAddStack(c.stackTop - AP_STACK_SIZE, c.stackTop);
  trapsAddStack(c.excStackLo, c.excStackLo + AP_EXC_STACK_SIZE);
  return true;
}

/** The live tables, read-only: what the HHDM maps before the memory manager exists. */
let walkPt: PageTable;

/** AcpiView.reach before the memory manager: every page of [pa, pa + len) mapped in the
 *  HHDM (firmware tables in a hole of the memory map are not, and are then not read). */
function hhdmMapped(pa: u64, len: u64): bool {
  let end: u64 = pa + len;
  if (end < pa) return false;
  for (let p: u64 = pa & ~(PAGE - 1); p < end; p += PAGE) {
    if (!ptTranslate(addressOf(walkPt), walkPt.physToVirt + p).ok) return false;
  }
  return true;
}

/** Reads the firmware's list of CPUs; call before mmInit (see the top of the file). */
export function smpFindCpus(bi: Ptr<BootInfo>, pageTableRoot: u64): void {
  memset(addressOf(discovered), 0, sizeof<CpuList>());
  let noFrames: FrameSource = zeroed<FrameSource>();     // read-only: never allocates
  walkPt = new PageTable(addressOf(noFrames), bi.hhdmBase, pageTableRoot);
  walkPt.highHalf = true;
  walkPt.levels = archPagingLevels();
  let view = acpiView(bi.hhdmBase, bi.hhdmSize);
  view.reach = hhdmMapped;
  prepareError = archSmpTables(bi, addressOf(view), addressOf(discovered));
}

/** A CPU index from the command line's `key=<i>` (1..MAX_CPUS-1; 0: none), announced. */
function testHook(bi: Ptr<BootInfo>, key: cstr, what: cstr): u32 {
  const hook = cmdlineFind(cmdlineOf(bi), key);
  if (!hook.found) return 0;
  const { value: v, used } = cmdlineNumber(hook.value);
  if (used != hook.value.length || v == 0 || v >= MAX_CPUS) return 0;
  println(`[kernel] smp: test hook ${key}: CPU ${v} ${what}`);
  return u32(v);
}

/** @noinline */
function apFault(): void {
  loadVolatile<u64>(TRAP_UNMAPPED_VA);
}

/**
 * Gets everything ready to start the CPUs smpFindCpus found. Returns how many CPUs the
 * kernel will try to use (1 when it cannot start others; the line says why).
 */
export function smpPrepare(bi: Ptr<BootInfo>): u32 {
  hangIndex = testHook(bi, "tsboot.smp.hang", "will stop at its entry without reporting in");
  faultIndex = testHook(bi, "tsboot.smp.fault", "will read an unmapped address at its entry");
  hz = mmTickHz(bi.tscFrequency);
  if (hz < 1_000_000) hz = 3_000_000_000;   // x86 without the loader's measurement: assume 3 GHz (waits get longer)
  let bspId: u64 = 0;
  if (strlen(prepareError) == 0) {
    const bsp = archSmpBootCpu(bi, addressOf(discovered));
    prepareError = bsp.error;
    bspId = bsp.id;
  }
  cpuAt(0).hwId = bspId;
  cpuSetCount(1);
  if (strlen(prepareError) == 0) prepareError = archSmpSetup(bi);
  if (strlen(prepareError) != 0) {
    println(`[kernel] smp: ${prepareError}; running on the boot CPU only`);
    return 1;
  }
  let n: u32 = 1;
  let sawBsp: bool = false;
  for (let k: u32 = 0; k < discovered.count; k++) {
    let id: u64 = discovered.ids[k];
    if (id == bspId) { sawBsp = true; continue; }
    if (n >= MAX_CPUS) break;
    let c: Ptr<Cpu> = cpuAt(n);
    c.index = n;
    c.hwId = id;
    if (!makeStacks(c)) {
      println("[kernel] smp: out of memory for CPU stacks; starting fewer CPUs");
      break;
    }
    c.state = CpuState.Ready;
    n++;
  }
  cpuSetCount(n);
  prepared = n;
  print(`[kernel] smp: ${discovered.count}` +
    `${discovered.count == 1 ? " CPU in the firmware tables (" : " CPUs in the firmware tables ("}`);
  archSmpDescribe();
  print(`); boot CPU id ${hex(bspId)}`);
  if (!sawBsp) print(" (not among them!)");
  print("\n");
  if (discovered.disabled != 0 || discovered.unsupported != 0 || discovered.dropped != 0) {
    println(`[kernel] smp: left out: ${discovered.disabled} not enabled, ${discovered.unsupported} that cannot be ` +
      `started here (a start method other than PSCI, or an APIC id above 0xFE without x2APIC), ` +
      `${discovered.dropped} beyond the table's 64`);
  }
  if (n > 1) {
    println(`[kernel] smp: ${n - 1}${n == 2 ? " stack of " : " stacks of "}${AP_STACK_SIZE >> 10} KiB and trap ` +
      `stacks of ${AP_EXC_STACK_SIZE >> 10} KiB, unmapped below each, at ${hex(AP_STACK_BASE)} + 256 KiB per CPU`);
  }
  return n;
}

/**
 * The first kernel code of every CPU but the boot CPU, on its own stack and the kernel's
 * page tables, interrupts masked. A CPU the boot CPU has given up on (too late) halts.
 * @symbol tsboot_ap_main
 */
export function apMain(c: Ptr<Cpu>): never {
  if (c.index == hangIndex) archHalt();
  cpuSetSelf(c);
  archApTraps(c.index, c.excStackLo);
  atomicStore(addressOf(c.entered), 1, "release");
  if (c.index == faultIndex) apFault();
  archApInit();
  let seen: u32 = smpJobGeneration();
  if (atomicCompareExchange(addressOf(c.state), CpuState.Starting, CpuState.Online, "acq_rel", "acquire") != CpuState.Starting) {
    archHalt();
  }
  smpWorkLoop(c, seen);
}

/** Starts every prepared CPU; returns the number online (boot CPU included). */
export function smpStart(): u32 {
  for (let i: u32 = 1; i < prepared; i++) {
    let c: Ptr<Cpu> = cpuAt(i);
    c.startTicks = mmTicks();
    atomicStore(addressOf(c.state), CpuState.Starting, "release");
    let why: cstr = archStartCpu(i, c.hwId, addr(c), c.stackTop, addr(apMain));
    let online: bool = false;
    if (strlen(why) == 0) {
      while (mmTicks() - c.startTicks < msTicks(AP_START_WAIT_MS)) {
        if (atomicLoad(addressOf(c.state), "acquire") == CpuState.Online) {
          online = true;
          break;
        }
        // It faulted and reports: the report ends the run; nothing to wait for or go on with.
        if (trapsReporting()) archHalt();
        spinWaitHint();
      }
      // Too late from here on: the CPU halts itself if it still arrives.
      if (!online) {
        online = atomicCompareExchange(addressOf(c.state), CpuState.Starting, CpuState.Failed, "acq_rel", "acquire") == CpuState.Online;
      }
    } else {
      atomicStore(addressOf(c.state), CpuState.Failed, "release");
    }
    c.onlineTicks = mmTicks();
    print(`[kernel] smp: CPU ${i} (id ${hex(c.hwId)}`);
    if (online) {
      println(`) online after ${(c.onlineTicks - c.startTicks) / (hz / 1_000_000)} us, stack top ${hex(c.stackTop)}`);
    } else {
      let clue: cstr = archStartClue();
      // Stopped only while it may still need the shared start-up parameters.
      if (atomicLoad(addressOf(c.entered), "acquire") == 0) archStopCpu(c.hwId);
      else clue = "it entered the kernel";
      print(") did not start: ");
      if (strlen(why) != 0) {
        println(why);
      } else {
        print(`no report within ${AP_START_WAIT_MS} ms`);
        if (strlen(clue) != 0) { print(` (${clue})`); }
        println("; left out");
      }
    }
  }
  let n: u32 = smpRankOnline();
  println(`[kernel] smp: ${n}${n == 1 ? " CPU online" : " CPUs online"}`);
  return n;
}

/** The tick rate smp uses (the loader's TSC measurement, or CNTFRQ). */
export function smpTickHz(): u64 {
  return hz;
}
