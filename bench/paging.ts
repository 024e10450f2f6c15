// The paging benchmark: the subset page-table engine (common/paging/engine.ts, tsboot -O2,
// x86_64-linux) against its statement-by-statement C transcription (bench/paging/engine.c,
// clang-16 -O2 -static), on the same workload driver (bench/paging/workloads.ts / .c).
// bench/run.ts calls runPagingBench(); `node build/js/bench/paging.js` runs it alone.
//
// Per workload:
// - instructions: `valgrind --tool=callgrind --toggle-collect=pw_run` with one run: only
//   the instructions executed inside pw_run (init, the workload, the frame allocator, the
//   zeroing), not process start-up or printing;
// - time: median over rounds of `inner` back-to-back runs (CLOCK_MONOTONIC around each
//   round, divided by inner), inner chosen so that a round takes about 2 ms;
// - bytes of tables written = table frames allocated x 4096, and the time per table page
//   compared with glibc's memset of the same number of bytes (the floor: writing the same
//   bytes with nothing to compute).
import * as fs from 'fs';
import * as path from 'path';
import {
  CLANG, compilerBuilt, exec, firstLine, fmtRatio, haveCommand, makeTempDir, mdTable, median, repoRoot, tsbootCommand,
} from './bench-util';

export interface PagingBenchOptions { quick?: boolean; runs?: number; log?: (m: string) => void }

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
];

function instructions(exe: string, k: number): number | string {
  const r = exec('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--toggle-collect=pw_run', exe, String(k), '1', '1'],
    { timeoutMs: 300_000 });
  if (!r.ok) return `valgrind: ${r.error}`;
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) : `valgrind printed no count: ${firstLine(r.stderr)}`;
}

interface Timing { nsPerRun: number; frames: number }
function timing(exe: string, args: string[], rounds: number): Timing | string {
  const probe = exec(exe, [...args.slice(0, 1), '3', '1', ...args.slice(1)]);
  if (!probe.ok) return probe.error;
  const first = parse(probe.stdout);
  if (typeof first === 'string') return first;
  const est = Math.max(1, median(first.ns.slice(1)));
  const inner = Math.max(1, Math.min(100_000, Math.round(2_000_000 / est)));
  const r = exec(exe, [args[0], String(rounds), String(inner), ...args.slice(1)]);
  if (!r.ok) return r.error;
  const p = parse(r.stdout);
  if (typeof p === 'string') return p;
  return { nsPerRun: median(p.ns) / inner, frames: p.frames };
}

function parse(out: string): { ns: number[]; frames: number } | string {
  const ns = /^ns((?: \d+)+)$/m.exec(out);
  const fr = /^frames (\d+)$/m.exec(out);
  if (!ns || !fr) return `unexpected output: ${firstLine(out)}`;
  return { ns: ns[1].trim().split(' ').map(Number), frames: Number(fr[1]) };
}

const fmtN = (n: number | string) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');
const fmtT = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

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
    const tsExe = path.join(tmp, 'workloads-ts');
    log('[paging] building the C engine (clang-16 -O2 -static)');
    const c = exec(CLANG, ['-O2', '-static', '-o', cExe, path.join(dir, 'workloads.c'), path.join(dir, 'engine.c')]);
    if (!c.ok) return `Paging benchmark failed: clang: ${c.error}\n${c.stderr}`;
    log('[paging] building the subset engine (tsboot -O2, x86_64-linux)');
    const [node, cli] = tsbootCommand();
    const t = exec(node, [cli, 'compile', path.join(dir, 'workloads.ts'), '--target', 'x86_64-linux', '-O2', '-o', tsExe], { timeoutMs: 300_000 });
    if (!t.ok) return `Paging benchmark failed: tsboot: ${t.error}\n${t.stderr}`;

    const rows: string[][] = [];
    const notes: string[] = [];
    let worstIr = 0;
    let worstHhdm = 0;
    for (const w of WORKLOADS) {
      log(`[paging] ${w.name}`);
      const irTs = instructions(tsExe, w.k);
      const irC = instructions(cExe, w.k);
      const tTs = timing(tsExe, [String(w.k)], rounds);
      const tC = timing(cExe, [String(w.k)], rounds);
      if (typeof tTs === 'string' || typeof tC === 'string') {
        notes.push(`${w.name}: ${typeof tTs === 'string' ? 'tsboot ' + tTs : 'C ' + tC}`);
        continue;
      }
      if (tTs.frames !== tC.frames) notes.push(`${w.name}: the two engines allocated different frame counts (${tTs.frames} vs ${tC.frames})`);
      const bytes = tTs.frames * 4096;
      const floor = timing(cExe, ['99', String(bytes)], rounds);
      const floorNs = typeof floor === 'string' ? NaN : floor.nsPerRun;
      const irRatio = typeof irTs === 'number' && typeof irC === 'number' ? irTs / irC : NaN;
      if (Number.isFinite(irRatio)) worstIr = Math.max(worstIr, irRatio);
      const vsFloor = tTs.nsPerRun / floorNs;
      if (w.hhdm && Number.isFinite(vsFloor)) worstHhdm = Math.max(worstHhdm, vsFloor);
      rows.push([
        w.name, fmtN(tTs.frames * 4096),
        fmtN(irTs), fmtN(irC), fmtRatio(irRatio),
        fmtT(tTs.nsPerRun), fmtT(tC.nsPerRun), fmtRatio(tTs.nsPerRun / tC.nsPerRun),
        fmtT(tTs.nsPerRun / tTs.frames), fmtT(floorNs / tTs.frames), fmtRatio(vsFloor),
      ]);
    }
    const table = mdTable(
      ['workload', 'table bytes', 'Ir tsboot', 'Ir C', 'Ir ratio', 'time tsboot', 'time C', 'time ratio', 'tsboot per table page', 'memset per page', 'vs memset'],
      rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    );
    const out = [
      '### Page-table engine: subset vs C',
      '',
      'common/paging/engine.ts compiled by tsboot -O2 (x86_64-linux) vs bench/paging/engine.c (the same algorithm, clang-16 -O2 -static), same workload driver. ' +
        '"Ir" = instructions inside pw_run (valgrind --tool=callgrind --toggle-collect=pw_run, one run from an empty table: ptInit, the mapping calls, frame allocation, table zeroing). ' +
        `Times: median of ${rounds} rounds of back-to-back runs. "vs memset": tsboot's time per table frame over glibc memset of the same bytes (the floor). ` +
        'Frames come from a bump allocator over a static buffer, so page faults are not part of the numbers.',
      '',
      table,
      '',
      `Worst instruction ratio tsboot/C: ${fmtRatio(worstIr)} (goal ≤ 1.00×). Worst HHDM time over the memset floor: ${fmtRatio(worstHhdm)} (goal ≤ 1.5×; ` +
        'the small HHDM cases write 1-6 frames, where fixed per-call costs dominate).',
      ...notes.map((n) => `- ${n}`),
    ];
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
