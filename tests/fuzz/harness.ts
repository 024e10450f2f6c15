// Runs generated programs differentially: the C rendering (clang-16 -O2, freestanding, the
// oracle) against the subset rendering compiled by tsboot for x86_64-linux and/or
// aarch64-linux. Shared by the CLI (tests/fuzz/cli.ts) and the CI test (fuzz.test.ts).
//
// tsboot compiles in a few long-lived worker processes (compile-worker.ts), so a run of
// thousands of programs does not start Node thousands of times. Every failure is put in a
// class (rejected a valid program, internal error, wrong output, ...) and the run ends
// with one line per class, its count and where its first example was saved.
import { fork, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateProgram, GenOptions, GeneratedProgram } from './gen';
import type { CompileAnswer, CompileRequest } from './compile-worker';
import {
  Arch, Opt, RunResult, compileCAsync, hostArch, makeTempDir, removeDir, repoRoot, runExecutableAsync,
} from '../lib/toolchain';

export interface FuzzConfig {
  seed: number;
  count: number;
  start?: number;
  arches: Arch[];
  /** Optimisation levels cycled over programs (program i uses opts[i % opts.length]). */
  opts: Opt[];
  gen?: GenOptions;
  /** Parallel programs in flight (the machine is shared: keep this small). */
  jobs?: number;
  /** Keep every program's files (not just mismatches) under saveDir. */
  keepAll?: boolean;
  /** Where mismatching pairs are saved (default build/fuzz). */
  saveDir?: string;
  log?: (line: string) => void;
}

export interface Mismatch {
  index: number;
  seed: number;
  arch: Arch;
  opt: Opt;
  /** What kind of failure: the key of the summary. */
  kind: string;
  reason: string;
  savedTo: string;
}

export interface FuzzSummary {
  programs: number;
  comparisons: number;
  mismatches: Mismatch[];
  /** Failure classes: how many of each, and the first example. */
  classes: Map<string, { count: number; first: Mismatch }>;
  ms: number;
}

/** Panic lines carry a file:line that differs between C and the subset; keep only the fact. */
export function normaliseOutput(stdout: string, stderr: string): string {
  let out = stdout.replace(/^panic at [^\n]*$/gm, 'panic');
  if (!/^panic$/m.test(out) && /panic at /.test(stderr)) out += (out.endsWith('\n') || out === '' ? '' : '\n') + 'panic\n';
  return out;
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `first difference at output line ${i + 1}: C ${JSON.stringify(la[i] ?? '<end>')}, tsboot ${JSON.stringify(lb[i] ?? '<end>')}`;
  }
  return 'outputs equal';
}

function statusOf(r: RunResult): string {
  return r.timedOut ? 'timeout' : r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
}

/** The class of a rejected program: its first diagnostic with the numbers and names taken out. */
function diagnosticClass(text: string): string {
  const first = /(?:error|warning): (.*)$/m.exec(text)?.[1] ?? text.split('\n')[0];
  return first.replace(/'[^']*'/g, "'…'").replace(/`[^`]*`/g, '`…`').replace(/-?\b(0x[0-9a-fA-F_]+|\d[\d_]*)\b/g, 'N').slice(0, 140);
}

// ---- the compile workers ----------------------------------------------------------------

interface Pending { resolve: (r: RunResult) => void; timer: NodeJS.Timeout; t0: number }

