// Runs generated programs differentially: the C rendering (clang-16 -O2, freestanding, the
// oracle) against the subset rendering compiled by tsboot for x86_64-linux and/or
// aarch64-linux. Shared by the CLI (tests/fuzz/cli.ts) and the CI test (fuzz.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import { generateProgram, GenOptions, GeneratedProgram } from './gen';
import {
  Arch, Opt, RunResult, compileCAsync, compileSubsetBatch, hostArch, makeTempDir, removeDir,
  repoRoot, runExecutableAsync,
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
  reason: string;
  savedTo: string;
}

export interface FuzzSummary {
  programs: number;
  comparisons: number;
  mismatches: Mismatch[];
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

async function runOne(index: number, cfg: FuzzConfig, saveRoot: string): Promise<{ mismatches: Mismatch[]; comparisons: number }> {
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
      const saved = save(saveRoot, index, prog, dir, `clang-16 rejected the C oracle:\n${cc.stderr}`);
      return { mismatches: [{ index, seed: prog.seed, arch: cArch, opt: 'O2', reason: `generator produced invalid C (${cc.stderr.split('\n')[0]})`, savedTo: saved }], comparisons };
    }
    const oracle = await runExecutableAsync(cExe, cArch, 30_000);
    const want = normaliseOutput(oracle.stdout, oracle.stderr);

    // Every architecture's build in one compiler process: one parse of the program.
    const exeFor = (arch: Arch) => path.join(dir, `prog-${arch}`);
    const builds = await compileSubsetBatch(cfg.arches.map((arch) => ({ entry: tsFile, o: { target: `${arch}-linux`, opt, out: exeFor(arch) } })), 180_000);
    for (const [k, arch] of cfg.arches.entries()) {
      const exe = exeFor(arch);
      const comp = builds[k];
      comparisons++;
      let reason: string | null = null;
      let got: RunResult | null = null;
      if (comp.status !== 0) {
        reason = `tsboot failed to compile (${statusOf(comp)}): ${(comp.stderr || comp.stdout).trim().split('\n').slice(0, 5).join(' | ')}`;
      } else {
        got = await runExecutableAsync(exe, arch, 30_000);
        const have = normaliseOutput(got.stdout, got.stderr);
        if (got.timedOut || got.signal) reason = `tsboot binary ${statusOf(got)} (C: ${statusOf(oracle)})`;
        else if (got.status !== oracle.status) reason = `exit status: C ${oracle.status}, tsboot ${got.status}; ${firstDifference(want, have)}`;
        else if (have !== want) reason = firstDifference(want, have);
      }
      if (reason) {
        const report = [
          `seed ${cfg.seed} index ${index} (program seed ${prog.seed}) arch ${arch} -${opt}`,
          reason,
          '', '--- C oracle ---', statusOf(oracle), oracle.stdout.slice(0, 20000),
          '', '--- tsboot compile ---', comp.stdout, comp.stderr,
          '', '--- tsboot run ---', got ? `${statusOf(got)}\n${got.stdout.slice(0, 20000)}\n--- stderr ---\n${got.stderr}` : '(not run)',
        ].join('\n');
        const saved = save(saveRoot, index, prog, dir, report, `${arch}-${opt}`);
        mismatches.push({ index, seed: prog.seed, arch, opt, reason, savedTo: saved });
        log(`MISMATCH program ${index} ${arch} -${opt}: ${reason}\n  saved to ${path.relative(process.cwd(), saved) || saved}`);
      }
    }
    if (cfg.keepAll && mismatches.length === 0) save(saveRoot, index, prog, dir, 'ok');
  } finally {
    removeDir(dir);
  }
  return { mismatches, comparisons };
}

function save(root: string, index: number, prog: GeneratedProgram, dir: string, report: string, tag = ''): string {
  const out = path.join(root, `prog-${index}${tag ? '-' + tag : ''}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'prog.ts'), prog.subset);
  fs.writeFileSync(path.join(out, 'prog.c'), prog.c);
  fs.writeFileSync(path.join(out, 'report.txt'), report + '\n');
  // crt.h next to prog.c so `clang-16 ... prog.c` works in place when reducing by hand.
  fs.copyFileSync(path.join(repoRoot, 'tests', 'lib', 'crt.h'), path.join(out, 'crt.h'));
  void dir;
  return out;
}

/** Generates and checks cfg.count programs with a small worker pool. */
export async function fuzz(cfg: FuzzConfig): Promise<FuzzSummary> {
  const t0 = Date.now();
  const saveRoot = cfg.saveDir ?? path.join(repoRoot, 'build', 'fuzz', `seed-${cfg.seed}`);
  const start = cfg.start ?? 0;
  const jobs = Math.max(1, cfg.jobs ?? 2);
  const log = cfg.log ?? (() => {});
  let next = start;
  let done = 0;
  let comparisons = 0;
  const mismatches: Mismatch[] = [];
  async function worker(): Promise<void> {
    while (next < start + cfg.count) {
      const i = next++;
      const r = await runOne(i, cfg, saveRoot);
      comparisons += r.comparisons;
      mismatches.push(...r.mismatches);
      done++;
      if (done % 10 === 0 || done === cfg.count) {
        log(`[fuzz] ${done}/${cfg.count} programs, ${comparisons} comparisons, ${mismatches.length} mismatches, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, cfg.count) }, () => worker()));
  mismatches.sort((a, b) => a.index - b.index);
  return { programs: cfg.count, comparisons, mismatches, ms: Date.now() - t0 };
}
