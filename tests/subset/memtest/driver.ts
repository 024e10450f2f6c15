// Test driver for the memory test's patterns (kernel-stub/memtest/patterns.ts), run by
// tests/memtest/memtest.test.ts on x86_64-linux and aarch64-linux. Three extents of a
// static buffer stand for physical memory (unsorted physical addresses, one extent an odd
// number of words long, none a multiple of 20 words); the memory is split into 1..7 shares
// run one after the other as the CPUs would run them, with the fault hook off or aimed at
// the first or last word of an extent or a word inside. Every pattern's results are
// printed for the test to compare with its own model:
//   S <n> <rank> <first> <firstOff> <last> <lastEnd> <bytes>     the shares of n CPUs
//   R <n> <injectPa> <bit> <pattern> <errors> <injected> <kept> [<pa> <expected> <actual>]

import {
  type Extent, type Share, Pattern, PATTERNS, shareInit, shareInject, patternRun,
} from "../../../kernel-stub/memtest/patterns";

const RANDOM: u64 = 0x0123_4567_89AB_CDEF;
const CPUS: Arr<u64, 5> = [1, 2, 3, 4, 7];
const INJECT: Arr<u64, 6> = [0, 0x1000_0000, 0x1003_FFF8, 0x3000_0000, 0x3001_0000, 0x2000_8A48];

let BUF: Arr<u64, 65536>;             // 512 KiB
let ext: Arr<Extent, 3>;
let share: Share;

function sp(): void { printChar(0x20); }

export function main(): i32 {
  let base: u64 = addr(addressOf(BUF[0]));
  ext[0].pa = 0x1000_0000; ext[0].va = base;            ext[0].bytes = 0x4_0000;
  ext[1].pa = 0x3000_0000; ext[1].va = base + 0x4_0000; ext[1].bytes = 0x1_0008;
  ext[2].pa = 0x2000_0000; ext[2].va = base + 0x6_0000; ext[2].bytes = 0x1_0000;
  let total: u64 = ext[0].bytes + ext[1].bytes + ext[2].bytes;
  let e: Ptr<Extent> = addressOf(ext[0]);
  for (let c: u64 = 0; c < CPUS.length; c++) {
    let n: u64 = CPUS[c];
    for (let r: u64 = 0; r < n; r++) {
      shareInit(addressOf(share), e, 3, total, r, n);
      print("S "); printU(n); sp(); printU(r); sp(); printU(share.first); sp(); printHex(share.firstOff); sp();
      printU(share.last); sp(); printHex(share.lastEnd); sp(); printHex(share.bytes); print("\n");
    }
    for (let k: u64 = 0; k < INJECT.length; k++) {
      let pa: u64 = INJECT[k];
      let bit: u64 = (k * 23 + n * 5) % 64;
      for (let p: u32 = 0; p < PATTERNS; p++) {
        let errors: u64 = 0;
        let injected: u64 = 0;
        let kept: u64 = 0;
        let fpa: u64 = 0;
        let fexp: u64 = 0;
        let fact: u64 = 0;
        for (let r: u64 = 0; r < n; r++) {
          shareInit(addressOf(share), e, 3, total, r, n);
          if (pa != 0) shareInject(addressOf(share), pa, bit);
          patternRun(addressOf(share), p as Pattern, RANDOM);
          errors += share.errors;
          injected += share.injected;
          if (share.kept != 0 && kept == 0) {
            fpa = share.faults[0].pa;
            fexp = share.faults[0].expected;
            fact = share.faults[0].actual;
          }
          kept += share.kept;
        }
        print("R "); printU(n); sp(); printHex(pa); sp(); printU(bit); sp(); printU(u64(p)); sp();
        printU(errors); sp(); printU(injected); sp(); printU(kept);
        if (kept != 0) { sp(); printHex(fpa); sp(); printHex(fexp); sp(); printHex(fact); }
        print("\n");
      }
    }
  }
  return 0;
}
