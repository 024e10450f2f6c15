// `npm run bench`: the benchmark report (not a test). Runs the programs of bench/subset/
// compiled by tsboot -O2 against the same programs in C (bench/c/, clang-16 -O2 -static),
// plain JavaScript under Node (bench/js/) and porffor's native output of that JavaScript,
// all on this machine in the same run; adds compile times (bench/compile-time.ts), the
// build time of the boot artifacts (bench/build-time.ts), the loader's phase times in
// QEMU (bench/loader-time.ts) and, when bench/paging.ts exists, its paging benchmark. Prints a markdown report on stdout
// (progress on stderr); --write puts it into README.md and docs/benchmarks.md between
// <!-- bench:begin --> and <!-- bench:end -->, and refreshes the figures the docs mark with
// <!--fig:ID--> (scripts/docs/figures.ts): the benchmarks' own from this run, the others
// (image sizes, boot times) as `npm run docs:check -- --write` measures them.
//
// How time is measured (the same for every peer): each program reads CLOCK_MONOTONIC just
// before and after its kernel loop and prints the difference (`ns <n>`), after a
// `checksum <words>` line. C reads the clock through libc, tsboot through a raw
// clock_gettime system call in inline assembly (bench/subset/lib.ts), JS through
// performance.now(). Process start, data generation and (for Node) parsing are outside
// the timed region; Node's JIT warm-up is inside it. Every program is run --runs times,
// interleaved (round 1 of every program and peer, then round 2, ...), and the median is
// reported. A checksum that differs from the C version's marks the peer WRONG: it is
// listed as such and never timed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  CLANG,
  FigureSink,
  callgrindInstructions,
  compilerBuilt,
  exec,
  firstLine,
  fmtCount,
  fmtMs,
  fmtRatio,
  geomean,
  haveCommand,
  log,
  machineFacts,
  makeTempDir,
  mdTable,
  median,
  parseBenchOutput,
  porfforVersion,
  replaceMarkedSection,
  repoRoot,
  roundRatio,
  tsbootCommand,
} from './bench-util';
import { runBuildTimeBench } from './build-time';
import { runLoaderTimeBench } from './loader-time';
import { runCompileTimeBench } from './compile-time';
import { loadPerCpu, measureAndWrite } from '../scripts/docs-check';
import { BENCH_SOURCES, figureSpec, SourceName, SourceResult } from '../scripts/docs/registry';

const SUITES = ['runtime', 'node', 'porffor', 'compile', 'build', 'loader', 'paging'] as const;
type Suite = (typeof SUITES)[number];

/** One benchmark program, present as bench/subset/<name>.ts, bench/c/<name>.c and bench/js/<name>.js. */
interface ProgramSpec {
  name: string;
  /** Default arguments (each run ~0.1-0.5 s natively) and --quick ones. */
  full: number[];
  quick: number[];
  /** What the arguments mean, for the table. */
  work: (args: number[]) => string;
  /**
   * Instruction counts are taken as Ir(irB) - Ir(irA): the instructions of the extra
   * kernel work only, without process start-up and data generation.
   */
  irA: number[];
  irB: number[];
  irWork: string;
}

const PROGRAMS: ProgramSpec[] = [
  { name: 'crc32', full: [4, 16], quick: [1, 16], work: (a) => `CRC-32 of ${a[0] * a[1]} MiB`, irA: [1, 1], irB: [1, 2], irWork: '1 MiB' },
  { name: 'sha256', full: [4, 8], quick: [1, 8], work: (a) => `SHA-256 of ${a[0] * a[1]} MiB`, irA: [1, 1], irB: [1, 2], irWork: '1 MiB' },
  { name: 'xorshift', full: [100], quick: [25], work: (a) => `${a[0]} M xorshift64 steps`, irA: [1], irB: [2], irWork: '1 M steps' },
  { name: 'sieve', full: [8, 4], quick: [2, 4], work: (a) => `${a[1]} × sieve to ${a[0]} M`, irA: [1, 1], irB: [1, 2], irWork: '1 sieve to 1 M' },
  { name: 'sort', full: [1024, 3], quick: [256, 3], work: (a) => `${a[1]} × quicksort of ${a[0]} Ki u32`, irA: [64, 1], irB: [64, 2], irWork: '1 sort of 64 Ki' },
  { name: 'memops', full: [3000], quick: [750], work: (a) => `${a[0]} × memset+memcpy 1 MiB`, irA: [10], irB: [20], irWork: '10 rounds' },
];