/** Long-lived compiler processes; one request at a time each. */
export class CompilePool {
  private idle: ChildProcess[] = [];
  private waiting: Array<(w: ChildProcess) => void> = [];
  private pending = new Map<ChildProcess, Pending>();
  private nextId = 1;
  private readonly script = path.join(__dirname, 'compile-worker.js');

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): ChildProcess {
    const w = fork(this.script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    w.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    w.on('message', (a: CompileAnswer) => {
      const p = this.pending.get(w);
      if (!p) return;
      this.pending.delete(w);
      clearTimeout(p.timer);
      p.resolve({ status: a.status, signal: null, stdout: '', stderr: a.text, timedOut: false, ms: Date.now() - p.t0 });
      this.release(w);
    });
    w.on('exit', (code, signal) => {
      const p = this.pending.get(w);
      const idle = this.idle.indexOf(w);
      if (idle >= 0) { this.idle.splice(idle, 1); this.release(this.spawn()); }
      if (!p) return;
      // The compiler process died (a stack overflow in V8, out of memory): a crash.
      this.pending.delete(w);
      clearTimeout(p.timer);
      p.resolve({ status: code, signal, stdout: '', stderr: `the compiler process died (${signal ?? `exit ${code}`}):\n${stderr}`, timedOut: false, ms: Date.now() - p.t0 });
      this.release(this.spawn());
    });
    return w;
  }

  private release(w: ChildProcess): void {
    const next = this.waiting.shift();
    if (next) next(w); else this.idle.push(w);
  }

  private acquire(): Promise<ChildProcess> {
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async compile(entry: string, target: string, output: string, opt: Opt, timeoutMs: number): Promise<RunResult> {
    const w = await this.acquire();
    return new Promise((resolve) => {
      const t0 = Date.now();
      const timer = setTimeout(() => {
        this.pending.delete(w);
        w.kill('SIGKILL');
        resolve({ status: null, signal: null, stdout: '', stderr: 'the compiler did not finish', timedOut: true, ms: Date.now() - t0 });
        this.release(this.spawn());
      }, timeoutMs);
      this.pending.set(w, { resolve, timer, t0 });
      const req: CompileRequest = { id: this.nextId++, entry, target, output, opt: Number(opt.slice(1)) as 0 | 1 | 2 | 3 };
      w.send(req);
    });
  }

  close(): void {
    const all = [...this.idle, ...this.pending.keys()];
    this.idle = [];
    this.pending.clear();
    for (const w of all) { w.removeAllListeners('exit'); w.kill(); }
  }
}

// ---- one program ------------------------------------------------------------------------

async function runOne(index: number, cfg: FuzzConfig, saveRoot: string, pool: CompilePool): Promise<{ mismatches: Mismatch[]; comparisons: number }> {
  const prog: GeneratedProgram = generateProgram(cfg.seed, index, cfg.gen);
  const opt = cfg.opts[index % cfg.opts.length];
  const dir = makeTempDir('fuzz');
  const mismatches: Mismatch[] = [];
  let comparisons = 0;
  const log = cfg.log ?? (() => {});
  try {
    const tsFile = path.join(dir, 'prog.ts');
    const cFile = path.join(dir, 'prog.c');
    fs.writeFileSync(tsFile, prog.subset);
    fs.writeFileSync(cFile, prog.c);

    // The oracle: C semantics are spelled out arch-independently, so one build (for the host) suffices.
    const cArch: Arch = hostArch ?? 'x86_64';
    const cExe = path.join(dir, 'prog-c');
    const cc = await compileCAsync(cFile, cArch, cExe, 'O2');
    if (cc.status !== 0) {
      // A generator bug, not a compiler bug: report it loudly all the same.
      const saved = save(saveRoot, index, prog, `clang-16 rejected the C oracle:\n${cc.stderr}`);
      const reason = `generator produced invalid C (${cc.stderr.split('\n')[0]})`;
      return { mismatches: [{ index, seed: prog.seed, arch: cArch, opt: 'O2', kind: 'the generator wrote invalid C', reason, savedTo: saved }], comparisons };
    }
    const oracle = await runExecutableAsync(cExe, cArch, 30_000);
    const want = normaliseOutput(oracle.stdout, oracle.stderr);

    for (const arch of cfg.arches) {
      const exe = path.join(dir, `prog-${arch}`);
      const comp = await pool.compile(tsFile, `${arch}-linux`, exe, opt, 180_000);
      comparisons++;
      let kind = '';
      let reason = '';
      let got: RunResult | null = null;
      if (comp.status === 1) {
        kind = `tsboot rejected a valid program: ${diagnosticClass(comp.stderr)}`;
        reason = `tsboot failed to compile: ${comp.stderr.trim().split('\n').slice(0, 5).join(' | ')}`;
      } else if (comp.status !== 0) {
        kind = comp.timedOut ? 'the compiler hung' : comp.status === 2 ? 'internal compiler error' : 'the compiler crashed';
        reason = `${kind}: ${comp.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
      } else {
        got = await runExecutableAsync(exe, arch, 30_000);
        const have = normaliseOutput(got.stdout, got.stderr);
        if (got.timedOut || got.signal) { kind = 'the tsboot binary crashed or hung'; reason = `tsboot binary ${statusOf(got)} (C: ${statusOf(oracle)})`; }
        else if (have !== want) { kind = 'wrong output'; reason = firstDifference(want, have); }
        else if (got.status !== oracle.status) { kind = 'wrong exit status'; reason = `exit status: C ${oracle.status}, tsboot ${got.status}`; }
      }
      if (kind) {
        const report = [
          `seed ${cfg.seed} index ${index} (program seed ${prog.seed}) arch ${arch} -${opt}`,
          reason,
          '', '--- C oracle ---', statusOf(oracle), oracle.stdout.slice(0, 20000),
          '', '--- tsboot compile ---', comp.stderr,
          '', '--- tsboot run ---', got ? `${statusOf(got)}\n${got.stdout.slice(0, 20000)}\n--- stderr ---\n${got.stderr}` : '(not run)',
        ].join('\n');
        const saved = save(saveRoot, index, prog, report, `${arch}-${opt}`);
        mismatches.push({ index, seed: prog.seed, arch, opt, kind, reason, savedTo: saved });
        log(`MISMATCH program ${index} ${arch} -${opt}: ${reason}\n  saved to ${path.relative(process.cwd(), saved) || saved}`);
      }
    }
    if (cfg.keepAll && mismatches.length === 0) save(saveRoot, index, prog, 'ok');
  } finally {
    removeDir(dir);
  }
  return { mismatches, comparisons };
}

function save(root: string, index: number, prog: GeneratedProgram, report: string, tag = ''): string {
  const out = path.join(root, `prog-${index}${tag ? '-' + tag : ''}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'prog.ts'), prog.subset);
  fs.writeFileSync(path.join(out, 'prog.c'), prog.c);
  fs.writeFileSync(path.join(out, 'report.txt'), report + '\n');
  // crt.h next to prog.c so `clang-16 ... prog.c` works in place when reducing by hand.
  fs.copyFileSync(path.join(repoRoot, 'tests', 'lib', 'crt.h'), path.join(out, 'crt.h'));
  return out;
}

/** Generates and checks cfg.count programs with a small worker pool. */
export async function fuzz(cfg: FuzzConfig): Promise<FuzzSummary> {
  const t0 = Date.now();
  const saveRoot = cfg.saveDir ?? path.join(repoRoot, 'build', 'fuzz', `seed-${cfg.seed}`);
  const start = cfg.start ?? 0;
  const jobs = Math.max(1, cfg.jobs ?? 2);
  const log = cfg.log ?? (() => {});
  const pool = new CompilePool(Math.min(jobs, cfg.count));
  let next = start;
  let done = 0;
  let comparisons = 0;
  const mismatches: Mismatch[] = [];
  async function worker(): Promise<void> {
    while (next < start + cfg.count) {
      const i = next++;
      const r = await runOne(i, cfg, saveRoot, pool);
      comparisons += r.comparisons;
      mismatches.push(...r.mismatches);
      done++;
      if (done % 10 === 0 || done === cfg.count) {
        const s = (Date.now() - t0) / 1000;
        log(`[fuzz] ${done}/${cfg.count} programs, ${comparisons} comparisons, ${mismatches.length} mismatches, ${s.toFixed(1)} s`);
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, cfg.count) }, () => worker()));
  } finally {
    pool.close();
  }
  mismatches.sort((a, b) => a.index - b.index);
  const classes = new Map<string, { count: number; first: Mismatch }>();
  for (const m of mismatches) {
    const c = classes.get(m.kind);
    if (c) c.count++; else classes.set(m.kind, { count: 1, first: m });
  }
  return { programs: cfg.count, comparisons, mismatches, classes, ms: Date.now() - t0 };
}

/** One line per failure class: how many, and the first example's directory. */
export function describeClasses(s: FuzzSummary): string[] {
  return [...s.classes.entries()].sort((a, b) => b[1].count - a[1].count)
    .map(([kind, c]) => `${String(c.count).padStart(5)}  ${kind}\n       first: program ${c.first.index} ${c.first.arch} -${c.first.opt}, ${path.relative(process.cwd(), c.first.savedTo) || c.first.savedTo}`);
}
