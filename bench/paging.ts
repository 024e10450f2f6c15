// The paging benchmark: the subset page-table engine (common/paging/engine.ts, tsboot -O2,
// x86_64-linux) against two C programs on the same workload driver (bench/paging/
// workloads.ts / .c): its statement-by-statement transcription (bench/paging/engine.c,
// clang-16 -O2 -static) and a plain per-page walker (bench/paging/walker.c: walk from the
// root per page, allocate missing tables, set one entry; what a typical C loader does).
// All three engines are built with general registers only (--general-regs-only,
// -mgeneral-regs-only), as the loader and kernel build the engine: no SSE/NEON stores.
// bench/run.ts calls runPagingBench(); `node build/js/bench/paging.js` runs it alone.
//
// Per workload:
// - instructions: `valgrind --tool=callgrind --toggle-collect=pw_run` with one run: only
//   the instructions executed inside pw_run (init, the workload, the frame allocator, the
//   zeroing), not process start-up or printing; single 4 KiB operations the same way with
//   --toggle-collect=pw_map1 / pw_unmap1 (1,000 calls each, whose tables exist);
// - aarch64: the subset engine built for aarch64-linux and run under qemu-aarch64 with
//   `-d in_asm,exec,nochain`: every executed translation block is logged, so the
//   instructions from entering pw_run until control is back in the caller are an exact,
//   deterministic count (Debian's qemu-user ships no plugins to count with);
// - time: median over rounds of `inner` back-to-back runs (CLOCK_MONOTONIC around each
//   round, divided by inner), inner chosen so that a round takes about 2 ms; the programs a
//   row compares run in turns, a round of each, and their ratio is the median of the
//   per-round ratios (timeInTurns);
// - bytes of tables written = table frames allocated x 4096, and the time per table page
//   compared with glibc's memset of the same number of bytes (the floor: writing the same
//   bytes with nothing to compute).
import * as fs from 'fs';
import * as path from 'path';
import {
  FigureSink,
  CLANG, compilerBuilt, exec, firstLine, fmtRatio, haveCommand, makeTempDir, mdTable, median, repoRoot, roundRatio, tsbootCommand,
} from './bench-util';

export interface PagingBenchOptions {
  quick?: boolean;
  runs?: number;
  log?: (m: string) => void;
  /** Receives the headline figures (single map/unmap instructions, the ratios) under the docs' ids. */
  figure?: FigureSink;
}

interface Workload { k: number; name: string; what: string; hhdm: boolean }
const WORKLOADS: Workload[] = [
  { k: 0, name: 'HHDM 4 GiB, 1 GiB pages', what: '4 GiB at 0xffff800000000000, RW global NX', hhdm: true },
  { k: 1, name: 'HHDM 4 GiB, no 1 GiB pages', what: 'same, 2 MiB pages', hhdm: true },
  { k: 2, name: 'HHDM 64 GiB, 1 GiB pages', what: '64 GiB', hhdm: true },
  { k: 3, name: 'HHDM 64 GiB, no 1 GiB pages', what: '64 GiB, 2 MiB pages', hhdm: true },
  { k: 4, name: 'HHDM 1 TiB, 1 GiB pages', what: '1 TiB', hhdm: true },
  { k: 5, name: 'HHDM 1 TiB, no 1 GiB pages', what: '1 TiB, 2 MiB pages', hhdm: true },
  { k: 6, name: 'kernel 8 MiB, 4 KiB pages', what: 'text RX / rodata R / data, bss RW; pa not 2 MiB-congruent', hhdm: false },
  { k: 7, name: 'identity 4 GiB', what: 'va = pa, RW NX, 2 MiB pages', hhdm: false },
  { k: 8, name: '10,000 random 4 KiB map/unmap', what: 'in a 64 MiB window (maps, unmaps, splits, frees)', hhdm: false },
  { k: 10, name: 'table zeroing: 64 fresh tables', what: 'new PageTable 64 times: allocate and clear a root, nothing else', hhdm: false },
];

function instructions(exe: string, k: number, fn = 'pw_run'): number | string {
  const r = exec('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', `--toggle-collect=${fn}`, exe, String(k), '1', '1'],
    { timeoutMs: 300_000 });
  if (!r.ok) return `valgrind: ${r.error}`;
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) : `valgrind printed no count: ${firstLine(r.stderr)}`;
}

