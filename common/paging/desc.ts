// The descriptor format of the compiled target, for the page-table engine (engine.ts) and
// its dump (dump.ts): every function picks x86_64.ts or aarch64.ts at compile time
// (`target.x86_64` is a constant), and table zeroing at memset speed.
//
// Heights: a table at height h has entries that each span 2^(12 + 9h) bytes: 0 = 4 KiB
// pages, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB, 4 = 256 TiB (x86 5-level root).

import {
  x86LeafBits, x86LeafAttrs, x86Relevel, X86_PS, X86_ADDR_MASK, X86_TABLE_BITS, X86_PA_LIMIT,
  X86_COUNT_ONE, X86_COUNT_MASK,
} from "./x86_64";
import {
  a64LeafBits, a64LeafAttrs, a64Relevel, A64_ADDR_MASK, A64_TABLE, A64_PA_LIMIT, A64_COUNT_ONE, A64_COUNT_MASK,
} from "./aarch64";

/** @inline */
export function tableBits(): u64 {
  if (target.x86_64) return X86_TABLE_BITS;
  return A64_TABLE;
}

/** @inline */
export function addrMask(): u64 {
  if (target.x86_64) return X86_ADDR_MASK;
  return A64_ADDR_MASK;
}

/** @inline */
export function paLimit(): u64 {
  if (target.x86_64) return X86_PA_LIMIT;
  return A64_PA_LIMIT;
}

/** One present entry, in the count field of the entry that points to a table.
 * @inline
 */
export function countOne(): u64 {
  if (target.x86_64) return X86_COUNT_ONE;
  return A64_COUNT_ONE;
}

/** @inline */
export function countMask(): u64 {
  if (target.x86_64) return X86_COUNT_MASK;
  return A64_COUNT_MASK;
}

/** A full table (512 present entries) as a count field.
 * @inline
 */
export function countFull(): u64 {
  return countOne() << 9;
}

/** A present descriptor at height `h` is a leaf (page or block) rather than a table.
 *  @inline */
export function isLeaf(e: u64, h: u32): bool {
  if (h == 0) return true;
  if (target.x86_64) return (e & X86_PS) != 0;
  return (e & 2) == 0;
}

/** @inline */
export function leafBits(attrs: u32, h: u32): u64 {
  if (target.x86_64) return x86LeafBits(attrs, h);
  return a64LeafBits(attrs, h);
}

/** @inline */
export function leafAttrs(e: u64, h: u32): u32 {
  if (target.x86_64) return x86LeafAttrs(e, h);
  return a64LeafAttrs(e, h);
}

/** @inline */
export function relevel(e: u64, from: u32, to: u32): u64 {
  if (target.x86_64) return x86Relevel(e, from, to);
  return a64Relevel(e, from, to);
}

/** Makes the stores that filled a new table visible to the table walker before the
 *  store that links it.
 *  @inline */
export function publishBarrier(): void {
  if (target.aarch64) dsbIshst();
  else compilerBarrier();
}

/** @inline */
export function shiftOf(h: u32): u64 {
  return u64(12 + 9 * h);
}

/** Address bits of a leaf at height `h` (for x86 large pages this excludes the PAT bit 12).
 *  @inline */
export function leafAddrMask(h: u32): u64 {
  let all: u64 = 0xFFFF_FFFF_FFFF_FFFF;
  return addrMask() & (all << shiftOf(h));
}

/** The zeroing block of `dc zva` in bytes, 0 when prohibited (DCZID_EL0.DZP), or 1 before
 *  the first look. */
let zvaBytes: u64 = 1;

/**
 * Clears entries [from, to] of a table, at memset speed with general registers only:
 * `rep stosb` on x86_64 (fast with ERMS/FSRM, and never slower than a store loop for a
 * table's worth of bytes), `dc zva` on aarch64 (whole cache-line blocks, DCZID_EL0 checked)
 * with 16-byte `stp` pairs around it. Kept away from memset (@nobuiltins) so the engine
 * does not depend on how a libc's memset handles 8..4096 bytes.
 * @nobuiltins
 */
export function zeroEntries(t: Ptr<u64>, from: u64, to: u64): void {
  if (from > to) return;
  let p: Ptr<u64> = ptrAdd(t, from);
  let n: u64 = to - from + 1;
  if (target.x86_64) {
    if (n >= 8) {
      asm("mov $0, %rdi\n\tmov $1, %rcx\n\txor %eax, %eax\n\trep stosb", "r,r,~{rdi},~{rcx},~{rax},~{memory}",
        p, n << 3);
      return;
    }
  } else {
    if (zvaBytes == 1) {
      let id: u64 = mrs("DCZID_EL0");
      zvaBytes = (id & 16) != 0 ? 0 : u64(4) << (id & 15);
    }
    let z: u64 = zvaBytes;
    // Blocks larger than a table (never seen) or prohibited: pairs only.
    if (z != 0 && z <= 4096 && (n << 3) >= 2 * z) {
      let a: u64 = addr(p);
      let end: u64 = a + (n << 3);
      let b: u64 = (a + z - 1) & ~(z - 1);
      let be: u64 = end & ~(z - 1);
      let k: u64 = 0;
      let head: u64 = (b - a) >> 3;
      while (k < head) { p[k] = 0; k++; }
      for (let q: u64 = b; q < be; q += z) asm("dc zva, $0", "r,~{memory}", q);
      k = (be - a) >> 3;
      while (k < n) { p[k] = 0; k++; }
      return;
    }
  }
  // A counted loop (not `k <= to`): its trip count is known, so LLVM unrolls it into
  // paired stores.
  for (let k: u64 = 0; k < n; k++) p[k] = 0;
}

/**
 * Writes the n descriptors v, v + step, v + 2 step, ... to p[0 .. n): the runs of leaves a
 * mapping writes and the table a split fills. Eight stores per step, each of the base plus
 * a constant: with no vector registers (loader and kernel) the store ports are the limit,
 * not one add after another. The base passes through an empty asm once per step so that
 * LLVM cannot rebuild that chain (v += step between stores), nor, on aarch64, pair the
 * stores with a shift and an add per pair.
 * @hot
 * @noinline
 */
export function fillEntries(p: Ptr<u64>, n: u64, v: u64, step: u64): void {
  let s2: u64 = step << 1;
  let s3: u64 = s2 + step;
  let s4: u64 = step << 2;
  let s5: u64 = s4 + step;
  let s6: u64 = s4 + s2;
  let s7: u64 = s4 + s3;
  // One induction variable (an address): LLVM keeps a second one for `p` otherwise.
  let a: u64 = addr(p);
  let end: u64 = a + ((n & ~u64(7)) << 3);
  while (a < end) {
    let q: Ptr<u64> = ptr<u64>(a);
    q[0] = v;
    q[1] = v + step;
    q[2] = v + s2;
    q[3] = v + s3;
    q[4] = v + s4;
    q[5] = v + s5;
    q[6] = v + s6;
    q[7] = v + s7;
    v = asm<u64>("", "=r,0", v + (step << 3));
    a += 64;
  }
  // The last n % 8, one by one. The count is hidden too: knowing it below 8, LLVM would
  // unroll this loop into seven copies (code size: the loader is built -Oz).
  let stop: u64 = a + (asm<u64>("", "=r,0", n & 7) << 3);
  while (a < stop) {
    ptr<u64>(a)[0] = v;
    v += step;
    a += 8;
  }
}
