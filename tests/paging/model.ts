// Reference model of the page-table engine (common/paging/), written independently of it:
// plain TypeScript with BigInt, no tables at all. The mapping is a sorted list of
// intervals (va range -> pa, attributes); everything the engine must show — translations,
// the canonical table-frame count (which checks splitting, merging and freeing), the
// page size of every translation, and the exact descriptor bits — is derived from that
// list and from the encoding rules written down from the Intel SDM and the Arm ARM.

export type Arch = 'x86_64' | 'aarch64';

export const A = {
  Read: 1, Write: 2, Exec: 4, User: 8, Global: 16, Device: 32, Uncached: 64, WriteCombining: 128,
} as const;

export const RC = { OK: 0, ENOMEM: -1, EINVAL: -2, EWX: -3, EEXIST: -4 } as const;

const K4 = 0x1000n;
const M2 = 0x20_0000n;
const G1 = 0x4000_0000n;
const G512 = 0x80_0000_0000n;
const T256 = 1n << 48n;
const U64 = 1n << 64n;
/** Span of one entry of a table at height 0..4 (4 KiB pages ... the x86 5-level root). */
export const SPAN = [K4, M2, G1, G512, T256];

export interface Interval { va: bigint; end: bigint; pa: bigint; attrs: number }
export interface Translation { pa: bigint; attrs: number; size: bigint; base: bigint }

/** Attribute bits as the engine reports them back on `arch`. */
export function normalizeAttrs(arch: Arch, attrs: number): number {
  let a = attrs | A.Read;
  // aarch64 has one non-cacheable Normal type (MAIR index 2) for both.
  if (arch === 'aarch64' && (a & A.WriteCombining) !== 0) a = (a & ~A.WriteCombining) | A.Uncached;
  return a;
}

/** The expected leaf descriptor for a page of `size` at `pa` with (normalized) `attrs`. */
export function expectedLeaf(arch: Arch, pa: bigint, size: bigint, attrs: number): bigint {
  const has = (b: number) => (attrs & b) !== 0;
  if (arch === 'x86_64') {
    // SDM 3A tables 4-15..4-20: P(0) R/W(1) U/S(2) PWT(3) PCD(4) A(5) D(6) PS/PAT(7) G(8)
    // PAT(12, large pages) XD(63). The engine presets A, and D on writable pages.
    let e = pa | 1n | (1n << 5n);
    if (has(A.Write)) e |= (1n << 1n) | (1n << 6n);
    if (has(A.User)) e |= 1n << 2n;
    if (has(A.Global)) e |= 1n << 8n;
    if (!has(A.Exec)) e |= 1n << 63n;
    const large = size > K4;
    if (large) e |= 1n << 7n;
    if (has(A.Device)) e |= (1n << 4n) | (1n << 3n);           // PAT index 3: UC
    else if (has(A.Uncached)) e |= 1n << 4n;                     // PAT index 2: UC-
    else if (has(A.WriteCombining)) e |= large ? 1n << 12n : 1n << 7n; // PAT index 4: WC
    return e;
  }
  // Arm ARM D8.3: [1:0] 0b11 page / 0b01 block, AttrIndx[4:2], AP[7:6], SH[9:8], AF(10),
  // nG(11), PXN(53), UXN(54).
  let e = pa | (size === K4 ? 3n : 1n) | (1n << 10n);
  if (!has(A.Write)) e |= 1n << 7n;
  if (has(A.User)) e |= 1n << 6n;
  if (!has(A.Global)) e |= 1n << 11n;
  const pxn = !(has(A.Exec) && !has(A.User));
  const uxn = !(has(A.Exec) && has(A.User));
  if (pxn) e |= 1n << 53n;
  if (uxn) e |= 1n << 54n;
  if (has(A.Device)) e |= 1n << 2n;                     // AttrIndx 1, SH 00
  else if (has(A.Uncached)) e |= (2n << 2n) | (3n << 8n); // AttrIndx 2, inner shareable
  else e |= 3n << 8n;                                   // AttrIndx 0, inner shareable
  return e;
}

export class ModelTable {
  ivs: Interval[] = [];
  constructor(
    public arch: Arch,
    public highHalf = false,
    public allow1G = false,
    public allowWX = false,
    /** Translation levels: 4, or 5 (x86_64 with CR4.LA57: 57-bit VAs). */
    public levels = 4,
  ) {}

  clone(): ModelTable {
    const m = new ModelTable(this.arch, this.highHalf, this.allow1G, this.allowWX, this.levels);
    m.ivs = this.ivs.map((iv) => ({ ...iv }));
    return m;
  }

  /** Bits of a canonical VA: 48, or 57 with x86 5-level paging (SDM 4.5.1). */
  private vaBits(): bigint {
    return this.arch === 'x86_64' && this.levels === 5 ? 57n : 48n;
  }

