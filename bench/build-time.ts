// Build-time benchmark: how long `npm run build -- --arch all` (scripts/build.ts) takes to
// build the four boot artifacts (BOOTX64.EFI, BOOTAA64.EFI, kernel-x86_64.elf,
// kernel-aarch64.elf) from scratch, when nothing changed, and after typical edits. A boot
// file is a stub linked around its loader, compressed: a clean build compiles six programs
// (two loaders, two stubs, two kernels) and packs two boot files.
//
// Every scenario runs on a private copy of the sources and of the compiled Node side (the
// repository's own build/ is left alone; only the last row, `npm run build` with nothing
// to do, runs in the repository, after one build that brings it up to date): a fresh `node build/js/scripts/build.js
// --arch all` process per measurement, its wall time, and its CPU time (user + system of
// the build process and of the clang and lld processes it waited for, from
// /proc/self/stat at its exit). Each edit scenario first rebuilds the unedited tree, then
// applies the edit and measures the build that follows. Median of --runs runs.
//
// Also a CLI: `node build/js/bench/build-time.js [--runs N]`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FigureSink, compilerBuilt, exec, firstLine, log as defaultLog, makeTempDir, mdTable, median, repoRoot } from './bench-util';
import { copyBuildTree } from '../scripts/build';

export interface BuildTimeOptions {
  runs: number;
  log?: (m: string) => void;
  /** Receives build.<scenario>.wall / .cpu (s) for the scenarios the docs quote. */
  figure?: FigureSink;
}

const CLEAN_GOAL_S = 10;
const NOCHANGE_GOAL_S = 1;

/** What one scenario does before its measured build, and what the build is expected to do. */
interface Scenario {
  name: string;
  /** Run in the copy before the measured build (after the tree was built unedited). */
  prepare: (copy: string) => void;
  /** Extra arguments for the measured build. */
  args?: string[];
  /** True when the tree must be built unedited before `prepare` (edit scenarios). */
  fromBuilt: boolean;
  /** The build's own summary must mention this. */
  expect: RegExp;
  /** The id under which the docs quote it (build.<figure>.wall / .cpu). */
  figure?: string;
}

const ARTIFACT_DIRS = ['x86_64', 'aarch64'];

function removeOutputs(copy: string): void {
  for (const d of ARTIFACT_DIRS) fs.rmSync(path.join(copy, 'build', d), { recursive: true, force: true });
  fs.rmSync(path.join(copy, 'build', 'cache', 'objects'), { recursive: true, force: true });
}

function appendTo(file: string, text: string): void {
  fs.appendFileSync(file, text);
}

function prependTo(file: string, text: string): void {
  fs.writeFileSync(file, text + fs.readFileSync(file, 'utf8'));
}

const SCENARIOS: Scenario[] = [
  { name: 'clean build, every artifact', prepare: removeOutputs, fromBuilt: false, expect: /6 artifacts[^]*packed in[^]*packed in/, figure: 'clean' },
  { name: 'clean build, one tool process at a time (`--jobs 1`)', prepare: removeOutputs, args: ['--jobs', '1'], fromBuilt: false, expect: /6 artifacts[^]*packed in[^]*packed in/, figure: 'jobs1' },
  { name: 'nothing changed', prepare: () => {}, fromBuilt: true, expect: /is up to date[^]*is up to date[^]*is up to date[^]*is up to date/, figure: 'nochange' },
  {
    name: 'a comment added to common/bootinfo.ts (loaders and kernels rebuilt; IR unchanged)',
    prepare: (c) => appendTo(path.join(c, 'common', 'bootinfo.ts'), '\n// build-time benchmark edit\n'),
    fromBuilt: true,
    expect: /4 artifacts/,
    figure: 'shared-comment',
  },
  {
    name: 'the compiler changed (a comment in its compiled code)',
    prepare: (c) => appendTo(path.join(c, 'build', 'js', 'toolchain', 'src', 'check', 'types.js'), '\n// build-time benchmark edit\n'),
    fromBuilt: true,
    expect: /6 artifacts/,
    figure: 'compiler-change',
  },
  {
    name: 'a line added at the top of kernel-stub/main.ts (both kernels: new IR)',
    prepare: (c) => prependTo(path.join(c, 'kernel-stub', 'main.ts'), '// build-time benchmark edit\n'),
    fromBuilt: true,
    expect: /2 artifacts/,
  },
];

function clockTicks(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
}

interface BuildRun {
  ok: boolean;
  wallMs: number;
  /** User + system CPU time of the build and the tools it ran. */
  cpuMs: number;
  output: string;
  error: string;
}

/** One build in a fresh process, in `copy`. */
function runBuild(copy: string, args: string[], ticks: number): BuildRun {
  const script = path.join(copy, 'build', 'js', 'scripts', 'build.js');
  // The build's own process reports, at its exit, its CPU time and its children's
  // (utime, stime, cutime, cstime: fields 14-17 of /proc/self/stat).
  const wrapper =
    `require(${JSON.stringify(script)}).main(${JSON.stringify(['--arch', 'all', ...args])}).then(() => {` +
    `  const f = require('fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');` +
    `  const t = [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0);` +
    `  process.stderr.write('cpu-ticks ' + t + '\\n');` +
    `}, (e) => { process.stderr.write(String(e && e.message) + '\\n'); process.exit(1); });`;
  const r = exec(process.execPath, ['-e', wrapper], { cwd: copy, timeoutMs: 600_000 });
  const m = /cpu-ticks (\d+)/.exec(r.stderr);
  return { ok: r.ok, wallMs: r.wallNs / 1e6, cpuMs: m ? (Number(m[1]) * 1000) / ticks : NaN, output: r.stdout + r.stderr, error: r.error || firstLine(r.stderr) };
}

