// Compile-time benchmark: how long tsboot takes for each benchmark module and for a
// generated 1,000-line module, split into tsboot's own part (parse, check, lower, emit
// LLVM IR) and clang's part (optimise, code generation, link).
//
// Measurement: a fresh `tsboot compile --timings` process per compile (a cold start, as a
// user sees it: bin/tsboot.js, its worker thread, the start-up of toolchain/src/startup.ts);
// the driver prints the time of each stage, "frontend" (parse, check, lower, emit IR) is
// tsboot's own time, "frontend cpu" the CPU time of that part of the same process and
// "process cpu" the process's CPU time in all (not clang's or lld's, which are processes of
// their own). With a CLI that has no --timings, the wall time of an `--emit ll` run stands
// in for tsboot's part and the rest of a full compile for clang's. Median of --runs runs each.
//
// Also a CLI: `node build/js/bench/compile-time.js [--runs N] [--lines N] [--print]`
// (--print writes the generated module to stdout and exits).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { generateModule } from './generated-module';
import { FigureSink, compilerBuilt, exec, firstLine, log as defaultLog, makeTempDir, mdTable, median, repoRoot, tsbootCommand } from './bench-util';

export interface CompileTimeOptions {
  quick: boolean;
  runs: number;
  log?: (m: string) => void;
  /** Benchmark programs to include (default all); the generated module is always included. */
  programs?: string[];
  /** Lines of the generated module (default 1000). */
  lines?: number;
  /** Only the generated module (the headline figures), none of the benchmark programs. */
  generatedOnly?: boolean;
  /** Receives frontend.wall and frontend.cpu (ms): the generated module's medians. */
  figure?: FigureSink;
}

const GOAL_MS = 300;

/** The timings `tsboot compile --timings` prints that are CPU times, not stages. */
const CPU_TIMINGS = ['frontend cpu', 'process cpu'];

// ---- measuring -------------------------------------------------------------------------

interface ModuleTimes {
  name: string;
  lines: number;
  /** Per stage (as the driver names them), one entry per run. */
  stages: Map<string, number[]>;
  /** Wall time of the whole CLI process, per run. */
  wall: number[];
  /** tsboot's own CPU time (parse to IR), per run; empty when the CLI does not print it. */
  cpu: number[];
  /** CPU time of the whole `tsboot compile` process (clang and lld not included), per run. */
  processCpu: number[];
  error?: string;
}

function countLines(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').length - 1;
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : '—';
}

/** `stage: 12.3 ms` lines, as `tsboot compile --timings` prints them on stderr. */
function parseTimings(stderr: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of stderr.split('\n')) {
    const x = /^([A-Za-z][\w -]*):\s*([\d.]+)\s*ms\s*$/.exec(line.trim());
    if (x) m.set(x[1], Number(x[2]));
  }
  return m;
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