  private canonical(va: bigint): boolean {
    const half = 1n << (this.vaBits() - 1n);
    if (this.arch === 'x86_64') return va < half || va >= U64 - half;
    return this.highHalf ? va >= U64 - (1n << 48n) : va < 1n << 48n;
  }

  checkRange(va: bigint, size: bigint): number {
    if (size === 0n || va % K4 !== 0n || size % K4 !== 0n) return RC.EINVAL;
    const last = va + size - 1n;
    if (last >= U64) return RC.EINVAL;
    if (!this.canonical(va) || !this.canonical(last)) return RC.EINVAL;
    if (this.arch === 'x86_64' && (va < (1n << 63n)) !== (last < (1n << 63n))) return RC.EINVAL;
    return RC.OK;
  }

  checkAttrs(attrs: number): number {
    if ((attrs & ~0xff) !== 0 || (attrs & A.Read) === 0) return RC.EINVAL;
    const types = [A.Device, A.Uncached, A.WriteCombining].filter((b) => (attrs & b) !== 0).length;
    if (types > 1) return RC.EINVAL;
    if ((attrs & A.Device) !== 0 && (attrs & A.Exec) !== 0) return RC.EINVAL;
    if ((attrs & A.Write) !== 0 && (attrs & A.Exec) !== 0 && !this.allowWX) return RC.EWX;
    return RC.OK;
  }

  /** The rc PageTable.map must return (validation and overlap only). */
  mapRc(va: bigint, pa: bigint, size: bigint, attrs: number): number {
    const limit = this.arch === 'x86_64' ? 1n << 52n : 1n << 48n;
    const r = this.checkRange(va, size);
    if (r !== RC.OK) return r;
    if (pa % K4 !== 0n || pa + size > limit) return RC.EINVAL;
    const a = this.checkAttrs(attrs);
    if (a !== RC.OK) return a;
    if (this.ivs.some((iv) => iv.va < va + size && va < iv.end)) return RC.EEXIST;
    return RC.OK;
  }

  map(va: bigint, pa: bigint, size: bigint, attrs: number): number {
    const rc = this.mapRc(va, pa, size, attrs);
    if (rc === RC.OK) this.applyMap(va, va + size, pa, attrs);
    return rc;
  }

  unmapRc(va: bigint, size: bigint): number {
    return this.checkRange(va, size);
  }

  unmap(va: bigint, size: bigint): number {
    const rc = this.unmapRc(va, size);
    if (rc === RC.OK) this.applyUnmap(va, va + size);
    return rc;
  }

  protectRc(va: bigint, size: bigint, attrs: number): number {
    const r = this.checkRange(va, size);
    if (r !== RC.OK) return r;
    return this.checkAttrs(attrs);
  }

  protect(va: bigint, size: bigint, attrs: number): number {
    const rc = this.protectRc(va, size, attrs);
    if (rc === RC.OK) this.applyProtect(va, va + size, attrs);
    return rc;
  }

  // ---- state changes on [va, end) without validation (also used for ENOMEM prefixes) ----

  applyMap(va: bigint, end: bigint, pa: bigint, attrs: number): void {
    this.ivs.push({ va, end, pa, attrs: normalizeAttrs(this.arch, attrs) });
    this.normalize();
  }

  applyUnmap(va: bigint, end: bigint): void {
    const out: Interval[] = [];
    for (const iv of this.ivs) {
      if (iv.end <= va || iv.va >= end) { out.push(iv); continue; }
      if (iv.va < va) out.push({ va: iv.va, end: va, pa: iv.pa, attrs: iv.attrs });
      if (iv.end > end) out.push({ va: end, end: iv.end, pa: iv.pa + (end - iv.va), attrs: iv.attrs });
    }
    this.ivs = out;
    this.normalize();
  }

  applyProtect(va: bigint, end: bigint, attrs: number): void {
    const na = normalizeAttrs(this.arch, attrs);
    const out: Interval[] = [];
    for (const iv of this.ivs) {
      if (iv.end <= va || iv.va >= end) { out.push(iv); continue; }
      const s = iv.va > va ? iv.va : va;
      const e = iv.end < end ? iv.end : end;
      if (iv.va < s) out.push({ va: iv.va, end: s, pa: iv.pa, attrs: iv.attrs });
      out.push({ va: s, end: e, pa: iv.pa + (s - iv.va), attrs: na });
      if (iv.end > e) out.push({ va: e, end: iv.end, pa: iv.pa + (e - iv.va), attrs: iv.attrs });
    }
    this.ivs = out;
    this.normalize();
  }

