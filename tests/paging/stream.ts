// Command streams for the paging test drivers (tests/subset/paging/driver.ts and its C twin
// bench/paging/check_driver.c) and the checker that replays a driver's output against the
// reference model (model.ts). See driver.ts for the command and output formats.

import { A, Arch, ModelTable, RC, SPAN } from './model';

export const K = { Map: 1, Unmap: 2, Protect: 3, Probe: 4, Config: 5, Budget: 6, Dump: 7, Walk: 8, MapPages: 9, UnmapPages: 10 } as const;
export type Cmd = [number, number, bigint, bigint, bigint, number];
export const UNLIMITED = (1n << 64n) - 1n;

const K4 = 0x1000n;
const M2 = 0x20_0000n;
const G1 = 0x4000_0000n;

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Table configurations of the random streams: [allow1G, allowWX, highHalf, 5 levels on
 *  x86_64]. */
export const TABLES: [boolean, boolean, boolean, boolean][] = [
  [true, false, false, false],
  [true, true, true, false],
  [false, false, false, false],
  [false, true, true, true],
];

/** Translation levels of table `t` on `arch`. */
export function tableLevels(arch: Arch, t: number): number {
  return arch === 'x86_64' && TABLES[t][3] ? 5 : 4;
}

interface Region { base: bigint; size: bigint }
const LOW: Region[] = [
  { base: 0x40_0000_0000n, size: 8n * G1 },      // 256 GiB: room for 1 GiB pages
  { base: 0x7F_C000_0000n, size: 2n * G1 },      // straddles the 512 GiB (level-0) boundary
];
const HIGH: Region[] = [
  { base: 0xFFFF_8000_0000_0000n, size: 4n * G1 }, // bottom of the upper half
  { base: 0xFFFF_FFFF_0000_0000n, size: 4n * G1 }, // up to the last page of the address space
];
/** x86 5-level tables: addresses only 57-bit VAs have, around PML5 boundaries. */
const FIVE: Region[] = [
  { base: 0xFFFF_C000_0000n, size: 2n * G1 },           // straddles 256 TiB (one PML5 entry)
  { base: 0x00FF_FFFF_0000_0000n, size: 4n * G1 },      // top of the 57-bit lower half
  { base: 0xFF00_0000_0000_0000n, size: 4n * G1 },      // bottom of the 57-bit upper half
  { base: 0xFFFF_7FFF_C000_0000n, size: 2n * G1 },      // straddles the 4-level hole's edge
  { base: 0xFFFF_FFFF_0000_0000n, size: 4n * G1 },
];

const ATTRS = [
  A.Read, A.Read | A.Write, A.Read | A.Exec, A.Read | A.Global, A.Read | A.Write | A.Global,
  A.Read | A.Write | A.User, A.Read | A.Exec | A.User, A.Read | A.Write | A.Device,
  A.Read | A.Write | A.WriteCombining, A.Read | A.Uncached | A.Global, A.Read | A.Write | A.Exec,
  A.Read | A.Write | A.WriteCombining | A.Global,
];

export interface Stream { cmds: Cmd[]; /** indices of commands run under a frame budget */ budgeted: Set<number> }

/**
 * A random stream of `n` map/unmap/protect operations around page, 2 MiB and 1 GiB
 * boundaries, with probes after each, dumps every 40 operations, some invalid requests and
 * some operations run with a tiny frame budget (to provoke PT_ENOMEM).
 */