type ImplName = 'c' | 'tsboot' | 'node' | 'porffor';
const IMPL_LABEL: Record<ImplName, string> = { c: 'C', tsboot: 'tsboot', node: 'Node', porffor: 'porffor' };

/** A runnable build of one program by one peer, or why there is none. */
interface Impl {
  impl: ImplName;
  cmd?: string;
  args?: string[];
  /** Set when it could not be built or gave a wrong answer; it is then not run (again). */
  error?: string;
  wrong?: boolean;
  checksum?: string;
  /** Kernel times in ns; byRound[r] is round r's (undefined when that round did not run). */
  times: number[];
  byRound: (number | undefined)[];
}

interface Options {
  quick: boolean;
  runs: number;
  only: Suite[];
  programs: string[];
  valgrind: boolean;
  write: boolean;
  keep: boolean;
}

const ROOT = repoRoot();
const PORFFOR_CLI = path.join(ROOT, 'node_modules', 'porffor', 'runtime', 'index.js');

function buildC(p: ProgramSpec, dir: string): Impl {
  const out = path.join(dir, `${p.name}.c.exe`);
  log(`[build] C ${p.name}: ${CLANG} -O2 -static`);
  const r = exec(CLANG, ['-O2', '-static', '-o', out, path.join(ROOT, 'bench', 'c', `${p.name}.c`)]);
  if (!r.ok) return { impl: 'c', error: `clang failed: ${r.error}`, times: [], byRound: [] };
  return { impl: 'c', cmd: out, args: [], times: [], byRound: [] };
}

function buildTsboot(p: ProgramSpec, dir: string): Impl {
  if (!compilerBuilt()) return { impl: 'tsboot', error: 'the compiler is not built yet (npm run setup)', times: [], byRound: [] };
  const out = path.join(dir, `${p.name}.tsboot.exe`);
  log(`[build] tsboot ${p.name}: tsboot compile -O2 --target x86_64-linux`);
  const [node, cli] = tsbootCommand();
  const r = exec(node, [cli, 'compile', path.join(ROOT, 'bench', 'subset', `${p.name}.ts`), '--target', 'x86_64-linux', '-O2', '-o', out], { timeoutMs: 300_000 });
  if (!r.ok || !fs.existsSync(out)) return { impl: 'tsboot', error: `compile failed: ${firstLine(r.stderr) || r.error || 'no output file'}`, times: [], byRound: [] };
  return { impl: 'tsboot', cmd: out, args: [], times: [], byRound: [] };
}

function nodeImpl(p: ProgramSpec): Impl {
  return { impl: 'node', cmd: process.execPath, args: [path.join(ROOT, 'bench', 'js', `${p.name}.js`)], times: [], byRound: [] };
}

/**
 * porffor's native programs get no command line, so the arguments are written into a copy
 * of the JS file (its `const ARGS = ...` line). `--allocator-chunks=512` lets porffor's
 * bump allocator hand out the multi-MiB typed arrays (its default chunk is 1 MiB and a
 * larger allocation overruns it); porffor then compiles its C with clang-16 at its own
 * default -O3.
 */
function buildPorffor(p: ProgramSpec, dir: string, args: number[]): Impl {
  if (!fs.existsSync(PORFFOR_CLI)) return { impl: 'porffor', error: 'porffor is not installed (npm ci)', times: [], byRound: [] };
  const src = fs.readFileSync(path.join(ROOT, 'bench', 'js', `${p.name}.js`), 'utf8');
  const baked = src.replace(/^const ARGS = .*$/m, `const ARGS = [${args.join(', ')}];`);
  if (baked === src) return { impl: 'porffor', error: `bench/js/${p.name}.js has no \`const ARGS = ...\` line`, times: [], byRound: [] };
  const js = path.join(dir, `${p.name}.porffor.js`);
  const out = path.join(dir, `${p.name}.porffor.exe`);
  fs.writeFileSync(js, baked);
  log(`[build] porffor ${p.name}: porf native --compiler=${CLANG}`);
  const r = exec(process.execPath, [PORFFOR_CLI, 'native', `--compiler=${CLANG}`, '--allocator-chunks=512', js, out], { cwd: dir, timeoutMs: 300_000 });
  if (!r.ok || !fs.existsSync(out)) {
    const why = r.stderr.split('\n').find((l) => /error/i.test(l))?.trim() || r.error || 'no output file';
    return { impl: 'porffor', error: `porffor failed to compile: ${why}`, times: [], byRound: [] };
  }
  return { impl: 'porffor', cmd: out, args: [], times: [], byRound: [] };
}