export async function runCompileTimeBench(opts: CompileTimeOptions): Promise<string> {
  const log = opts.log ?? defaultLog;
  const root = repoRoot();
  if (!compilerBuilt()) {
    log('[compile] the compiler is not built yet; skipping compile times');
    return '### Compile time\n\nNot measured: the compiler is not built yet (`npm run setup`).';
  }
  const loadAtStart = os.loadavg()[0];
  const dir = makeTempDir('tsboot-compile-time-');
  try {
    const genLines = opts.lines ?? 1000;
    const generated = path.join(dir, `generated${genLines}.ts`);
    fs.writeFileSync(generated, generateModule(genLines));
    const benchDir = path.join(root, 'bench', 'subset');
    const modules = fs
      .readdirSync(benchDir)
      .filter((f) => f.endsWith('.ts') && f !== 'lib.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((n) => !opts.generatedOnly && (!opts.programs?.length || opts.programs.includes(n)))
      .sort()
      .map((n) => ({ name: `${n}.ts`, file: path.join(benchDir, `${n}.ts`) }));
    modules.push({ name: `generated (${genLines} lines)`, file: generated });

    const [node, cli] = tsbootCommand();
    // The driver reports its own stage times with --timings (parse, check, lower,
    // frontend = all of tsboot's own work, clang, link). Without it (an older CLI), tsboot's
    // part is the wall time of an `--emit ll` run and clang's the rest of a full compile.
    const help = exec(node, [cli, 'compile', '--help'], { timeoutMs: 60_000 });
    const hasTimings = /--timings/.test(help.stdout + help.stderr);
    const startup: number[] = [];
    const results: ModuleTimes[] = modules.map((m) => ({
      name: m.name, lines: countLines(m.file), stages: new Map(), wall: [], cpu: [], processCpu: [],
    }));
    const base = (file: string, out: string) => [cli, 'compile', file, '--target', 'x86_64-linux', '-O2', '-o', out];
    for (let run = 0; run < opts.runs; run++) {
      const s = exec(node, [cli, '--help'], { timeoutMs: 60_000 });
      if (s.ok) startup.push(s.wallNs / 1e6);
      modules.forEach((m, i) => {
        const res = results[i];
        if (res.error) return;
        const exe = path.join(dir, 'out.exe');
        if (hasTimings) {
          const r = exec(node, [...base(m.file, exe), '--timings'], { timeoutMs: 300_000 });
          const t = parseTimings(r.stderr);
          if (!r.ok || !t.has('frontend')) {
            res.error = `compile failed: ${firstLine(r.stderr) || r.error || 'no timings printed'}`;
            log(`[compile] ${m.name}: ${res.error}`);
            return;
          }
          // The CPU times are columns of their own; the rest are the stages' wall times.
          for (const [k, v] of t) if (!CPU_TIMINGS.includes(k)) push(res.stages, k, v);
          if (t.has('frontend cpu')) res.cpu.push(t.get('frontend cpu')!);
          if (t.has('process cpu')) res.processCpu.push(t.get('process cpu')!);
          res.wall.push(r.wallNs / 1e6);
          log(`[compile ${run + 1}/${opts.runs}] ${m.name}: tsboot ${fmt(t.get('frontend')!)} ` +
            `(CPU ${fmt(t.get('frontend cpu') ?? NaN)}), clang ${fmt(t.get('clang') ?? NaN)}, ` +
            `process ${fmt(r.wallNs / 1e6)}`);
        } else {
          const ll = exec(node, [...base(m.file, path.join(dir, 'out.ll')), '--emit', 'll'], { timeoutMs: 300_000 });
          const full = ll.ok ? exec(node, base(m.file, exe), { timeoutMs: 300_000 }) : ll;
          if (!ll.ok || !full.ok) {
            res.error = `compile failed: ${firstLine(full.stderr) || full.error}`;
            log(`[compile] ${m.name}: ${res.error}`);
            return;
          }
          push(res.stages, 'frontend', ll.wallNs / 1e6);
          push(res.stages, 'clang + link', Math.max(0, (full.wallNs - ll.wallNs) / 1e6));
          res.wall.push(full.wallNs / 1e6);
          log(`[compile ${run + 1}/${opts.runs}] ${m.name}: tsboot ${fmt(ll.wallNs / 1e6)}, full ${fmt(full.wallNs / 1e6)}`);
        }
      });
    }

    // Columns: the driver's stages in the order it printed them, `frontend` shown as "tsboot".
    const stageNames: string[] = [];
    for (const r of results) for (const k of r.stages.keys()) if (!stageNames.includes(k)) stageNames.push(k);
    const label = (k: string) => (k === 'frontend' ? '**tsboot total**' : k);
    const haveCpu = results.some((r) => r.cpu.length > 0);
    const haveProcessCpu = results.some((r) => r.processCpu.length > 0);
    const header = ['module', 'lines', ...stageNames.map(label), ...(haveCpu ? ['**tsboot CPU**'] : []),
      ...(haveProcessCpu ? ['process CPU'] : []), 'process (wall)'];
    const rows = results.map((r) => {
      const cpu = haveCpu ? [r.cpu.length ? fmt(median(r.cpu)) : '—'] : [];
      const pcpu = haveProcessCpu ? [r.processCpu.length ? fmt(median(r.processCpu)) : '—'] : [];
      if (r.error) return [r.name, String(r.lines), ...stageNames.map(() => '—'), ...cpu, ...pcpu, 'failed'];
      return [r.name, String(r.lines), ...stageNames.map((k) => fmt(median(r.stages.get(k) ?? []))), ...cpu, ...pcpu,
        fmt(median(r.wall))];
    });
    const gen = results[results.length - 1];
    const genOurs = gen.error ? NaN : median(gen.stages.get('frontend') ?? []);
    const genBest = gen.error ? NaN : Math.min(...(gen.stages.get('frontend') ?? []));
    const genCpu = gen.error || gen.cpu.length === 0 ? NaN : median(gen.cpu);
    const boot = median(startup);
    opts.figure?.('frontend.wall', genOurs);
    opts.figure?.('frontend.cpu', genCpu);
    const how = hasTimings
      ? 'Stage times as the compiler reports them (`tsboot compile -O2 --target x86_64-linux --timings`, a fresh ' +
        'process per compile, so a cold start, started as every `tsboot` process is: V8 flags for a one-shot run and ' +
        'the TypeScript library from its code cache, toolchain/src/startup.ts): "tsboot total" is the wall time of ' +
        'parse + check + lower + emit IR, i.e. the compiler\'s own work; "clang" is clang-16 optimising and ' +
        'generating code; "link" is ld.lld; "tsboot CPU" is the user + system CPU time of the same process over the ' +
        'same work (all its threads), which other load on the machine changes much less than wall time; "process ' +
        'CPU" is the CPU time of the whole process, which adds starting Node, the worker thread and loading the ' +
        'compiler (clang and lld are processes of their own and not in it). "process (wall)" is the whole compile ' +
        `as the user waits for it, clang and link included (\`tsboot --help\` alone: ${fmt(boot)}).`
      : '"tsboot total" = wall time of `tsboot compile -O2 --target x86_64-linux --emit ll` (no clang), including starting Node ' +
        `(\`tsboot --help\` alone: ${fmt(boot)}); "clang + link" = a full compile minus that.`;
    // The goal is the front end's CPU time (parse to IR; not starting Node or loading the
    // compiler): unlike wall time, it does not depend on what else the machine runs.
    const measured = Number.isFinite(genCpu)
      ? `(measured: CPU median ${fmt(genCpu)}: ${genCpu <= GOAL_MS ? 'met' : 'NOT met'}; wall median ${fmt(genOurs)}, ` +
        `best ${fmt(genBest)})`
      : Number.isFinite(genOurs)
        ? `(not measured: this CLI does not report its CPU time; wall median ${fmt(genOurs)}, best ${fmt(genBest)})`
        : '(not measured: it failed to compile)';
    const lineFlag = genLines === 1000 ? '' : ` --lines ${genLines}`;
    const command = `node build/js/bench/compile-time.js --runs ${opts.runs}${lineFlag}`;
    const lines = [
      '### Compile time',
      '',
      `\`${command}\` (median of ${opts.runs}; ${os.availableParallelism()} CPUs, load average ` +
        `${loadAtStart.toFixed(2)} at the start). ${how} Goal: the front end (parse, check, lower, emit IR) of the ` +
        `generated ${genLines}-line module in at most ${GOAL_MS} ms of CPU time ${measured}.`,
      '',
      mdTable(header, rows, header.map((_, i) => (i === 0 ? 'l' : 'r'))),
    ];
    const failed = results.filter((r) => r.error);
    if (failed.length) lines.push('', ...failed.map((r) => `- ${r.name}: ${r.error}`));
    return lines.join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function cliMain(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('node build/js/bench/compile-time.js')
    .usage('$0 [options]\n\nMeasures tsboot compile times of the benchmark modules and of a generated module; prints a markdown table.')
    .option('runs', { type: 'number', default: 3, describe: 'runs per module (median reported)' })
    .option('lines', { type: 'number', default: 1000, describe: 'lines of the generated module' })
    .option('print', { type: 'boolean', default: false, describe: 'print the generated module and exit' })
    .strict()
    .help()
    .version(false)
    .parse();
  if (args.print) {
    process.stdout.write(generateModule(args.lines));
    return 0;
  }
  process.stdout.write((await runCompileTimeBench({ quick: false, runs: args.runs, lines: args.lines })) + '\n');
  return 0;
}

if (require.main === module) {
  cliMain(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`compile-time: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
