// ptDump: prints a page table's mappings as coalesced ranges, for logs and the tests
// (tests/paging compares it line by line with the reference model).

import { Attr } from "./attrs";
import { type PageTable } from "./engine";
import { addrMask, isLeaf, leafAddrMask, leafAttrs, shiftOf } from "./desc";

interface DumpRun extends Struct {
  active: bool;
  va: u64;
  end: u64;      // VA after the run (wraps to 0 at the top of the address space)
  pa: u64;
  attrs: u32;
  leaves: u64;
  ranges: u64;
}

/** `  va-lastva -> pa RWXUG [device|uncached|wc] (n entries)` */
function flushRun(run: Ptr<DumpRun>): void {
  if (!run.active) return;
  let a: u32 = run.attrs;
  println(`  ${hex(run.va, 16)}-${hex(run.end - 1, 16)} -> ${hex(run.pa, 13)} ` +
    `${(a & Attr.Read) != 0 ? "R" : "-"}${(a & Attr.Write) != 0 ? "W" : "-"}${(a & Attr.Exec) != 0 ? "X" : "-"}` +
    `${(a & Attr.User) != 0 ? "U" : "-"}${(a & Attr.Global) != 0 ? "G" : "-"}` +
    `${(a & Attr.Device) != 0 ? " device" : ""}${(a & Attr.Uncached) != 0 ? " uncached" : ""}` +
    `${(a & Attr.WriteCombining) != 0 ? " wc" : ""} (${run.leaves} entries)`);
  run.active = false;
  run.ranges += 1;
}

function dumpLevel(pt: Ptr<PageTable>, run: Ptr<DumpRun>, tablePa: u64, h: u32, prefix: u64): void {
  let t: Ptr<u64> = ptr<u64>(pt.physToVirt + tablePa);
  let shift: u64 = shiftOf(h);
  for (let k: u64 = 0; k < 512; k++) {
    let e: u64 = t[k];
    if ((e & 1) == 0) continue;
    let va: u64 = prefix | (k << shift);
    if (h == pt.rootHeight) {
      // Sign-extend the top VA bit (x86: 47, or 56 with 5 levels) / select the TTBR1
      // range (aarch64).
      if (target.x86_64) {
        if (k >= 256) va |= 0xFFFF_FFFF_FFFF_FFFF << (shift + 9);
      } else if (pt.highHalf) {
        va |= 0xFFFF_0000_0000_0000;
      }
    }
    if (h < 3 && isLeaf(e, h)) {
      let size: u64 = u64(1) << shift;
      let pa: u64 = e & leafAddrMask(h);
      let attrs: u32 = leafAttrs(e, h);
      if (run.active && run.end == va && run.attrs == attrs && run.pa + (va - run.va) == pa) {
        run.end = va + size;
        run.leaves += 1;
      } else {
        flushRun(run);
        run.active = true;
        run.va = va;
        run.end = va + size;
        run.pa = pa;
        run.attrs = attrs;
        run.leaves = 1;
      }
    } else if (h > 0) {
      dumpLevel(pt, run, e & addrMask(), h - 1, va);
    }
  }
}

/** Prints every mapping as coalesced ranges: `va-lastva -> pa RWXUG [type] (n entries)`. */
export function ptDump(pt: Ptr<PageTable>): void {
  println(`page table root ${hex(pt.root)}, ${pt.tableFrames} table frames`);
  let run: DumpRun = zeroed<DumpRun>();
  dumpLevel(pt, addressOf(run), pt.root, pt.rootHeight, 0);
  flushRun(addressOf(run));
  println(`  ${run.ranges} ranges`);
}