export function randomStream(seed: number, n: number, arch: Arch): Stream {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cmds: Cmd[] = [];
  const budgeted = new Set<number>();
  TABLES.forEach(([g, wx, hh], t) => cmds.push([K.Config, t, g ? 1n : 0n, wx ? 1n : 0n, hh ? 1n : 0n, tableLevels(arch, t)]));
  const probe = (t: number, va: bigint) => cmds.push([K.Probe, t, va & UNLIMITED, 0n, 0n, 0]);
  for (let i = 0; i < n; i++) {
    const t = int(0, 3);
    const five = tableLevels(arch, t) === 5;
    const region = pick(five ? FIVE : t % 2 === 0 ? LOW : HIGH);
    const gran = pick([K4, M2, M2, G1]);
    const slots = region.size / gran;
    let va = region.base + BigInt(Math.floor(r() * Number(slots))) * gran;
    if (gran !== G1 || r() < 0.3) va += BigInt(int(-3, 3)) * K4;
    const sizeKind = r();
    const limited = r() < 0.07;
    let size: bigint;
    if (limited) size = BigInt(int(1, 40)) * K4;
    else if (sizeKind < 0.35) size = BigInt(int(1, 8)) * K4;
    else if (sizeKind < 0.6) size = BigInt(int(1, 700)) * K4;
    else if (sizeKind < 0.85) size = BigInt(int(1, 3)) * M2 + BigInt(int(-1, 1)) * K4 * BigInt(int(0, 1));
    else size = G1 + (r() < 0.5 ? 0n : M2);
    if (size <= 0n) size = K4;
    if (va < region.base) va = region.base;
    if (va + size > region.base + region.size) va = region.base + region.size - size;
    let delta = pick([0n, 0n, 0n, G1, M2, K4]);
    if (size > 16n * M2 && delta === K4) delta = 0n;
    const pa = (va & 0xFF_FFFF_FFFFn) + delta;
    let attrs: number = pick(ATTRS);
    const kindRoll = r();
    let kind: number = kindRoll < 0.45 ? K.Map : kindRoll < 0.7 ? K.Unmap : K.Protect;
    let cva = va;
    let csize = size;
    let cpa = pa;
    // About 5% invalid requests: each must be refused without any change.
    if (r() < 0.05) {
      const bad = int(0, 6);
      if (bad === 0) cva = va + 0x800n;
      else if (bad === 1) csize = 0n;
      else if (bad === 2) cva = five ? 0x0100_0000_0000_0000n : t % 2 === 0 ? 0x0000_8000_0000_0000n : 0x0000_0000_1000_0000n;
      else if (bad === 3) attrs = A.Write;                          // no Read
      else if (bad === 4) attrs = A.Read | A.Device | A.Exec;
      else if (bad === 5) attrs = A.Read | A.Uncached | A.WriteCombining;
      else { kind = K.Map; cpa = 0xFFFF_F000_0000n; }              // beyond 2^48 on aarch64 only
    }
    if (limited) {
      budgeted.add(cmds.length + 1);
      cmds.push([K.Budget, 0, BigInt(int(0, 2)), 0n, 0n, 0]);
    }
    cmds.push([kind, t, cva & UNLIMITED, cpa, csize, attrs]);
    if (limited) {
      cmds.push([K.Budget, 0, UNLIMITED, 0n, 0n, 0]);
      for (let p = va; p < va + size; p += K4) probe(t, p);
    } else {
      probe(t, va);
      probe(t, va + size - K4);
      probe(t, va - K4);
      probe(t, va + size);
      probe(t, va + (size / 2n / K4) * K4 + 0x123n);
    }
    if (i % 40 === 39) for (let d = 0; d < 4; d++) cmds.push([K.Dump, d, 0n, 0n, 0n, 0]);
  }
  for (let d = 0; d < 4; d++) cmds.push([K.Dump, d, 0n, 0n, 0n, 0]);
  singlePages(cmds);
  return { cmds, budgeted };
}

/**
 * One 2 MiB block of table 2, page by page (K.MapPages / K.UnmapPages: the driver makes one
 * single-page call per page, in the order (k * 167) mod n): 512 maps (the last one fills the
 * page table, which then merges into a 2 MiB leaf), then 512 unmaps (the first splits the
 * leaf, the last frees the table). Most calls take the engines' single-page path; the
 * table-frame counts and the probes and dumps after each batch check the entry counts.
 */
function singlePages(cmds: Cmd[]): void {
  const base = 0x10_0000_0000n;                 // outside the random regions: nothing there yet
  // A neighbour page keeps the upper tables alive, so the path exists from the first call.
  cmds.push([K.Map, 2, base + M2, base + M2, K4, A.Read]);
  cmds.push([K.MapPages, 2, base, base, M2, A.Read | A.Write]);
  cmds.push([K.Probe, 2, base, 0n, 0n, 0], [K.Probe, 2, base + M2 - K4, 0n, 0n, 0], [K.Dump, 2, 0n, 0n, 0n, 0]);
  cmds.push([K.UnmapPages, 2, base, 0n, M2, 0]);
  cmds.push([K.Probe, 2, base + 0x5000n, 0n, 0n, 0], [K.Dump, 2, 0n, 0n, 0n, 0]);
}

export function streamWords(cmds: Cmd[]): bigint[] {
  const out: bigint[] = [];
  for (const c of cmds) out.push(BigInt(c[0]), BigInt(c[1]), c[2], c[3], c[4], BigInt(c[5]));
  return out;
}

/** The stream as text for the C driver (6 hex words per line). */
export function streamText(cmds: Cmd[]): string {
  return cmds.map((c) => streamWords([c]).map((w) => w.toString(16)).join(' ')).join('\n') + '\n';
}

