// The CPU proves the permissions: the kernel makes each access its page tables forbid and
// must take the fault the architecture defines for it (recoverable probes, trap/probe.ts).
// A walk of the tables (main.ts checkPermissions) decodes them with the same constants that
// encoded them, so a wrong bit position would pass it; the CPU's own fault cannot be fooled
// that way.
//
//   probe                          x86_64 #PF error code      aarch64 ESR
//   execute kernel text            (allowed: no fault)
//   execute from the HHDM          P | I/D            0x11    EC 0x21, IFSC permission fault
//   execute from data, rodata,     P | I/D            0x11    EC 0x21, IFSC permission fault
//     the stack
//   write to data                  (allowed: no fault)
//   write to text, rodata          P | W              0x03    EC 0x25, DFSC permission fault, WnR
//   read the stack guard page      not present        0x00    EC 0x25, DFSC translation fault
//
// The execute probes call a `ret` (x86_64 0xC3, aarch64 0xD65F03C0), so one that does not
// fault returns; the write probes store back the byte they read. The two allowed accesses
// show that the probe itself does not fault. On the boot CPU before the others start, one
// line per probe, `[kernel] probe ok: ...` or `[kernel] probe FAIL: ...`; the boot tests
// check every one (tests/boot/permcheck.ts). Later every online CPU runs them at once, each
// on its own stack and guard page, through its own exception handlers (smp/smptest.ts).

import { type BootInfo } from "../common/bootinfo";
import { ProbeAccess } from "./arch/index";
import { type ProbeFault } from "./trap/probe";
import { trapsProbe, trapsProbeDescribe, trapsProbeFaultIs } from "./trap/trap";

const PAGE: u64 = 4096;
/** A `ret` in .rodata: x86_64 0xC3 (four times), aarch64 0xD65F03C0. */
const RET_RODATA: Arr<u32, 2> = [0xC3C3_C3C3, 0xD65F_03C0];
/** The same in .data (stored at run time: an initial value keeps it out of .bss). */
let retData: Arr<u32, 2> = [0x5A5A_5A5A, 0x5A5A_5A5A];

/** The executable target: a function that only returns. @naked @noinline */
function probeReturn(): void {
  asm("ret", "");
}

function retCode(): u32 {
  return target.x86_64 ? 0xC3C3_C3C3 : 0xD65F_03C0;
}

function accessName(a: ProbeAccess): cstr {
  if (a == ProbeAccess.Fetch) return "an instruction fetch";
  if (a == ProbeAccess.Write) return "a write";
  return "a read";
}

/**
 * One probe: `what` at `va` with `access`; `expect` 0 = allowed (no fault), 1 = a
 * permission fault, 2 = a translation fault (nothing mapped). Prints its line; returns
 * whether the CPU did what was expected.
 */
function probe(what: cstr, access: ProbeAccess, va: u64, expect: u32, verbose: bool): bool {
  let f: ProbeFault = trapsProbe(access, va);
  let good: bool = expect == 0 ? !f.taken : trapsProbeFaultIs(f, access, expect == 1);
  if (!verbose) return good;
  print(`[kernel] probe ${good ? "ok" : "FAIL"}: ${what} ${hex(va, 16)}: `);
  if (f.taken) trapsProbeDescribe(f);
  else print(expect == 0 ? "no fault (allowed)" : "no fault");
  if (!good) {
    if (expect == 0) print("; expected no fault");
    else print(`; expected ${expect == 1 ? "a permission" : "a translation"} fault on ${accessName(access)}`);
  }
  print("\n");
  return good;
}

/** Execute from the stack: the `ret` lives in this frame while it is probed. @noinline */
function probeStack(verbose: bool): bool {
  let code: Arr<u32, 2> = zeroed<Arr<u32, 2>>();
  storeVolatile<u32>(addr(addressOf(code[0])), retCode());
  return probe("execute from the stack", ProbeAccess.Fetch, addr(addressOf(code[0])), 1, verbose);
}

/** How many probes probeAll makes. */
export const PROBE_COUNT: u32 = 9;

/**
 * Runs every probe on the calling CPU and returns how many failed; `verbose` prints one
 * line each. `guard` is the unmapped page below the calling CPU's stack. Needs the
 * kernel's placement from the checked boot info (or mm's copy of it).
 */
export function probeAll(b: Ptr<BootInfo>, guard: u64, verbose: bool): u32 {
  let text: u64 = addr(probeReturn);
  let idx: u32 = target.x86_64 ? 0 : 1;
  let rodata: u64 = addr(addressOf(RET_RODATA[idx]));
  retData[idx] = retCode();
  let data: u64 = addr(addressOf(retData[idx]));
  // The same physical page as the text probe, through the direct map.
  let hhdm: u64 = b.hhdmBase + b.kernelPhysBase + (text - b.kernelVirtBase);

  let failed: u32 = 0;
  if (!probe("execute kernel text", ProbeAccess.Fetch, text, 0, verbose)) failed++;
  if (!probe("execute from the HHDM", ProbeAccess.Fetch, hhdm, 1, verbose)) failed++;
  if (!probe("execute from data", ProbeAccess.Fetch, data, 1, verbose)) failed++;
  if (!probe("execute from rodata", ProbeAccess.Fetch, rodata, 1, verbose)) failed++;
  if (!probeStack(verbose)) failed++;
  if (!probe("write to data", ProbeAccess.Write, data, 0, verbose)) failed++;
  if (!probe("write to text", ProbeAccess.Write, text, 1, verbose)) failed++;
  if (!probe("write to rodata", ProbeAccess.Write, rodata, 1, verbose)) failed++;
  if (!probe("read the stack guard page", ProbeAccess.Read, guard, 2, verbose)) failed++;
  return failed;
}

/** The boot CPU's probes, one line each, before the others start; how many failed. */
export function probePermissions(b: Ptr<BootInfo>): u32 {
  return probeAll(b, b.kernelStackTop - b.kernelStackSize - PAGE, true);
}