interface ProgramResult {
  spec: ProgramSpec;
  args: number[];
  impls: Partial<Record<ImplName, Impl>>;
  /** The C version's checksum, which every other peer must reproduce. */
  reference?: string;
  ir: Partial<Record<'c' | 'tsboot', number | string>>;
}

/** One timed run; records the time or marks the peer wrong/failed. */
function runOnce(res: ProgramResult, im: Impl, round: number, runs: number): void {
  if (!im.cmd || im.error) return;
  // Generous limit: porffor's output or an unoptimised build can be far slower than C.
  const r = exec(im.cmd, [...(im.args ?? []), ...(im.impl === 'porffor' ? [] : res.args.map(String))], { timeoutMs: 180_000 });
  const tag = `[run ${round + 1}/${runs}] ${res.spec.name} ${IMPL_LABEL[im.impl]}`;
  if (!r.ok) {
    im.error = r.error;
    log(`${tag}: failed (${r.error})`);
    return;
  }
  const out = parseBenchOutput(r.stdout);
  if (typeof out === 'string') {
    im.error = out;
    log(`${tag}: ${out}`);
    return;
  }
  if (im.impl === 'c' && res.reference === undefined) res.reference = out.checksum;
  const want = res.reference;
  if (want === undefined) {
    im.error = 'no reference checksum (the C version failed)';
    return;
  }
  if (out.checksum !== want) {
    im.wrong = true;
    im.checksum = out.checksum;
    im.error = `wrong checksum: got ${out.checksum}, want ${want}`;
    log(`${tag}: WRONG (${im.error})`);
    return;
  }
  im.times.push(out.ns);
  im.byRound[round] = out.ns;
  log(`${tag}: ${fmtMs(out.ns)}`);
}

function cell(im: Impl | undefined): string {
  if (!im) return '—';
  if (im.wrong) return 'WRONG';
  if (im.error) return 'failed';
  if (im.times.length === 0) return '—';
  return fmtMs(median(im.times));
}

function timeOf(im: Impl | undefined): number | undefined {
  if (!im || im.error || im.wrong || im.times.length === 0) return undefined;
  return median(im.times);
}

/** The time ratio a / b (roundRatio: the two peers of a pair ran next to each other in every round). */
function ratio(a: Impl | undefined, b: Impl | undefined): number {
  if (timeOf(a) === undefined || timeOf(b) === undefined) return NaN;
  return roundRatio(a!.byRound, b!.byRound);
}

/** Footnotes explaining every failed or wrong cell. */
function problems(results: ProgramResult[], impls: ImplName[]): string[] {
  const notes: string[] = [];
  for (const res of results) {
    for (const name of impls) {
      const im = res.impls[name];
      if (im?.error) notes.push(`- ${res.spec.name}, ${IMPL_LABEL[name]}: ${im.error}`);
    }
  }
  return notes;
}

