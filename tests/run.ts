// `npm test`: runs every uvu suite (build/js/tests/**/*.test.js), each in its own Node
// process, several at once, then prints one closing line `N passed, N failed, N skipped`.
//
// - Jobs: up to --jobs suites run at once (default: the number of CPUs).
// - QEMU: a suite that boots QEMU, i.e. whose module graph reaches qemu/runner.ts (directly
//   or through tests/boot/bootlib.ts), is a QEMU suite; at most --qemu of them run at once
//   (default: as many as jobs). Their time limits count guest progress, not wall time
//   (qemu/runner.ts), so a busy machine slows them down without failing them.
// - Order: longest first, so that a long suite never starts last: by the duration of the
//   previous run here (build/test-times.json), else by the duration a suite declares with
//   a `// @suite long <seconds>` line (seconds on a quiet 2-core machine; every suite of a
//   fresh clone is untimed), else 30 s for a QEMU suite and 10 s for another.
// - Output: each suite's output is held back and printed as one block when the suite ends,
//   so suites running together never interleave; a line says when each one starts.
// - The boot artifacts are built once before the first QEMU suite starts (scripts/build.ts),
//   so that suites do not queue on the build lock while holding a QEMU slot.
//
// - Skips: a test that cannot run here is a uvu skip that says why (tests/lib/skip.ts),
//   never an early return counted as a pass; the closing line counts skips and the line
//   above it names the suites that skipped. Under CI=true a skip for a missing tool,
//   package, artifact or privilege is a failure instead.
//
// `--matrix` also runs the long boot matrix (TSBOOT_MATRIX=1); filter arguments run only
// the suites whose path contains one of them.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { buildAll } from '../scripts/build';
import { ARCHES } from '../scripts/paths';

const ROOT = path.resolve(__dirname);
const TIMES_FILE = path.resolve(ROOT, '..', '..', 'test-times.json');
/** The module every QEMU launch goes through. */
const QEMU_RUNNER = path.resolve(ROOT, '..', 'qemu', 'runner.js');

interface Suite {
  file: string;
  name: string;
  qemu: boolean;
  /** Seconds the suite declares (`// @suite long <seconds>`), if it does. */
  declaredS?: number;
  /** Seconds the previous run took, if known. */
  lastS?: number;
}

interface Outcome {
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
}

