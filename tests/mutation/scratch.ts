// Applies the known mutations (mutations.ts) one at a time to a scratch copy of the
// checkout and runs the named suites there: each must pass unmutated and fail mutated.
// The working tree is never touched. The copy holds the files git knows (tracked and
// untracked-but-not-ignored, as they are on disk now), build/js and the build caches with
// their timestamps (so `tsc -b` only redoes what a mutation of Node-side code affects) and
// a link to node_modules; it is removed afterwards. Subset code (loader/, kernel-stub/,
// common/) is rebuilt by the suites themselves: unit suites compile it on each run, and the
// test runner rebuilds the boot artifacts (incrementally) before a QEMU suite starts.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Mutation } from './mutations';

export type Verdict = 'caught' | 'missed' | 'stale' | 'baseline-failed' | 'broken';

export interface MutationResult {
  mutation: Mutation;
  verdict: Verdict;
  /** Per named suite: whether it failed with the mutation applied, and the seconds it took. */
  suites: Array<{ suite: string; failed: boolean; seconds: number }>;
  /** What happened, for the report (the runner's last lines, tsc's errors, …). */
  detail: string;
}

/** The closing counts of tests/run.ts, and its exit status. */
export interface SuiteRun {
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  output: string;
}

/** Parts of build/ worth copying: the Node-side output and the caches (not fuzz output, not Linux images). */
const BUILD_PARTS = ['js', 'cache', 'x86_64', 'aarch64', 'test-times.json'];

export class Scratch {
  readonly dir: string;
  private readonly baselines = new Map<string, SuiteRun>();

  private constructor(readonly source: string, dir: string, private readonly log: (l: string) => void) {
    this.dir = dir;
  }

  /** Copies `source` (a checkout) into a new temporary directory and brings build/js up to date there. */
  static create(source: string, log: (l: string) => void): Scratch {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-mutation-'));
    const s = new Scratch(source, dir, log);
    try {
      s.copy();
      s.tsc();
    } catch (e) {
      s.remove();
      throw e;
    }
    return s;
  }