/** Start and end of every function symbol of an ELF (llvm-nm -S). */
function symbols(exe: string): Map<string, [number, number]> | string {
  const r = exec('llvm-nm-16', ['-S', '--defined-only', exe]);
  if (!r.ok) return `llvm-nm-16: ${r.error}`;
  const out = new Map<string, [number, number]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [tT] (.+)$/.exec(line);
    if (m) out.set(m[3], [parseInt(m[1], 16), parseInt(m[1], 16) + parseInt(m[2], 16)]);
  }
  return out;
}

/**
 * Instructions executed under qemu-aarch64 from the first entry into `fn` until control is
 * back in `caller` (which calls `fn` once per run): QEMU logs each translation block's
 * instructions once (in_asm) and each execution of a block (exec, with chaining off so no
 * block runs unlogged); the count is the sum over executed blocks.
 */
function a64Instructions(exe: string, args: string[], fn: string, caller: string, dir: string): number | string {
  const syms = symbols(exe);
  if (typeof syms === 'string') return syms;
  const f = syms.get(fn);
  const c = syms.get(caller);
  if (!f || !c) return `no symbol ${f ? caller : fn}`;
  const logFile = path.join(dir, 'qemu-exec.log');
  const r = exec('qemu-aarch64', ['-d', 'in_asm,exec,nochain', '-D', logFile, exe, ...args], { timeoutMs: 600_000 });
  if (!r.ok) return `qemu-aarch64: ${r.error}`;
  const sizes = new Map<number, number>();
  let total = 0;
  let inside = false;
  let done = false;
  let tb = -1;
  const text = fs.readFileSync(logFile, 'utf8');
  fs.rmSync(logFile, { force: true });
  for (const line of text.split('\n')) {
    if (line.startsWith('IN:')) { tb = -1; continue; }
    const insn = /^0x([0-9a-f]+):\s/.exec(line);
    if (insn) {
      if (tb < 0) { tb = parseInt(insn[1], 16); sizes.set(tb, 0); }
      sizes.set(tb, sizes.get(tb)! + 1);
      continue;
    }
    const ex = /^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//.exec(line);
    if (!ex || done) continue;
    const pc = parseInt(ex[1], 16);
    if (!inside) {
      if (pc === f[0]) inside = true; else continue;
    } else if (pc >= c[0] && pc < c[1]) {
      done = true;
      continue;
    }
    const n = sizes.get(pc);
    if (n === undefined) return `no translation logged for block 0x${pc.toString(16)}`;
    total += n;
  }
  return done ? total : `${fn} did not return to ${caller}`;
}

interface Timing { nsPerRun: number; frames: number; perRound: number[] }
/**
 * Times programs in turns: one round of each, then the next round, so that the ratio of two
 * of them (ratioInTurns: the median of their per-round ratios) compares the same moments of
 * this machine, whose speed drifts from one second to the next. Each program's `inner` (runs
 * per round) is chosen from a short probe so that its round takes about 2 ms.
 */
function timeInTurns(progs: Array<[string, string[]]>, rounds: number): Array<Timing | string> {
  const inners: Array<number | string> = progs.map(([exe, args]) => {
    const probe = exec(exe, [args[0], '3', '1', ...args.slice(1)]);
    if (!probe.ok) return firstLine(probe.stdout) || probe.error;
    const first = parse(probe.stdout);
    if (typeof first === 'string') return first;
    const est = Math.max(1, median(first.ns.slice(1)));
    return Math.max(1, Math.min(100_000, Math.round(2_000_000 / est)));
  });
  const perRound: number[][] = progs.map(() => []);
  const frames: number[] = progs.map(() => 0);
  const errors: Array<string | undefined> = inners.map((i) => (typeof i === 'string' ? i : undefined));
  for (let r = 0; r < rounds; r++) {
    progs.forEach(([exe, args], i) => {
      const inner = inners[i];
      if (typeof inner === 'string' || errors[i] !== undefined) return;
      const run = exec(exe, [args[0], '1', String(inner), ...args.slice(1)]);
      const p = run.ok ? parse(run.stdout) : run.error;
      if (typeof p === 'string') { errors[i] = p; return; }
      perRound[i].push(p.ns[0] / inner);
      frames[i] = p.frames;
    });
  }
  return progs.map((_, i) => errors[i] ?? { nsPerRun: median(perRound[i]), frames: frames[i], perRound: perRound[i] });
}

