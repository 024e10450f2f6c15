// Compile-time benchmark: how long tsboot takes for each benchmark module and for a
// generated 1,000-line module, split into tsboot's own part (parse, check, lower, emit
// LLVM IR) and clang's part (optimise, code generation, link).
//
// Measurement: a fresh `tsboot compile --timings` process per compile (a cold start, as a
// user sees it); the driver prints the time of each stage, and "frontend" (parse, check,
// lower, emit IR) is tsboot's own time. With a CLI that has no --timings, the wall time of
// an `--emit ll` run stands in for tsboot's part and the rest of a full compile for
// clang's. Median of --runs runs each.
//
// Also a CLI: `node build/js/bench/compile-time.js [--runs N] [--lines N] [--print]`
// (--print writes the generated module to stdout and exits).
import * as fs from 'fs';
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

// ---- measuring -------------------------------------------------------------------------

interface ModuleTimes {
  name: string;
  lines: number;
  /** Per stage (as the driver names them), one entry per run. */
  stages: Map<string, number[]>;
  /** Wall time of the whole CLI process, per run. */
  wall: number[];
  /** tsboot's own CPU time (parse to IR), per run; empty when not measurable. */
  cpu: number[];
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

/**
 * tsboot's own CPU time (user + system) for one module, in a fresh process: the driver's
 * `compile()` with `emit: 'll'` (no clang) between two `process.cpuUsage()` readings.
 * Unlike wall time, this barely changes when other work shares the machine. Returns NaN
 * when the driver's API is not what this expects.
 */
function frontendCpuMs(node: string, file: string, out: string): number {
  const driver = path.join(repoRoot(), 'build', 'js', 'toolchain', 'src', 'driver.js');
  const script =
    `const d = require(${JSON.stringify(driver)});` +
    `const c0 = process.cpuUsage();` +
    `d.compile({ entry: ${JSON.stringify(file)}, target: 'x86_64-linux', output: ${JSON.stringify(out)}, emit: 'll', optLevel: 2 }).then((r) => {` +
    `const c = process.cpuUsage(c0);` +
    `process.stdout.write(JSON.stringify({ ok: r.ok, cpu: (c.user + c.system) / 1000 })); });`;
  const r = exec(node, ['-e', script], { timeoutMs: 300_000 });
  try {
    const j = JSON.parse(r.stdout) as { ok: boolean; cpu: number };
    return j.ok ? j.cpu : NaN;
  } catch {
    return NaN;
  }
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
    const results: ModuleTimes[] = modules.map((m) => ({ name: m.name, lines: countLines(m.file), stages: new Map(), wall: [], cpu: [] }));
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
          for (const [k, v] of t) push(res.stages, k, v);
          res.wall.push(r.wallNs / 1e6);
          const cpu = frontendCpuMs(node, m.file, path.join(dir, 'out.ll'));
          if (Number.isFinite(cpu)) res.cpu.push(cpu);
          log(`[compile ${run + 1}/${opts.runs}] ${m.name}: tsboot ${fmt(t.get('frontend')!)}, clang ${fmt(t.get('clang') ?? NaN)}, process ${fmt(r.wallNs / 1e6)}`);
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
    const header = ['module', 'lines', ...stageNames.map(label), ...(haveCpu ? ['tsboot CPU'] : []), 'process (wall)'];
    const rows = results.map((r) => {
      const cpu = haveCpu ? [r.cpu.length ? fmt(median(r.cpu)) : '—'] : [];
      if (r.error) return [r.name, String(r.lines), ...stageNames.map(() => '—'), ...cpu, 'failed'];
      return [r.name, String(r.lines), ...stageNames.map((k) => fmt(median(r.stages.get(k) ?? []))), ...cpu, fmt(median(r.wall))];
    });
    const gen = results[results.length - 1];
    const genOurs = gen.error ? NaN : median(gen.stages.get('frontend') ?? []);
    const genBest = gen.error ? NaN : Math.min(...(gen.stages.get('frontend') ?? []));
    const genCpu = gen.error || gen.cpu.length === 0 ? NaN : median(gen.cpu);
    const boot = median(startup);
    opts.figure?.('frontend.wall', genOurs);
    opts.figure?.('frontend.cpu', genCpu);
    const how = hasTimings
      ? 'Stage times as the compiler reports them (`tsboot compile -O2 --target x86_64-linux --timings`, a fresh process per ' +
        'compile, so a cold start): "tsboot total" is parse + check + lower + emit IR, i.e. the compiler\'s own work; "clang" is ' +
        'clang-16 optimising and generating code; "link" is ld.lld; "tsboot CPU" is the user + system CPU time of the same ' +
        "work (the driver's `compile()` with `emit: 'll'` in a fresh process), which other load on the machine hardly changes. " +
        '"process (wall)" also includes starting Node and loading ' +
        `the compiler (\`tsboot --help\` alone: ${fmt(boot)}).`
      : '"tsboot total" = wall time of `tsboot compile -O2 --target x86_64-linux --emit ll` (no clang), including starting Node ' +
        `(\`tsboot --help\` alone: ${fmt(boot)}); "clang + link" = a full compile minus that.`;
    const lines = [
      '### Compile time',
      '',
      `Median of ${opts.runs} run(s). ${how} Goal: tsboot's own time for the generated ${genLines}-line module under ${GOAL_MS} ms ` +
        (Number.isFinite(genOurs)
          ? `(measured: wall median ${fmt(genOurs)}, best ${fmt(genBest)}` +
            (Number.isFinite(genCpu) ? `; CPU median ${fmt(genCpu)}` : '') +
            `: ${genOurs < GOAL_MS ? 'met' : genCpu < GOAL_MS ? 'met in CPU time; the wall time is inflated by other load on the machine' : genBest < GOAL_MS ? 'met only by the best run' : 'NOT met'}).`
          : '(not measured: it failed to compile).'),
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
