// Reference model of kernel-stub/mm/ in BigInt arithmetic, written independently of the
// subset code: whole-set interval algebra instead of incremental range edits, and a lazy
// per-block frame map instead of bitmaps and summary words. tests/mm/mm.test.ts compares
// the subset driver's output with it line by line.

export const PAGE = 4096n;
export const RUN = 0x20_0000n;
export const END_MAX = 0xFFFF_FFFF_FFFF_F000n;
export const LOW_END = 0x10_0000n;
export const RANGES_MAX = 512;
const TWO64 = 1n << 64n;

export const T = {
  Usable: 1, Reserved: 2, AcpiReclaimable: 3, AcpiNvs: 4, BadMemory: 5, LoaderReclaimable: 6,
  Kernel: 7, RuntimeCode: 8, RuntimeData: 9, Mmio: 10,
} as const;

export interface Region { base: bigint; length: bigint; type: number; attrs: bigint }
export type Iv = [bigint, bigint];

// ---- interval algebra ----------------------------------------------------------------------

export function union(list: Iv[]): Iv[] {
  const s = list.filter(([b, e]) => e > b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Iv[] = [];
  for (const [b, e] of s) {
    const last = out[out.length - 1];
    if (last && b <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else {
      out.push([b, e]);
    }
  }
  return out;
}

export function subtract(a: Iv[], cut: Iv[]): Iv[] {
  let cur = a.map(([b, e]) => [b, e] as Iv);
  for (const [cb, ce] of union(cut)) {
    const next: Iv[] = [];
    for (const [b, e] of cur) {
      if (ce <= b || cb >= e) { next.push([b, e]); continue; }
      if (b < cb) next.push([b, cb]);
      if (ce < e) next.push([ce, e]);
    }
    cur = next;
  }
  return cur;
}

export function measure(a: Iv[], lo = 0n, hi = TWO64): bigint {
  let n = 0n;
  for (const [b, e] of a) {
    const x = b > lo ? b : lo;
    const y = e < hi ? e : hi;
    if (y > x) n += y - x;
  }
  return n;
}

export const total = (a: Iv[]) => measure(a);
const up = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;
const down = (v: bigint, a: bigint) => (v / a) * a;

// ---- physical ranges ---------------------------------------------------------------------

export interface Phys {
  status: number;          // 0 ok, 1 overflow, 2 no memory
  usable: Iv[];
  reclaim: Iv[];
  all: Iv[];
  ignoredLow: bigint;
  ignoredHigh: bigint;
  kernel: bigint;
}

function regionEnd(r: Region): bigint {
  const e = r.base + r.length;
  return e >= TWO64 || e > END_MAX ? END_MAX : e;
}

function isMemory(r: Region): boolean {
  if (r.type === T.Mmio) return false;
  if (r.type === T.Reserved && r.attrs !== 0n && (r.attrs & 8n) === 0n) return false;
  return true;
}

export function physModel(regions: Region[], limitIn: bigint): Phys {
  const inward = (r: Region): Iv | null => {
    const b = up(r.base, PAGE);
    if (b >= TWO64) return null;
    return [b, down(regionEnd(r), PAGE)];
  };
  const outward = (r: Region): Iv => [down(r.base, PAGE), up(regionEnd(r), PAGE)];
  const pick = (f: (r: Region) => boolean, g: (r: Region) => Iv | null) =>
    union(regions.filter(f).map(g).filter((x): x is Iv => x !== null));
  const usableRaw = pick((r) => r.type === T.Usable, inward);
  const reclaimRaw = pick((r) => r.type === T.LoaderReclaimable, inward);
  let usable = subtract(usableRaw, pick((r) => r.type !== T.Usable, outward));
  let reclaim = subtract(reclaimRaw, pick((r) => r.type !== T.Usable && r.type !== T.LoaderReclaimable, outward));
  const all = pick(isMemory, outward);
  const kernel = total(pick((r) => r.type === T.Kernel, outward));
  const ignoredLow = measure(usable, 0n, LOW_END) + measure(reclaim, 0n, LOW_END);
  usable = subtract(usable, [[0n, LOW_END]]);
  reclaim = subtract(reclaim, [[0n, LOW_END]]);
  const limit = down(limitIn, PAGE);
  let ignoredHigh = 0n;
  if (limit < END_MAX) {
    ignoredHigh = measure(usable, limit, END_MAX) + measure(reclaim, limit, END_MAX);
    usable = subtract(usable, [[limit, END_MAX]]);
    reclaim = subtract(reclaim, [[limit, END_MAX]]);
  }
  let status = 0;
  if ([usableRaw, reclaimRaw, all, usable, reclaim].some((s) => s.length > RANGES_MAX)) status = 1;
  else if (usable.length === 0) status = 2;
  return { status, usable, reclaim, all, ignoredLow, ignoredHigh, kernel };
}

// ---- early allocator ----------------------------------------------------------------------

/** Top-down first fit; returns [pa, new usable] (pa 0n when nothing fits). */
export function earlyModel(usable: Iv[], size: bigint, align: bigint): [bigint, Iv[]] {
  const bytes = up(size, PAGE);
  const al = align < PAGE ? PAGE : align;
  for (let i = usable.length - 1; i >= 0; i--) {
    const [b, e] = usable[i];
    if (e - b < bytes) continue;
    const pa = down(e - bytes, al);
    if (pa < b) continue;
    return [pa, subtract(usable, [[pa, pa + bytes]])];
  }
  return [0n, usable];
}

export function metaBytesModel(spanBase: bigint, spanEnd: bigint): bigint {
  const nblocks = up(spanEnd, RUN) / RUN - spanBase / RUN;
  let words = nblocks * 8n;
  let n = nblocks;
  const lw: bigint[] = [];
  for (let k = 0; k < 6; k++) {
    n = (n + 63n) / 64n;
    lw.push(n === 0n ? 1n : n);
  }
  words += lw[0];
  for (const x of lw) words += 2n * x;
  return words * 8n + ((nblocks * 2n + 7n) & ~7n);
}

// ---- frame allocator -------------------------------------------------------------------------

/** Policy under test: a 4 KiB frame is the lowest free frame of the lowest block that is
 *  partly free; failing that, of the lowest fully free block. A run is the lowest fully
 *  free block. Blocks never touched are derived from the managed ranges on demand. */
export class FrameModel {
  managed: Iv[];
  spanBase: bigint;
  nblocks: bigint;
  touched = new Map<bigint, Uint8Array>();
  huge = new Set<bigint>();
  free: bigint;

  constructor(managed: Iv[], spanBase: bigint, spanEnd: bigint) {
    this.managed = union(managed);
    this.spanBase = down(spanBase, RUN);
    this.nblocks = up(spanEnd, RUN) / RUN - spanBase / RUN;
    this.free = total(this.managed) / PAGE;
  }

  private isManaged(pa: bigint): boolean {
    return this.managed.some(([b, e]) => pa >= b && pa + PAGE <= e);
  }

  private blockBase(blk: bigint): bigint { return this.spanBase + blk * RUN; }

  private coverage(blk: bigint): bigint {
    const b = this.blockBase(blk);
    return measure(this.managed, b, b + RUN) / PAGE;
  }

  private get(blk: bigint): Uint8Array {
    let a = this.touched.get(blk);
    if (!a) {
      a = new Uint8Array(512);
      const b = this.blockBase(blk);
      for (let i = 0; i < 512; i++) a[i] = this.isManagedFast(b + BigInt(i) * PAGE) ? 1 : 0;
      this.touched.set(blk, a);
    }
    return a;
  }

  private isManagedFast(pa: bigint): boolean {
    // Binary search over the sorted, disjoint managed list.
    let lo = 0, hi = this.managed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.managed[mid][1] <= pa) lo = mid + 1; else hi = mid;
    }
    return lo < this.managed.length && this.managed[lo][0] <= pa && pa + PAGE <= this.managed[lo][1];
  }

  count(blk: bigint): number {
    const a = this.touched.get(blk);
    if (a) return a.reduce((s, x) => s + x, 0);
    return Number(this.coverage(blk));
  }

  private blockOf(pa: bigint): bigint { return (pa - this.spanBase) / RUN; }

  private lowestPartial(): bigint | null {
    let best: bigint | null = null;
    const consider = (blk: bigint) => {
      if (blk < 0n || blk >= this.nblocks || this.huge.has(blk)) return;
      const c = this.count(blk);
      if (c > 0 && c < 512 && (best === null || blk < best)) best = blk;
    };
    for (const blk of this.touched.keys()) consider(blk);
    for (const [b, e] of this.managed) {
      for (const blk of [this.blockOf(b), this.blockOf(e - 1n)]) if (!this.touched.has(blk)) consider(blk);
    }
    return best;
  }

  private lowestFull(): bigint | null {
    let best: bigint | null = null;
    for (const [blk, a] of this.touched) {
      if (!this.huge.has(blk) && a.every((x) => x === 1) && (best === null || blk < best)) best = blk;
    }
    for (const [b, e] of this.managed) {
      let blk = this.blockOf(up(b, RUN));
      const stop = this.blockOf(down(e, RUN));
      if (best !== null && blk >= best) break;
      for (; blk < stop; blk++) {
        if (best !== null && blk >= best) break;
        if (!this.touched.has(blk)) { best = blk; break; }
      }
    }
    return best;
  }

  alloc4k(): bigint {
    let blk = this.lowestPartial();
    if (blk === null) blk = this.lowestFull();
    if (blk === null) return 0n;
    const a = this.get(blk);
    const i = a.indexOf(1);
    a[i] = 0;
    this.free -= 1n;
    return this.blockBase(blk) + BigInt(i) * PAGE;
  }

  alloc2m(): bigint {
    const blk = this.lowestFull();
    if (blk === null) return 0n;
    this.get(blk).fill(0);
    this.huge.add(blk);
    this.free -= 512n;
    return this.blockBase(blk);
  }

  free4k(pa: bigint): boolean {
    if (pa % PAGE !== 0n || pa < this.spanBase || this.blockOf(pa) >= this.nblocks || !this.isManaged(pa)) return false;
    const blk = this.blockOf(pa);
    if (this.huge.has(blk)) return false;
    const a = this.get(blk);
    const i = Number((pa - this.blockBase(blk)) / PAGE);
    if (a[i] === 1) return false;
    a[i] = 1;
    this.free += 1n;
    return true;
  }

  free2m(pa: bigint): boolean {
    if (pa % RUN !== 0n || pa < this.spanBase || this.blockOf(pa) >= this.nblocks) return false;
    const blk = this.blockOf(pa);
    if (!this.huge.has(blk)) return false;
    this.huge.delete(blk);
    this.get(blk).fill(1);
    this.free += 512n;
    return true;
  }

  /** Newly managed memory becomes free (blocks out as runs excepted). */
  addRange(b: bigint, e: bigint): bigint {
    let added = 0n;
    for (const [tb, ta] of this.touched) {
      if (this.huge.has(tb)) continue;
      const base = this.blockBase(tb);
      for (let i = 0; i < 512; i++) {
        const pa = base + BigInt(i) * PAGE;
        if (pa >= b && pa < e && ta[i] === 0) { ta[i] = 1; }
      }
    }
    // Untouched blocks follow `managed`; frames counted from the range itself.
    this.managed = union([...this.managed, [b, e]]);
    added = (e - b) / PAGE;
    this.free += added;
    return added;
  }
}