  /** Sorts and joins neighbours that continue each other (same attributes, contiguous pa). */
  private normalize(): void {
    this.ivs.sort((a, b) => (a.va < b.va ? -1 : a.va > b.va ? 1 : 0));
    const out: Interval[] = [];
    for (const iv of this.ivs) {
      const p = out[out.length - 1];
      if (p && p.end === iv.va && p.attrs === iv.attrs && p.pa + (p.end - p.va) === iv.pa) p.end = iv.end;
      else out.push({ ...iv });
    }
    this.ivs = out;
  }

  // ---- queries --------------------------------------------------------------------------

  private find(va: bigint): Interval | undefined {
    let lo = 0;
    let hi = this.ivs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const iv = this.ivs[mid];
      if (va < iv.va) hi = mid - 1;
      else if (va >= iv.end) lo = mid + 1;
      else return iv;
    }
    return undefined;
  }

  /** The highest height that may hold a leaf: 1 GiB pages (2) or 2 MiB (1). */
  private maxLeafHeight(): number {
    return this.allow1G ? 2 : 1;
  }

  /** One page (or block) of `span` at `base` is a single leaf: uniform and aligned. */
  private uniform(base: bigint, span: bigint): boolean {
    const iv = this.find(base);
    if (!iv || iv.end < base + span) return false;
    return (iv.pa + (base - iv.va)) % span === 0n;
  }

  /** Translation of `va` with the size and base of the leaf the canonical tables use. */
  translate(va: bigint): Translation | null {
    const iv = this.find(va);
    if (!iv) return null;
    const pa = iv.pa + (va - iv.va);
    for (let h = this.maxLeafHeight(); h >= 0; h--) {
      const span = SPAN[h];
      const base = va - (va % span);
      if (h === 0 || this.uniform(base, span)) return { pa, attrs: iv.attrs, size: span, base };
    }
    throw new Error('unreachable');
  }

  /** The descriptor the engine must have written for the leaf that maps `va`. */
  leafDescriptor(va: bigint): bigint | null {
    const t = this.translate(va);
    if (!t) return null;
    return expectedLeaf(this.arch, t.pa - (t.pa % t.size), t.size, t.attrs);
  }

  /** Table frames of the canonical (fully split/merged) tables, root included. */
  tableFrames(): number {
    const root = this.highHalf && this.arch === 'aarch64' ? U64 - (1n << 48n) : 0n;
    return 1 + this.childrenFrames(this.levels - 1, root, this.arch === 'x86_64' ? 1n << 64n : 1n << 48n);
  }

  /** Frames below the table at height `h` covering [base, base + extent). */
  private childrenFrames(h: number, base: bigint, extent: bigint): number {
    const span = SPAN[h];
    const touched = new Set<bigint>();
    for (const iv of this.ivs) {
      if (iv.end <= base || iv.va >= base + extent) continue;
      const s = iv.va > base ? iv.va : base;
      const e = (iv.end < base + extent ? iv.end : base + extent) - 1n;
      for (let b = s - (s % span); b <= e; b += span) touched.add(b);
    }
    let n = 0;
    for (const b of touched) {
      if (h === 0) continue;                           // pages: no tables below
      if (h <= this.maxLeafHeight() && this.uniform(b, span)) continue;
      n += 1 + this.childrenFrames(h - 1, b, span);
    }
    return n;
  }

  /**
   * The dump the engine must print: the normalized intervals, each with the number of
   * canonical leaves that map it.
   */
  dump(): { va: bigint; last: bigint; pa: bigint; attrs: number; leaves: number }[] {
    return this.ivs.map((iv) => {
      let leaves = 0;
      let va = iv.va;
      while (va < iv.end) {
        const t = this.translate(va)!;
        leaves++;
        va = t.base + t.size;
      }
      return { va: iv.va, last: iv.end - 1n, pa: iv.pa, attrs: iv.attrs, leaves };
    });
  }

  /** Leaves of the current canonical tables that map a page of [va, end) and would change
   *  under `next` (another state); stops after `limit` leaves. */
  changedLeaves(next: ModelTable, va: bigint, end: bigint, limit: number): Translation[] {
    const out: Translation[] = [];
    for (const iv of this.ivs) {
      if (iv.end <= va || iv.va >= end) continue;
      let p = iv.va > va ? iv.va : va;
      const stop = iv.end < end ? iv.end : end;
      while (p < stop && out.length < limit) {
        const t = this.translate(p)!;
        // Does any page of this leaf inside [va, end) change?
        const ls = t.base > p ? t.base : p;
        const le = t.base + t.size < stop ? t.base + t.size : stop;
        let changed = false;
        for (let q = ls; q < le && !changed; ) {
          const a = this.find(q)!;
          const b = next.find(q);
          if (!b || b.attrs !== a.attrs || b.pa - b.va !== a.pa - a.va) { changed = true; break; }
          q = (a.end < b.end ? a.end : b.end);
        }
        if (changed) out.push(t);
        p = t.base + t.size;
      }
    }
    return out;
  }
}