function findSuites(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findSuites(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

/** The project modules `file` requires, transitively (compiled CommonJS, relative requires). */
function moduleGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  let src: string;
  try {
    src = fs.readFileSync(file, 'utf8');
  } catch {
    return seen;
  }
  for (const m of src.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    let dep = path.resolve(path.dirname(file), m[1]);
    if (!dep.endsWith('.js')) dep += '.js';
    moduleGraph(dep, seen);
  }
  return seen;
}

function readTimes(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(TIMES_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

function writeTimes(update: Record<string, number>): void {
  try {
    fs.writeFileSync(TIMES_FILE, JSON.stringify({ ...readTimes(), ...update }, null, 1) + '\n');
  } catch {
    /* the order is only an optimisation */
  }
}

/** What a suite is expected to take: its last run's time, what it declares, or a guess. */
function expectedS(s: Suite): number {
  return s.lastS ?? s.declaredS ?? (s.qemu ? 30 : 10);
}

/** Longest first. */
function schedule(suites: Suite[]): Suite[] {
  return [...suites].sort((a, b) => expectedS(b) - expectedS(a) || a.name.localeCompare(b.name));
}

/** uvu's summary (Total / Passed / Skipped; Total leaves the skipped tests out); a suite
 *  that crashed before it counts as one failure. */
function countResults(out: string, exitCode: number | null): Omit<Outcome, 'seconds'> {
  const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? 0);
  const passed = num('Passed'), total = num('Total'), skipped = num('Skipped');
  return { passed, skipped, failed: Math.max(total - passed, exitCode === 0 ? 0 : 1) };
}

function runSuite(s: Suite, env: NodeJS.ProcessEnv, print: (block: string) => void): Promise<Outcome> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [s.file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // stdout and stderr in the order they arrived, for one uninterrupted block at the end.
    const chunks: Buffer[] = [];
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => { chunks.push(b); stdout += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    const finish = (code: number | null, how: string) => {
      const seconds = (Date.now() - start) / 1000;
      const c = countResults(stdout, code);
      const body = Buffer.concat(chunks).toString('utf8').replace(/\s+$/, '');
      print(`\n▶ ${s.name}${s.qemu ? ' (QEMU)' : ''}\n${body}${how}\n` +
        `  ${s.name}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''} (${seconds.toFixed(1)} s)\n`);
      resolve({ ...c, seconds });
    };
    child.on('error', (e) => finish(1, `\n  cannot start the suite: ${e.message}`));
    child.on('close', (code, signal) => finish(code, signal ? `\n  the suite was killed by ${signal}` : ''));
  });
}

async function main(): Promise<void> {
  const cpus = os.availableParallelism();
  const argv = yargs(process.argv.slice(2))
    .usage('npm test -- [filter...] [--matrix] [--jobs N] [--qemu N]\n\nRuns the uvu suites under tests/ (several at once) and ends with `N passed, N failed`.')
    .option('matrix', { type: 'boolean', default: false, describe: 'also run the full QEMU boot matrix (slow)' })
    .option('jobs', { alias: 'j', type: 'number', default: cpus, describe: 'suites running at once' })
    .option('qemu', { type: 'number', describe: 'QEMU suites running at once (default: --jobs)' })
    .option('list', { type: 'boolean', default: false, describe: 'list the suites in the order they would start, and exit' })
    .check((a) => (Number.isInteger(a.jobs) && a.jobs >= 1 && (a.qemu === undefined || (Number.isInteger(a.qemu) && a.qemu >= 1))) || 'give --jobs and --qemu whole numbers of at least 1')
    .strictOptions()
    .help()
    .parseSync();
  const filters = argv._.map(String);
  const times = readTimes();
  // Matched against the path below tests/, not the checkout's own path (which may contain the word).
  const suites: Suite[] = findSuites(ROOT)
    .filter((f) => filters.length === 0 || filters.some((x) => path.relative(ROOT, f).includes(x)))
    .map((file) => {
      const name = path.relative(ROOT, file).replace(/\.test\.js$/, '');
      const declared = /^\/\/ @suite long (\d+)$/m.exec(fs.readFileSync(file, 'utf8'));
      return { file, name, qemu: moduleGraph(file).has(QEMU_RUNNER), declaredS: declared ? Number(declared[1]) : undefined, lastS: times[name] };
    });
  if (argv.list) {
    for (const s of schedule(suites)) console.log(`${s.name}${s.qemu ? ' (QEMU)' : ''}: ${expectedS(s)} s expected`);
    return;
  }
  const jobs = argv.jobs;
  const qemuSlots = Math.min(argv.qemu ?? jobs, jobs);
  const env = { ...process.env, ...(argv.matrix ? { TSBOOT_MATRIX: '1' } : {}) };
  const t0 = Date.now();
  const print = (s: string) => process.stdout.write(s);
  process.stdout.write(`${suites.length} suites, ${jobs} at a time (at most ${qemuSlots} booting QEMU)\n`);

  let buildFailed = false;
  if (suites.some((s) => s.qemu)) {
    const lines: string[] = [];
    try {
      await buildAll(ARCHES, { log: (l) => lines.push(`    ${l}`) });
    } catch (e) {
      lines.push(`    ${(e as Error).message}`);
      buildFailed = true;
    }
    print(`\n▶ build (boot artifacts)\n${lines.join('\n')}\n`);
  }

  let passed = 0, failed = buildFailed ? 1 : 0, skipped = 0;
  const failedSuites: string[] = buildFailed ? ['build'] : [];
  const skippingSuites: string[] = [];
  const durations: Record<string, number> = {};
  const queue = schedule(suites);
  let running = 0, runningQemu = 0;
  await new Promise<void>((allDone) => {
    const next = () => {
      if (queue.length === 0 && running === 0) return allDone();
      while (running < jobs) {
        const i = queue.findIndex((s) => !s.qemu || runningQemu < qemuSlots);
        if (i < 0) break;
        const s = queue.splice(i, 1)[0];
        running++;
        if (s.qemu) runningQemu++;
        print(`  started ${s.name} (${running} running)\n`);
        void runSuite(s, env, print).then((o) => {
          running--;
          if (s.qemu) runningQemu--;
          passed += o.passed;
          failed += o.failed;
          skipped += o.skipped;
          if (o.failed > 0) failedSuites.push(s.name);
          if (o.skipped > 0) skippingSuites.push(`${s.name} (${o.skipped})`);
          durations[s.name] = Math.round(o.seconds * 10) / 10;
          next();
        });
      }
    };
    next();
  });
  writeTimes(durations);

  process.stdout.write(`\n${suites.length} suites in ${((Date.now() - t0) / 1000).toFixed(1)} s (${jobs} at a time)` +
    `${failedSuites.length ? `; failing: ${failedSuites.join(', ')}` : ''}` +
    `${skippingSuites.length ? `; skipping: ${skippingSuites.join(', ')}` : ''}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exitCode = failed > 0 || suites.length === 0 ? 1 : 0;
}

main().catch((e: Error) => {
  process.stderr.write(`test runner: internal error: ${e.stack ?? e.message}\n`);
  process.exit(2);
});
