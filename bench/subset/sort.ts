// sort: an in-place quicksort of u32 values (Hoare partition around the median of three,
// recursion into the smaller side, insertion sort below 16 elements), `reps` times on
// fresh xorshift32 data. The checksum counts out-of-order neighbours (0 when sorted) and
// hashes the sorted arrays (FNV-1a style, mod 2^32).
// Arguments: elements in Ki (default 1024, at most 4096), reps (default 3).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

const MAX_ELEMS = 4 * 1024 * 1024;

let a: Arr<u32, 4194304>;

function insertionSort(lo: i32, hi: i32): void {
  for (let i: i32 = lo + 1; i <= hi; i++) {
    const v: u32 = a[i];
    let j: i32 = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function quicksort(lo0: i32, hi0: i32): void {
  let lo: i32 = lo0;
  let hi: i32 = hi0;
  while (hi - lo > 16) {
    const mid: i32 = lo + ((hi - lo) >> 1);
    // Order a[lo] <= a[mid] <= a[hi] so the pivot is the median of the three.
    if (a[mid] < a[lo]) { const t: u32 = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { const t: u32 = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { const t: u32 = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    const pivot: u32 = a[mid];
    let i: i32 = lo - 1;
    let j: i32 = hi + 1;
    while (true) {
      do { i++; } while (a[i] < pivot);
      do { j--; } while (a[j] > pivot);
      if (i >= j) break;
      const t: u32 = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    // [lo, j] <= pivot <= [j + 1, hi]: recurse into the smaller side, loop on the larger.
    if (j - lo < hi - j) {
      quicksort(lo, j);
      lo = j + 1;
    } else {
      quicksort(j + 1, hi);
      hi = j;
    }
  }
  insertionSort(lo, hi);
}

export function main(): i32 {
  const kelems: u64 = argU64(1, 1024);
  const reps: u64 = argU64(2, 3);
  if (kelems == 0 || kelems * 1024 > MAX_ELEMS) panic("sort: elements must be 1..4096 Ki");
  const n: i32 = i32(kelems * 1024);

  const t0: u64 = nowNs();
  let s: u32 = 0x2545F491;
  let unsorted: u32 = 0;
  let h: u32 = 0x811C9DC5;
  for (let r: u64 = 0; r < reps; r++) {
    for (let i: i32 = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      a[i] = s;
    }
    quicksort(0, n - 1);
    for (let i: i32 = 1; i < n; i++) {
      if (a[i - 1] > a[i]) unsorted++;
    }
    for (let i: i32 = 0; i < n; i++) {
      h = (h ^ a[i]) * 16777619;
    }
  }
  const t1: u64 = nowNs();

  beginChecksum();
  checksumWord(unsorted);
  checksumWord(h);
  endChecksum(t1 - t0);
  return 0;
}