/** The stream as a subset module whose main runs it through tests/subset/paging/driver.ts. */
export function streamModule(cmds: Cmd[], driverImport: string): string {
  const words = streamWords(cmds);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 6) {
    lines.push('  ' + words.slice(i, i + 6).map((w) => '0x' + w.toString(16)).join(', ') + ',');
  }
  return [
    '// Generated by tests/paging/stream.ts: a command stream for the paging driver.',
    `import { runOps } from ${JSON.stringify(driverImport)};`,
    `let OPS: Arr<u64, ${words.length}> = [`,
    ...lines,
    '];',
    'export function main(): i32 {',
    `  return runOps(addressOf(OPS[0]), ${words.length});`,
    '}',
    '',
  ].join('\n');
}

export class CheckError extends Error {}

function fail(msg: string): never {
  throw new CheckError(msg);
}

const hex = (v: bigint) => '0x' + v.toString(16);

interface Probe { pa: bigint; attrs: number; size: bigint; leaf: bigint }
function parseProbe(line: string): Probe | null {
  const f = line.split(' ');
  if (f[0] !== 'P') fail(`expected a probe line, got "${line}"`);
  if (f[1] === '-') return null;
  return { pa: BigInt(f[1]), attrs: Number(BigInt(f[2])), size: BigInt(f[3]), leaf: BigInt(f[4]) };
}

function attrsText(a: number): string {
  let s = '';
  s += a & A.Read ? 'R' : '-';
  s += a & A.Write ? 'W' : '-';
  s += a & A.Exec ? 'X' : '-';
  s += a & A.User ? 'U' : '-';
  s += a & A.Global ? 'G' : '-';
  if (a & A.Device) s += ' device';
  if (a & A.Uncached) s += ' uncached';
  if (a & A.WriteCombining) s += ' wc';
  return s;
}

export interface CheckStats { ops: number; probes: number; dumps: number; enomem: number; merges: number }

/**
 * Replays `stream` on the model and checks every line of `output` (a driver's stdout).
 * Throws CheckError naming the command and what differed.
 */
