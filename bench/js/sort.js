// sort: the plain JavaScript twin of bench/subset/sort.ts (the same quicksort on a
// Uint32Array), run by Node and compiled by porffor. Output format: bench/subset/lib.ts.
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

function insertionSort(a, lo, hi) {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function quicksort(a, lo, hi) {
  while (hi - lo > 16) {
    const mid = lo + ((hi - lo) >> 1);
    if (a[mid] < a[lo]) { const t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { const t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { const t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    const pivot = a[mid];
    let i = lo - 1;
    let j = hi + 1;
    for (;;) {
      do { i++; } while (a[i] < pivot);
      do { j--; } while (a[j] > pivot);
      if (i >= j) break;
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    if (j - lo < hi - j) {
      quicksort(a, lo, j);
      lo = j + 1;
    } else {
      quicksort(a, j + 1, hi);
      hi = j;
    }
  }
  insertionSort(a, lo, hi);
}

function main() {
  const kelems = arg(0, 1024);
  const reps = arg(1, 3);
  if (kelems > 4096) throw new Error('sort: elements must be 1..4096 Ki');
  const n = kelems * 1024;
  const a = new Uint32Array(n);

  const t0 = performance.now();
  let s = 0x2545f491;
  let unsorted = 0;
  let h = 0x811c9dc5;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) {
      s = (s ^ (s << 13)) >>> 0;
      s = (s ^ (s >>> 17)) >>> 0;
      s = (s ^ (s << 5)) >>> 0;
      a[i] = s;
    }
    quicksort(a, 0, n - 1);
    for (let i = 1; i < n; i++) {
      if (a[i - 1] > a[i]) unsorted++;
    }
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ a[i], 16777619) >>> 0;
    }
  }
  const t1 = performance.now();

  console.log('checksum ' + unsorted + ' ' + h);
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