/** `npm run build -- --arch all` in the repository itself, when it has nothing to do. */
function npmNoChange(runs: number, log: (m: string) => void): { wall: number[]; error?: string } {
  const root = repoRoot();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const warm = exec(npm, ['run', 'build', '--', '--arch', 'all'], { cwd: root, timeoutMs: 600_000 });
  if (!warm.ok) return { wall: [], error: warm.error };
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = exec(npm, ['run', 'build', '--', '--arch', 'all'], { cwd: root, timeoutMs: 600_000 });
    if (!r.ok) return { wall, error: r.error };
    if (!/up to date/.test(r.stdout)) return { wall, error: 'the repository build was not up to date after a build' };
    wall.push(r.wallNs / 1e6);
    log(`[build-time ${i + 1}/${runs}] npm run build, nothing changed: ${(r.wallNs / 1e9).toFixed(2)} s`);
  }
  return { wall };
}

function fmtS(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : '—';
}

export async function runBuildTimeBench(opts: BuildTimeOptions): Promise<string> {
  const log = opts.log ?? defaultLog;
  if (!compilerBuilt()) return '### Build time\n\nNot measured: the compiler is not built yet (`npm run setup`).';
  const ticks = clockTicks();
  const loadAtStart = os.loadavg()[0];
  const rows: string[][] = [];
  const notes: string[] = [];
  let clean = NaN;
  let noChange = NaN;
  for (const sc of SCENARIOS) {
    const wall: number[] = [];
    const cpu: number[] = [];
    let error = '';
    for (let run = 0; run < opts.runs && !error; run++) {
      // A fresh copy per run: edits never pile up, and every run starts from the same tree.
      const copy = makeTempDir('tsboot-build-time-');
      try {
        copyBuildTree(copy);
        if (sc.fromBuilt) {
          const base = runBuild(copy, [], ticks);
          if (!base.ok) { error = `the unedited build failed: ${base.error}`; break; }
        }
        sc.prepare(copy);
        const r = runBuild(copy, sc.args ?? [], ticks);
        if (!r.ok) { error = `build failed: ${r.error}`; break; }
        if (!sc.expect.test(r.output)) { error = `the build did not do what the scenario expects (${sc.expect}):\n${r.output.trim()}`; break; }
        wall.push(r.wallMs);
        cpu.push(r.cpuMs);
        const summary = r.output.split('\n').filter((l) => /artifacts? in|object cached/.test(l)).map((l) => l.replace(/^build: /, '')).join('; ');
        log(`[build-time ${run + 1}/${opts.runs}] ${sc.name}: ${fmtS(r.wallMs)} wall, ${fmtS(r.cpuMs)} CPU${summary ? ` (${summary})` : ''}`);
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }
    if (error) {
      notes.push(`- ${sc.name}: ${error}`);
      rows.push([sc.name, 'failed', '—', '—']);
      continue;
    }
    const w = median(wall);
    if (sc.figure) {
      opts.figure?.(`build.${sc.figure}.wall`, w / 1000);
      opts.figure?.(`build.${sc.figure}.cpu`, median(cpu) / 1000);
    }
    if (sc === SCENARIOS[0]) clean = w;
    if (sc.name === 'nothing changed') noChange = w;
    rows.push([sc.name, fmtS(w), `${fmtS(Math.min(...wall))} – ${fmtS(Math.max(...wall))}`, fmtS(median(cpu))]);
  }
  const npm = npmNoChange(opts.runs, log);
  if (npm.error) notes.push(`- \`npm run build -- --arch all\`, nothing changed: ${npm.error}`);
  rows.push(['`npm run build -- --arch all`, nothing changed (npm, setup check, build)', npm.wall.length ? fmtS(median(npm.wall)) : 'failed',
    npm.wall.length ? `${fmtS(Math.min(...npm.wall))} – ${fmtS(Math.max(...npm.wall))}` : '—', '—']);
  if (npm.wall.length) opts.figure?.('build.npm-nochange.wall', median(npm.wall) / 1000);
  const verdict = (ms: number, goal: number) => (Number.isFinite(ms) ? `${fmtS(ms)}: ${ms <= goal * 1000 ? 'met' : 'NOT met'}` : 'not measured');
  const lines = [
    '### Build time',
    '',
    `\`node build/js/bench/build-time.js --runs ${opts.runs}\` (median of ${opts.runs}; ${os.availableParallelism()} CPUs, load average ${loadAtStart.toFixed(2)} at the start). ` +
      'Each row is one `node build/js/scripts/build.js --arch all` process on a private copy of the tree, after what the row says; ' +
      '"CPU" is user + system time of the build and of the clang and lld processes it ran. ' +
      `Goals on an idle machine: clean build ≤ ${CLEAN_GOAL_S} s (${verdict(clean, CLEAN_GOAL_S)}), nothing changed ≤ ${NOCHANGE_GOAL_S} s (${verdict(noChange, NOCHANGE_GOAL_S)}).`,
    '',
    mdTable(['scenario', 'wall (median)', 'wall (range)', 'CPU (median)'], rows, ['l', 'r', 'r', 'r']),
  ];
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}

async function cliMain(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('node build/js/bench/build-time.js')
    .usage('$0 [--runs N]\n\nMeasures the build of the boot artifacts: clean, with nothing changed, after typical edits. Prints a markdown table; progress on stderr.')
    .option('runs', { type: 'number', default: 3, describe: 'runs per scenario (median reported)' })
    .check((a) => (Number.isInteger(a.runs) && a.runs >= 1) || 'give --runs a whole number of at least 1')
    .strict()
    .help()
    .version(false)
    .parse();
  process.stdout.write((await runBuildTimeBench({ runs: args.runs })) + '\n');
  return 0;
}

if (require.main === module) {
  cliMain(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`build-time: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