/** a's time over b's, for two programs timed in turns (roundRatio). */
function ratioInTurns(a: Timing | string, b: Timing | string): number {
  if (typeof a === 'string' || typeof b === 'string') return NaN;
  return roundRatio(a.perRound, b.perRound);
}

/** The table frames workload k allocates (one run of the subset engine). */
function framesOf(exe: string, k: number): number | string {
  const r = exec(exe, [String(k), '1', '1']);
  const p = r.ok ? parse(r.stdout) : r.error;
  return typeof p === 'string' ? p : p.frames;
}

function parse(out: string): { ns: number[]; frames: number } | string {
  const ns = /^ns((?: \d+)+)$/m.exec(out);
  const fr = /^frames (\d+)$/m.exec(out);
  if (!ns || !fr) return `unexpected output: ${firstLine(out)}`;
  return { ns: ns[1].trim().split(' ').map(Number), frames: Number(fr[1]) };
}

const fmtN = (n: number | string) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');
const fmtT = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

const SINGLE_OPS = 1000;

export async function runPagingBench(opts: PagingBenchOptions = {}): Promise<string> {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const rounds = Math.max(3, opts.runs ?? (opts.quick ? 5 : 11));
  const root = repoRoot();
  const dir = path.join(root, 'bench', 'paging');
  const missing = [CLANG, 'valgrind'].filter((c) => !haveCommand(c));
  if (missing.length) return `Paging benchmark skipped: ${missing.join(', ')} not installed (npm run setup installs them).`;
  if (!compilerBuilt()) return 'Paging benchmark skipped: the tsboot compiler is not built (npm run setup).';
  const tmp = makeTempDir('tsboot-paging-bench-');
  try {
    const cExe = path.join(tmp, 'workloads-c');
    const wExe = path.join(tmp, 'workloads-walker');
    const tsExe = path.join(tmp, 'workloads-ts');
    const a64Exe = path.join(tmp, 'workloads-ts-aarch64');
    // Every engine with general registers only, as the loader and kernel are built (no SSE
    // or NEON stores in the leaf loops); the C drivers and glibc's memset as usual.
    log('[paging] building the C twin and the per-page C walker (clang-16 -O2 -static, engines -mgeneral-regs-only)');
    for (const [exe, src] of [[cExe, 'engine.c'], [wExe, 'walker.c']]) {
      const obj = `${exe}.o`;
      const c = exec(CLANG, ['-O2', '-mgeneral-regs-only', '-c', '-o', obj, path.join(dir, src)]);
      const l = c.ok ? exec(CLANG, ['-O2', '-static', '-o', exe, path.join(dir, 'workloads.c'), obj]) : c;
      if (!l.ok) return `Paging benchmark failed: clang (${src}): ${l.error}\n${l.stderr}`;
    }
    log('[paging] building the subset engine (tsboot -O2 --general-regs-only, x86_64-linux and aarch64-linux)');
    const [node, cli] = tsbootCommand();
    for (const [exe, target] of [[tsExe, 'x86_64-linux'], [a64Exe, 'aarch64-linux']]) {
      const t = exec(node, [cli, 'compile', path.join(dir, 'workloads.ts'), '--target', target, '-O2', '--general-regs-only', '-o', exe],
        { timeoutMs: 300_000 });
      if (!t.ok) return `Paging benchmark failed: tsboot (${target}): ${t.error}\n${t.stderr}`;
    }
    const haveA64 = haveCommand('qemu-aarch64') && haveCommand('llvm-nm-16');

    const rows: string[][] = [];
    const a64Rows: string[][] = [];
    const notes: string[] = [];
    let worstIr = 0;
    let worstHhdm = 0;
    let worstA64Hhdm = 0;
    let zeroVsMemset = NaN;
    let randomVsWalker = NaN;
    for (const w of WORKLOADS) {
      log(`[paging] ${w.name}`);
      const irTs = instructions(tsExe, w.k);
      const irC = instructions(cExe, w.k);
      const irW = instructions(wExe, w.k);
      const frames = framesOf(tsExe, w.k);
      if (typeof frames === 'string') {
        notes.push(`${w.name}: tsboot ${frames}`);
        continue;
      }
      const bytes = frames * 4096;
      // The engine, its C twin and memset of the same table bytes, in turns.
      const [tTs, tC, floor] = timeInTurns([[tsExe, [String(w.k)]], [cExe, [String(w.k)]], [cExe, ['99', String(bytes)]]], rounds);
      if (typeof tTs === 'string' || typeof tC === 'string') {
        notes.push(`${w.name}: ${typeof tTs === 'string' ? 'tsboot ' + tTs : 'C ' + tC}`);
        continue;
      }
      if (tTs.frames !== tC.frames) notes.push(`${w.name}: the two engines allocated different frame counts (${tTs.frames} vs ${tC.frames})`);
      const floorNs = typeof floor === 'string' ? NaN : floor.nsPerRun;
      const ratio = (a: number | string, b: number | string) => (typeof a === 'number' && typeof b === 'number' ? a / b : NaN);
      const irRatio = ratio(irTs, irC);
      if (Number.isFinite(irRatio)) worstIr = Math.max(worstIr, irRatio);
      if (w.k === 8) randomVsWalker = ratio(irTs, irW);
      const vsFloor = ratioInTurns(tTs, floor);
      if (w.hhdm && Number.isFinite(vsFloor)) worstHhdm = Math.max(worstHhdm, vsFloor);
      if (w.k === 10) zeroVsMemset = vsFloor;
      if (w.k === 10) opts.figure?.('paging.zeroing-vs-memset.x86_64', vsFloor);
      rows.push([
        w.name, fmtN(tTs.frames * 4096),
        fmtN(irTs), fmtN(irC), fmtRatio(irRatio), fmtN(irW), fmtRatio(ratio(irTs, irW)),
        fmtT(tTs.nsPerRun), fmtT(tC.nsPerRun), fmtRatio(ratioInTurns(tTs, tC)),
        fmtT(tTs.nsPerRun / tTs.frames), fmtT(floorNs / tTs.frames), fmtRatio(vsFloor),
      ]);
      if (haveA64) {
        const ir = a64Instructions(a64Exe, [String(w.k), '1', '1'], 'pw_run', 'tsboot_main', tmp);
        const ms = a64Instructions(a64Exe, ['99', '1', '1', String(bytes)], 'pw_memset', 'tsboot_main', tmp);
        const perPage = (x: number | string) => (typeof x === 'number' ? x / tTs.frames : NaN);
        if (w.k === 10 && typeof ir === 'number' && typeof ms === 'number') opts.figure?.('paging.zeroing-vs-memset.aarch64', ir / ms);
        if (w.hhdm && typeof ir === 'number' && typeof ms === 'number') worstA64Hhdm = Math.max(worstA64Hhdm, ir / ms);
        a64Rows.push([w.name, fmtN(tTs.frames * 4096), fmtN(ir), fmtN(Math.round(perPage(ir))), fmtN(Math.round(perPage(ms))),
          fmtRatio(perPage(ir) / perPage(ms))]);
      }
    }

    // The floor for tables full of leaves: the engine's leaf loop alone over 64 frames.
    log('[paging] leaf loop alone (fillEntries), against memset');
    const fillBytes = 64 * 4096;
    // How far store width alone moves a leaf table: the same leaves written by C with
    // 16-byte SSE2 and, where the CPU and OS have it, 32-byte AVX2 stores (vector stores,
    // which the loader and kernel do not use), timed in turns with the leaf loop and memset.
    const widths = process.arch === 'x64' ? [16, 32] : [];
    const [fill, fillFloor, ...vectorTimes] = timeInTurns([[tsExe, ['98', String(fillBytes)]], [cExe, ['99', String(fillBytes)]],
      ...widths.map((w): [string, string[]] => [cExe, ['97', String(fillBytes), String(w)]])], rounds);
    const fillVsMemset = ratioInTurns(fill, fillFloor);
    const fillPage = typeof fill === 'string' ? NaN : fill.nsPerRun / 64;
    opts.figure?.('paging.hhdm-vs-memset.x86_64', worstHhdm);
    opts.figure?.('paging.leaf-vs-memset.x86_64', fillVsMemset);
    const vectorFill = new Map<number, Timing | string>(widths.map((w, i) => [w, vectorTimes[i]]));
    for (const [w, t] of vectorFill) opts.figure?.(`paging.leaf-vs-memset.${w === 16 ? 'sse2' : 'avx2'}`, ratioInTurns(t, fillFloor));
    const vf = (w: number) => {
      const t = vectorFill.get(w);
      if (t === undefined) return 'not measured (not an x86_64 host)';
      if (typeof t === 'string') return `not measured (${t.replace(/^unsupported: /, '')})`;
      return `${fmtRatio(ratioInTurns(t, fillFloor))} memset's time (${fmtRatio(ratioInTurns(t, fill))} the leaf loop's)`;
    };
    if (worstA64Hhdm > 0) opts.figure?.('paging.hhdm-vs-memset.aarch64', worstA64Hhdm);
    let a64Fill = '';
    if (haveA64) {
      const f = a64Instructions(a64Exe, ['98', '1', '1', String(fillBytes)], 'pw_fill', 'tsboot_main', tmp);
      const m = a64Instructions(a64Exe, ['99', '1', '1', String(fillBytes)], 'pw_memset', 'tsboot_main', tmp);
      if (typeof f === 'number' && typeof m === 'number') {
        opts.figure?.('paging.leaf-vs-memset.aarch64', f / m);
        a64Fill = `The leaf loop alone (fillEntries, 512 leaves per frame, 64 frames): ${fmtN(Math.round(f / 64))} instructions per page, ` +
          `${fmtRatio(f / m)} the std memset's: \`dc zva\` clears 64 bytes per instruction, a leaf takes its own add and half an \`stp\`. ` +
          `With NEON a page of leaves would still take at least ${fmtN(256 + 64)} instructions (a 2-lane add per two leaves, a ` +
          `four-register \`st1\` per 64 bytes), ${fmtRatio(320 / (m / 64))} the std memset's.`;
      }
    }

    log('[paging] single 4 KiB map and unmap');
    const single: string[][] = [];
    let worstSingle = 0;
    for (const [label, fn] of [['map 4 KiB', 'pw_map1'], ['unmap 4 KiB', 'pw_unmap1']]) {
      const per = (exe: string) => {
        const n = instructions(exe, 9, fn);
        return typeof n === 'number' ? Math.round(n / SINGLE_OPS) : n;
      };
      const ts = per(tsExe);
      const c = per(cExe);
      const wk = per(wExe);
      // aarch64: the first call (its tables exist: the neighbour page was mapped before).
      const a64 = haveA64 ? a64Instructions(a64Exe, ['9', '1', '1'], fn, 'pw_run', tmp) : '—';
      if (typeof ts === 'number') worstSingle = Math.max(worstSingle, ts);
      const op = fn === 'pw_map1' ? 'map' : 'unmap';
      for (const [who, v] of [['x86_64', ts], ['walker', wk], ['aarch64', a64]] as const) if (typeof v === 'number') opts.figure?.(`paging.${op}.${who}`, v);
      single.push([label, fmtN(ts), fmtN(c), fmtN(wk), fmtRatio(typeof ts === 'number' && typeof wk === 'number' ? ts / wk : NaN), fmtN(a64)]);
    }

    opts.figure?.('paging.random-vs-walker', randomVsWalker);
    const table = mdTable(
      ['workload', 'table bytes', 'Ir tsboot', 'Ir C twin', 'vs C twin', 'Ir C walker', 'vs walker', 'time tsboot', 'time C twin', 'time ratio',
        'tsboot per table page', 'memset per page', 'vs memset'],
      rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    );
    const out = [
      '### Page-table engine: subset vs C',
      '',
      'common/paging/engine.ts compiled by tsboot -O2 --general-regs-only (x86_64-linux; no SSE, as the loader and kernel build it) ' +
        'vs two C programs (clang-16 -O2 -static, the engines -mgeneral-regs-only) on the same workload driver: ' +
        'bench/paging/engine.c (the C twin: the same algorithm) and bench/paging/walker.c (a plain per-page walker: walk from the root per page, ' +
        'allocate and memset missing tables, set one entry; no checks, no merging, unmap frees nothing). ' +
        '"Ir" = instructions inside pw_run (valgrind --tool=callgrind --toggle-collect=pw_run, one run from an empty table: construction, the mapping calls, frame allocation, table zeroing). ' +
        `Times: median of ${rounds} rounds of back-to-back runs; the programs of a row run in turns, a round of each, and a ratio is the median of the per-round ratios. "vs memset": tsboot's time per table frame over glibc memset of the same bytes, one 4 KiB frame per call (the floor). ` +
        'Frames come from a bump allocator over a static buffer, so page faults are not part of the numbers.',
      '',
      table,
      '',
      `Worst instruction ratio tsboot/C twin: ${fmtRatio(worstIr)} (goal ≤ 1.00×). 10,000 random operations vs the per-page walker: ${fmtRatio(randomVsWalker)} (goal ≤ 1.00×). ` +
        `Table zeroing over the memset floor: ${fmtRatio(zeroVsMemset)} (goal ≤ 1.5×). ` +
        `Worst HHDM time over the memset floor: ${fmtRatio(worstHhdm)} (most of those tables are written with leaves, not zeros). ` +
        `The leaf loop alone (fillEntries: 512 2 MiB leaves per frame, 64 frames, one frame per call) takes ${fmtT(fillPage)} per page, ` +
        `${fmtRatio(fillVsMemset)} memset's time: eight-byte stores without vector registers, where memset writes wider. ` +
        `The same leaves written by C with vector stores (bench/paging/workloads.c, mode 97), which the loader and kernel do not use: ` +
        `16-byte SSE2 stores ${vf(16)}, 32-byte AVX2 stores ${vf(32)}. ` +
        'Table zeroing is `rep stosb`, which valgrind executes one byte at a time: callgrind counts 4,096 instructions per zeroed ' +
        'table page (one on the CPU), so the Ir of the small cases is mostly zeroing; their time is the measure.',
      '',
      `#### Single 4 KiB operations (instructions per call, ${SINGLE_OPS.toLocaleString('en-US')} calls; the tables exist and stay)`,
      '',
      mdTable(['operation', 'tsboot', 'C twin', 'C walker', 'tsboot vs walker', 'tsboot aarch64'], single, ['l', 'r', 'r', 'r', 'r', 'r']),
      '',
      `Worst: ${fmtN(worstSingle)} instructions (goal ≤ 150). The engine checks its arguments, keeps the tables canonical and records the TLB work; ` +
        'the walker does none of that.',
    ];
    if (haveA64) {
      out.push('', '#### aarch64 (qemu-aarch64 instruction counts)', '',
        'The subset engine built for aarch64-linux (--general-regs-only: no NEON, as in the loader and kernel), instructions from entering pw_run (or pw_memset, the std memset of the same table bytes, one 4 KiB frame per call) ' +
          'until the return, counted from QEMU\'s translation-block log (`qemu-aarch64 -d in_asm,exec,nochain`; exact and repeatable).',
        '',
        mdTable(['workload', 'table bytes', 'Ir tsboot', 'per table page', 'memset per page', 'vs memset'], a64Rows, ['l', 'r', 'r', 'r', 'r', 'r']));
      if (a64Fill) out.push('', a64Fill);
    }
    out.push(...notes.map((n) => `- ${n}`));
    return out.join('\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: node build/js/bench/paging.js [--quick]\n' +
      'Benchmarks the subset page-table engine against its C transcription (instructions with callgrind, time, memset floor)\n' +
      'and prints a markdown table. Needs clang-16, valgrind and the built tsboot compiler.\n');
    process.exit(0);
  }
  runPagingBench({ quick: args.includes('--quick') }).then((md) => {
    process.stdout.write(md + '\n');
  }, (e: Error) => {
    process.stderr.write(`paging benchmark: ${e.message}\n`);
    process.exit(1);
  });
}