  private copy(): void {
    const t0 = Date.now();
    const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: this.source, encoding: 'utf8' });
    if (ls.status !== 0) throw new Error(`git ls-files failed in ${this.source}: ${ls.stderr.trim()}`);
    let files = 0;
    for (const f of ls.stdout.split('\0')) {
      const from = path.join(this.source, f);
      if (!f || !fs.existsSync(from) || !fs.lstatSync(from).isFile()) continue; // deleted in the working tree, or a link
      fs.mkdirSync(path.dirname(path.join(this.dir, f)), { recursive: true });
      fs.copyFileSync(from, path.join(this.dir, f));
      const st = fs.statSync(from);
      fs.utimesSync(path.join(this.dir, f), st.atime, st.mtime);
      files++;
    }
    for (const part of BUILD_PARTS) {
      const from = path.join(this.source, 'build', part);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(this.dir, 'build', part), { recursive: true, preserveTimestamps: true });
    }
    const modules = path.join(this.source, 'node_modules');
    if (!fs.existsSync(modules)) throw new Error(`${modules} is missing: run npm ci first`);
    fs.symlinkSync(modules, path.join(this.dir, 'node_modules'), 'dir');
    this.log(`scratch copy: ${files} files and build/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /** `tsc -b` in the copy; throws with tsc's output when it fails. */
  private tsc(): void {
    const t0 = Date.now();
    const tsc = path.join(this.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.json'], { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tsc -b failed:\n${(r.stdout + r.stderr).trim()}`);
    this.log(`tsc -b in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /** Runs suites (tests/run.ts filters) in the copy, TSBOOT_MATRIX unset, `env` added. */
  runSuites(suites: string[], env: Record<string, string> = {}, jobs = 2): Promise<SuiteRun> {
    const t0 = Date.now();
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.TSBOOT_MATRIX;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join('build', 'js', 'tests', 'run.js'), '--jobs', String(jobs), ...suites],
        { cwd: this.dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (b: Buffer) => { output += b.toString('utf8'); });
      child.stderr.on('data', (b: Buffer) => { output += b.toString('utf8'); });
      child.on('close', (code) => {
        const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(output);
        resolve({
          ok: code === 0, passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0), skipped: Number(m?.[3] ?? 0),
          seconds: (Date.now() - t0) / 1000, output,
        });
      });
    });
  }

  /** The unmutated run of `suites` (once per suite set). */
  async baseline(suites: string[], env: Record<string, string> = {}): Promise<SuiteRun> {
    const key = JSON.stringify([suites, env]);
    let run = this.baselines.get(key);
    if (!run) {
      run = await this.runSuites(suites, env);
      this.log(`baseline ${suites.join(' ')}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped (${run.seconds.toFixed(1)} s)`);
      this.baselines.set(key, run);
    }
    return run;
  }

  /**
   * Applies `m`, rebuilds, runs each of its suites on its own (each must fail), restores
   * the file. `baseline`: first check that each suite passes unmutated, without skips.
   */
  async check(m: Mutation, baseline: boolean): Promise<MutationResult> {
    const suites: MutationResult['suites'] = [];
    const result = (verdict: Verdict, detail: string): MutationResult => ({ mutation: m, verdict, suites, detail });
    const file = path.join(this.dir, m.file);
    if (!fs.existsSync(file)) return result('stale', `${m.file} does not exist`);
    const original = fs.readFileSync(file, 'utf8');
    const n = original.split(m.find).length - 1;
    if (n !== 1) return result('stale', `the text to replace occurs ${n} times in ${m.file} (must be once): update tests/mutation/mutations.ts`);
    if (baseline) {
      for (const suite of m.suites) {
        const b = await this.baseline([suite], m.env);
        if (!b.ok || b.skipped > 0 || b.passed === 0) {
          return result('baseline-failed', `${suite} unmutated: ${b.passed} passed, ${b.failed} failed, ${b.skipped} skipped\n`
            + `${failures(b.output)}\n${tail(b.output, 30)}`);
        }
      }
    }
    // The unmutated build/js, to put back afterwards (a second tsc -b would take as long
    // as the first: the whole program is loaded again).
    const mtime = fs.statSync(file).mtime;
    const buildJs = path.join(this.dir, 'build', 'js');
    const saved = path.join(this.dir, '.unmutated-build-js');
    fs.cpSync(buildJs, saved, { recursive: true, preserveTimestamps: true });
    fs.writeFileSync(file, original.replace(m.find, () => m.replace));
    try {
      try {
        this.tsc();
      } catch (e) {
        return result('broken', `the mutated tree does not compile: ${(e as Error).message}`);
      }
      const details: string[] = [];
      for (const suite of m.suites) {
        const r = await this.runSuites([suite], m.env);
        const failed = !r.ok && r.failed > 0;
        suites.push({ suite, failed, seconds: r.seconds });
        const counts = `${suite}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} in ${r.seconds.toFixed(1)} s`;
        details.push(failed ? `${counts}\n${failures(r.output)}` : `${counts}: PASSED with the mutation applied\n${tail(r.output, 20)}`);
      }
      return result(suites.every((x) => x.failed) ? 'caught' : 'missed', details.join('\n'));
    } finally {
      fs.writeFileSync(file, original);
      fs.utimesSync(file, mtime, mtime);
      fs.rmSync(buildJs, { recursive: true, force: true });
      fs.renameSync(saved, buildJs);
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function tail(s: string, lines: number): string {
  return s.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The lines of a runner's output that name what failed (uvu's ✘ lines, FAIL markers, the closing lines). */
function failures(out: string): string {
  return out.split('\n').filter((l) => /FAIL|✘|Assertion|Error|\(Expected\)/.test(l)).slice(0, 12).join('\n');
}