export function checkOutput(arch: Arch, stream: Stream, output: string): CheckStats {
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let li = 0;
  const next = (): string => {
    if (li >= lines.length) fail(`driver output ended early (after ${lines.length} lines)`);
    return lines[li++];
  };
  const models = TABLES.map(() => new ModelTable(arch));
  const stats: CheckStats = { ops: 0, probes: 0, dumps: 0, enomem: 0, merges: 0 };
  const { cmds } = stream;
  for (let ci = 0; ci < cmds.length; ci++) {
    const [kind, t, va, pa, size, attrs] = cmds[ci];
    const m = models[t];
    const where = `command ${ci} (${['', 'map', 'unmap', 'protect', 'probe', 'config', 'budget', 'dump', 'walk', 'map pages', 'unmap pages'][kind]} table ${t} va ${hex(va)} pa ${hex(pa)} size ${hex(size)} attrs ${hex(BigInt(attrs))})`;
    try {
      if (kind === K.Config) {
        m.allow1G = va !== 0n;
        m.allowWX = pa !== 0n;
        m.highHalf = size !== 0n;
        m.levels = attrs === 0 ? 4 : attrs;
        continue;
      }
      if (kind === K.Budget) continue;
      if (kind === K.Probe) {
        stats.probes++;
        const got = parseProbe(next());
        const want = m.translate(va);
        if (!want) {
          if (got) fail(`probe: expected unmapped, engine has pa ${hex(got.pa)} attrs ${hex(BigInt(got.attrs))}`);
          continue;
        }
        if (!got) fail(`probe: expected pa ${hex(want.pa)}, engine has it unmapped`);
        if (got.pa !== want.pa || got.attrs !== want.attrs || got.size !== want.size) {
          fail(`probe: expected pa ${hex(want.pa)} attrs ${attrsText(want.attrs)} page ${hex(want.size)}, ` +
            `engine has pa ${hex(got.pa)} attrs ${attrsText(got.attrs)} page ${hex(got.size)}`);
        }
        const leaf = m.leafDescriptor(va)!;
        if (got.leaf !== leaf) fail(`probe: leaf descriptor ${hex(got.leaf)}, expected ${hex(leaf)}`);
        continue;
      }
      if (kind === K.Dump) {
        stats.dumps++;
        const head = next();
        const hm = /^page table root 0x[0-9a-f]+, (\d+) table frames$/.exec(head);
        if (!hm) fail(`dump: bad header "${head}"`);
        if (Number(hm[1]) !== m.tableFrames()) fail(`dump: ${hm[1]} table frames, model says ${m.tableFrames()}`);
        const want = m.dump();
        for (const w of want) {
          const line = next();
          const exp = `  ${hex16(w.va)}-${hex16(w.last)} -> 0x${w.pa.toString(16).padStart(13, '0')} ${attrsText(w.attrs)} (${w.leaves} entries)`;
          if (line !== exp) fail(`dump: got\n${line}\nexpected\n${exp}`);
        }
        const tail = next();
        if (tail !== `  ${want.length} ranges`) fail(`dump: got "${tail}", expected "  ${want.length} ranges"`);
        if (next() !== 'E') fail('dump: missing end marker');
        continue;
      }
      // map / unmap / protect (MapPages / UnmapPages: the same, one page per call)
      const kd = kind === K.MapPages ? K.Map : kind === K.UnmapPages ? K.Unmap : kind;
      stats.ops++;
      const line = next();
      const f = line.split(' ');
      if (f[0] !== 'R') fail(`expected a result line, got "${line}"`);
      const rc = Number(f[1]);
      const before = m.clone();
      const expectRc = kd === K.Map ? m.mapRc(va, pa, size, attrs)
        : kd === K.Unmap ? m.unmapRc(va, size) : m.protectRc(va, size, attrs);
      const end = va + size;
      const apply = (mm: ModelTable, stop: bigint) => {
        if (stop <= va) return;
        if (kd === K.Map) mm.applyMap(va, stop, pa, attrs);
        else if (kd === K.Unmap) mm.applyUnmap(va, stop);
        else mm.applyProtect(va, stop, attrs);
      };
      if (rc === RC.ENOMEM && expectRc === RC.OK && stream.budgeted.has(ci)) {
        // Find the boundary x: pages before it have the new state, pages from it the old one.
        stats.enomem++;
        const after = m.clone();
        apply(after, end);
        let x: bigint | null = null;
        const probeLines = lines.slice(li, li + Number(size / K4));
        let p = va;
        for (const pl of probeLines) {
          const got = parseProbe(pl);
          const isNew = same(got, after.translate(p));
          const isOld = same(got, before.translate(p));
          if (!isNew && !isOld) fail(`after PT_ENOMEM page ${hex(p)} is neither old nor new`);
          if (x === null && !isNew) x = p;
          if (x !== null && !isOld) fail(`after PT_ENOMEM page ${hex(p)} changed after unchanged page ${hex(x)}: not a prefix`);
          p += K4;
        }
        apply(m, x ?? end);
      } else {
        if (rc !== expectRc) fail(`rc ${rc}, expected ${expectRc}`);
        if (rc === RC.OK) apply(m, end);
      }
      const tf = Number(BigInt(f[2]));
      const total = Number(BigInt(f[3]));
      const live = Number(BigInt(f[4]));
      if (tf !== m.tableFrames()) fail(`tableFrames ${tf}, model says ${m.tableFrames()}`);
      const modelTotal = models.reduce((s, mm) => s + mm.tableFrames(), 0);
      if (total !== modelTotal) fail(`total tableFrames ${total}, model says ${modelTotal}`);
      if (live !== total) fail(`${live} frames allocated but tableFrames add up to ${total}: leak or double count`);
      if (tf < before.tableFrames()) stats.merges++;
      // TLB maintenance: every leaf whose translation changed must be covered.
      const flushAll = f[5] === '1';
      if (!flushAll && (rc === RC.OK || rc === RC.ENOMEM)) {
        const vas = f.slice(7).map((s) => BigInt(s) & UNLIMITED);
        if (vas.length !== Number(BigInt(f[6]))) fail(`flushCount ${f[6]} but ${vas.length} addresses printed`);
        for (const leaf of before.changedLeaves(m, va, end, 17)) {
          if (!vas.some((v) => v >= leaf.base && v < leaf.base + leaf.size)) {
            fail(`the leaf ${hex(leaf.base)} (+${hex(leaf.size)}) changed but no flush covers it (flushVa ${vas.map(hex).join(' ')})`);
          }
        }
      }
    } catch (e) {
      if (e instanceof CheckError) throw new CheckError(`${arch}: ${where}: ${e.message}`);
      throw e;
    }
  }
  if (li !== lines.length) fail(`${arch}: ${lines.length - li} unexpected extra output lines, first: "${lines[li]}"`);
  return stats;
}

function hex16(v: bigint): string {
  return '0x' + (v & UNLIMITED).toString(16).padStart(16, '0');
}

function same(got: Probe | null, want: { pa: bigint; attrs: number } | null): boolean {
  if (!got || !want) return !got && !want;
  return got.pa === want.pa && got.attrs === want.attrs;
}

export { SPAN };
