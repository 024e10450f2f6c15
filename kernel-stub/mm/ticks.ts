// Time stamps for the memory manager's measurements: the TSC on x86_64, the virtual
// counter (CNTVCT_EL0) on aarch64. Both are readable at user level too, so the *-linux
// test drivers measure with the same code as the kernel.

export function mmTicks(): u64 {
  if (target.x86_64) {
    return rdtsc();
  } else {
    return cntvct();
  }
}

/** Ticks per second: the loader's TSC measurement (0 if unknown) on x86_64, CNTFRQ_EL0 on
 *  aarch64. */
export function mmTickHz(tscFrequency: u64): u64 {
  if (target.x86_64) {
    return tscFrequency;
  } else {
    return cntfrq();
  }
}

/** Sorts v[0..n) ascending (heapsort: no recursion, no extra memory, O(n log n)). */
export function sortU64(v: Ptr<u64>, n: u64): void {
  if (n < 2) return;
  let start: u64 = n / 2;
  while (start > 0) {
    start--;
    siftDown(v, start, n);
  }
  let end: u64 = n;
  while (end > 1) {
    end--;
    let t: u64 = v[0];
    v[0] = v[end];
    v[end] = t;
    siftDown(v, 0, end);
  }
}

function siftDown(v: Ptr<u64>, root: u64, n: u64): void {
  let r: u64 = root;
  while (true) {
    let child: u64 = 2 * r + 1;
    if (child >= n) return;
    if (child + 1 < n && v[child] < v[child + 1]) child++;
    if (v[r] >= v[child]) return;
    let t: u64 = v[r];
    v[r] = v[child];
    v[child] = t;
    r = child;
  }
}

/** The median of v[0..n) (sorts v). */
export function medianU64(v: Ptr<u64>, n: u64): u64 {
  if (n == 0) return 0;
  sortU64(v, n);
  return v[n / 2];
}