async function runRuntime(opts: Options, want: Set<ImplName>): Promise<string> {
  const dir = makeTempDir('tsboot-bench-');
  const specs = PROGRAMS.filter((p) => opts.programs.length === 0 || opts.programs.includes(p.name));
  const results: ProgramResult[] = [];
  try {
    for (const spec of specs) {
      const args = opts.quick ? spec.quick : spec.full;
      const res: ProgramResult = { spec, args, impls: {}, ir: {} };
      res.impls.c = buildC(spec, dir);
      if (want.has('tsboot')) res.impls.tsboot = buildTsboot(spec, dir);
      if (want.has('node')) res.impls.node = nodeImpl(spec);
      if (want.has('porffor')) res.impls.porffor = buildPorffor(spec, dir, args);
      results.push(res);
    }

    // Interleaved rounds: every program and peer once per round. The peers compared with
    // each other run back to back (C next to tsboot, tsboot next to Node, Node next to
    // porffor), and the order reverses every other round so that neither side of a pair
    // always goes first. C runs first in round 0: its checksum is the reference.
    const order: ImplName[] = ['c', 'tsboot', 'node', 'porffor'];
    for (let round = 0; round < opts.runs; round++) {
      for (const res of results) {
        const rot = round % 2 === 0 ? order : [...order].reverse();
        for (const name of rot) {
          const im = res.impls[name];
          if (im) runOnce(res, im, round, opts.runs);
        }
      }
    }

    const valgrind = opts.valgrind && want.has('tsboot') && haveCommand('valgrind');
    if (valgrind) {
      for (const res of results) {
        for (const name of ['c', 'tsboot'] as const) {
          const im = res.impls[name];
          if (!im?.cmd || im.error) continue;
          log(`[callgrind] ${res.spec.name} ${IMPL_LABEL[name]}`);
          const a = callgrindInstructions(im.cmd, res.spec.irA.map(String));
          const b = callgrindInstructions(im.cmd, res.spec.irB.map(String));
          res.ir[name] = typeof a === 'string' ? a : typeof b === 'string' ? b : b - a;
        }
      }
    }

    return renderRuntime(results, opts, want, valgrind);
  } finally {
    if (opts.keep) log(`[bench] kept the builds in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

function renderRuntime(results: ProgramResult[], opts: Options, want: Set<ImplName>, valgrind: boolean): string {
  const parts: string[] = [];
  if (want.has('tsboot')) {
    const header = ['program', 'work', 'C (clang-16 -O2)', 'tsboot -O2', 'tsboot / C'];
    if (valgrind) header.push('instructions C', 'instructions tsboot', 'instr. tsboot / C');
    const rows: string[][] = [];
    const timeRatios: number[] = [];
    const irRatios: number[] = [];
    for (const res of results) {
      const r = ratio(res.impls.tsboot, res.impls.c);
      if (Number.isFinite(r)) timeRatios.push(r);
      const row = [res.spec.name, res.spec.work(res.args), cell(res.impls.c), cell(res.impls.tsboot), fmtRatio(r)];
      if (valgrind) {
        const ic = res.ir.c;
        const it = res.ir.tsboot;
        const ok = typeof ic === 'number' && typeof it === 'number' && Number.isFinite(r);
        const ir = ok ? (it as number) / (ic as number) : NaN;
        if (ok) irRatios.push(ir);
        row.push(typeof ic === 'number' ? fmtCount(ic) : '—', typeof it === 'number' ? fmtCount(it) : '—', fmtRatio(ir));
      }
      rows.push(row);
    }
    const gm = ['**geometric mean**', '', '', '', `**${fmtRatio(geomean(timeRatios))}**`];
    if (valgrind) gm.push('', '', `**${fmtRatio(geomean(irRatios))}**`);
    rows.push(gm);
    parts.push('### Run time: tsboot against C\n');
    parts.push(
      `Median kernel time of ${opts.runs} interleaved runs${opts.quick ? ' (--quick sizes)' : ''}; a ratio is the median of the ` +
        'per-round ratios (the two ran back to back in each round). Goal: geometric mean within 1.05× of C. ' +
        (valgrind
          ? 'Instructions: `valgrind --tool=callgrind` Ir of the kernel only (Ir of a larger run minus Ir of a smaller one: ' +
            results.map((r) => `${r.spec.name} ${r.spec.irWork}`).join(', ') +
            '); deterministic, unlike time.'
          : 'Instruction counts: not measured (valgrind missing or --no-valgrind).'),
    );
    parts.push('');
    parts.push(mdTable(header, rows, header.map((_, i) => (i < 2 ? 'l' : 'r'))));
    for (const res of results) {
      for (const name of ['c', 'tsboot'] as const) {
        const v = res.ir[name];
        if (typeof v === 'string') parts.push(`\n- callgrind, ${res.spec.name}, ${IMPL_LABEL[name]}: ${v}`);
      }
    }
  }

  const peers = (['node', 'porffor'] as const).filter((p) => want.has(p));
  if (peers.length > 0) {
    const header = ['program', 'tsboot -O2'];
    if (want.has('node')) header.push(`Node ${process.version} (plain JS)`, 'Node / tsboot');
    if (want.has('porffor')) header.push(`porffor ${porfforVersion() ?? ''} native`, 'porffor / tsboot');
    const rows: string[][] = [];
    const ratios: Record<string, number[]> = { node: [], porffor: [] };
    for (const res of results) {
      const row = [res.spec.name, cell(res.impls.tsboot)];
      for (const p of peers) {
        const r = ratio(res.impls[p], res.impls.tsboot);
        if (Number.isFinite(r)) ratios[p].push(r);
        row.push(cell(res.impls[p]), fmtRatio(r));
      }
      rows.push(row);
    }
    const gm = ['**geometric mean** (programs both got right)', ''];
    for (const p of peers) gm.push('', `**${fmtRatio(geomean(ratios[p]))}**`);
    rows.push(gm);
    parts.push(`\n### Run time: tsboot against ${peers.map((p) => IMPL_LABEL[p]).join(' and ')}\n`);
    parts.push(
      'The same programs as plain JavaScript (bench/js/)' +
        (want.has('node') ? '; Node runs them as they are' : '') +
        (want.has('porffor') ? `; porffor compiles them to C and then to a native program with ${CLANG} at its default -O3` : '') +
        ". A peer whose checksum differs from C's is WRONG and not timed; ratios above 1 mean the peer is slower than tsboot.",
    );
    parts.push('');
    parts.push(mdTable(header, rows, header.map((_, i) => (i < 1 ? 'l' : 'r'))));
  }

  const notes = problems(results, ['c', 'tsboot', 'node', 'porffor'].filter((n) => n === 'c' || want.has(n as ImplName)) as ImplName[]);
  if (notes.length > 0) {
    parts.push('\nFailed or wrong:\n');
    parts.push(notes.join('\n'));
  }
  return parts.join('\n');
}

async function runPaging(opts: Options, figure: FigureSink): Promise<string | undefined> {
  // bench/paging.ts is another benchmark's file; it is optional here.
  const file = path.join(__dirname, 'paging.js');
  if (!fs.existsSync(file)) {
    log('[paging] bench/paging.ts is not built; skipping the paging benchmark');
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(file) as { runPagingBench?: (o: { quick: boolean; runs: number; log: (m: string) => void; figure: FigureSink }) => Promise<string> };
  if (typeof mod.runPagingBench !== 'function') {
    log('[paging] bench/paging.js does not export runPagingBench; skipping');
    return undefined;
  }
  log('[paging] running the paging benchmark');
  return mod.runPagingBench({ quick: opts.quick, runs: opts.runs, log, figure });
}

function commandLine(opts: Options): string {
  const flags: string[] = [];
  if (opts.quick) flags.push('--quick');
  if (opts.only.length !== SUITES.length) flags.push(`--only ${opts.only.join(',')}`);
  if (opts.programs.length) flags.push(`--programs ${opts.programs.join(',')}`);
  return `npm run bench${flags.length ? ' -- ' + flags.join(' ') : ''}`;
}

export async function main(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('npm run bench --')
    .usage(
      '$0 [options]\n\n' +
        'Benchmarks tsboot (-O2, x86_64-linux) against C (clang-16 -O2 -static), Node and porffor on the programs ' +
        'of bench/subset (crc32, sha256, xorshift, sieve, sort, memops), measures compile times, the build time of the boot artifacts and the loader\'s time in QEMU, and runs ' +
        'bench/paging.ts when present. Prints a markdown report on stdout, progress on stderr. Every peer\'s ' +
        'checksum is checked against the C version\'s; wrong answers are reported, never timed.',
    )
    .wrap(Math.min(100, process.stdout.columns || 100))
    .option('quick', { type: 'boolean', default: false, describe: 'small sizes and 3 runs: a fast pass (~1 min)' })
    .option('runs', { type: 'number', describe: 'runs per program and peer (median reported); default 5, 3 with --quick' })
    .option('only', {
      type: 'string',
      array: true,
      describe: `suites to run, comma- or space-separated: ${SUITES.join(', ')} (default: all)`,
    })
    .option('programs', { type: 'string', array: true, describe: `programs to run (default: all): ${PROGRAMS.map((p) => p.name).join(', ')}` })
    .option('valgrind', { type: 'boolean', default: true, describe: 'instruction counts with callgrind (use --no-valgrind to skip)' })
    .option('write', { type: 'boolean', default: false, describe: 'also write the report into README.md and docs/benchmarks.md between <!-- bench:begin --> and <!-- bench:end --> (a run of every suite; with --only, the marked figures only)' })
    .option('keep', { type: 'boolean', default: false, describe: 'keep the temporary directory with the built programs' })
    .example('$0', 'the full report (about 3-5 minutes)')
    .example('$0 --quick --only runtime', 'a fast pass of tsboot against C only')
    .example('$0 --write', 'measure and update README.md and docs/benchmarks.md')
    .strict()
    .help()
    .version(false)
    .parse();

  const split = (v: (string | number)[] | undefined) => (v ?? []).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const only = split(args.only);
  for (const s of only) {
    if (!(SUITES as readonly string[]).includes(s)) throw new UserError(`unknown suite '${s}' in --only; choose from ${SUITES.join(', ')}`);
  }
  const programs = split(args.programs);
  for (const p of programs) {
    if (!PROGRAMS.some((q) => q.name === p)) throw new UserError(`unknown program '${p}' in --programs; choose from ${PROGRAMS.map((q) => q.name).join(', ')}`);
  }
  const runs = args.runs ?? (args.quick ? 3 : 5);
  if (!Number.isInteger(runs) || runs < 1) throw new UserError('--runs must be a positive integer');
  const opts: Options = {
    quick: args.quick,
    runs,
    only: only.length ? (only as Suite[]) : [...SUITES],
    programs,
    valgrind: args.valgrind,
    write: args.write,
    keep: args.keep,
  };
  if (!haveCommand(CLANG)) throw new UserError(`${CLANG} is not installed; run \`npm run setup\``);

  const started = Date.now();
  const sections: string[] = [];
  const want = new Set<ImplName>();
  if (opts.only.includes('runtime') || opts.only.includes('node') || opts.only.includes('porffor')) want.add('tsboot');
  if (opts.only.includes('node')) want.add('node');
  if (opts.only.includes('porffor')) want.add('porffor');
  const facts = machineFacts();
  const loadAtStart = loadPerCpu();
  const figures = new Map<string, number>();
  const figure: FigureSink = (id, v) => figures.set(id, v);
  if (want.size > 0) sections.push(await runRuntime(opts, want));
  if (opts.only.includes('compile')) {
    sections.push(await runCompileTimeBench({ quick: opts.quick, runs: opts.quick ? 1 : 3, log, programs: opts.programs, figure }));
  }
  if (opts.only.includes('build')) sections.push(await runBuildTimeBench({ runs: opts.quick ? 1 : 3, log, figure }));
  if (opts.only.includes('loader')) sections.push(await runLoaderTimeBench({ runs: opts.quick ? 2 : 5, log, figure }));
  if (opts.only.includes('paging')) {
    const md = await runPaging(opts, figure);
    if (md) sections.push(md.trim());
  }

  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`${commandLine(opts)}\` (${minutes} min), x86_64-linux.`,
    '',
    ...facts.map((f) => `- ${f}`),
    `- Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates times; the ratios and instruction counts are steadier)`,
    '',
    sections.join('\n\n'),
  ].join('\n');
  process.stdout.write(report + '\n');

  if (opts.write) {
    // The results section holds every suite's report under one header (date, command,
    // machine): a run of some suites would drop the others' tables, so it only rewrites the
    // marked figures below.
    const partial = opts.only.length !== SUITES.length;
    for (const rel of partial ? [] : ['README.md', path.join('docs', 'benchmarks.md')]) {
      const ok = replaceMarkedSection(path.join(ROOT, rel), '<!-- bench:begin -->', '<!-- bench:end -->', report);
      log(ok ? `[write] updated ${rel}` : `[write] ${rel} has no <!-- bench:begin --> ... <!-- bench:end --> section; left unchanged`);
    }
    if (partial) log('[write] --only: the results sections of README.md and docs/benchmarks.md are left as they are (a run of every suite rewrites them); only the marked figures are written');
    // The marked figures: this run's for the suites it ran, the rest measured now.
    const have = new Map<SourceName, SourceResult>();
    const load = Math.max(loadAtStart, loadPerCpu());
    for (const suite of opts.only) {
      const source = BENCH_SOURCES[suite];
      if (!source) continue;
      const own = [...figures].filter(([id]) => figureSpec(id)?.source === source);
      have.set(source, { figures: new Map(own), output: '', load });
    }
    const n = await measureAndWrite({ root: ROOT, tier: 'matrix', log }, have);
    log(`[write] ${n} marked figure(s) rewritten in README.md and docs/`);
  }
  return 0;
}

class UserError extends Error {}

if (require.main === module) {
  main(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof UserError) {
        process.stderr.write(`bench: ${e.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`bench: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
