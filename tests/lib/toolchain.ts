// Shared helpers for the compiler's test suites: compile a subset program with the tsboot
// CLI for a *-linux target and run it (natively on x86_64, under qemu-aarch64 for aarch64),
// and compile+run C oracles with clang-16 (freestanding, with tests/lib/crt.h, the same way
// on both architectures because Debian's clang-16 has no aarch64 libc here).
//
// Everything is computed relative to this file so the suites work from any checkout:
// this file compiles to build/js/tests/lib/toolchain.js.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type Arch = 'x86_64' | 'aarch64';
export type Opt = 'O0' | 'O1' | 'O2' | 'O3' | 'Oz';

/** The repository root (build/js/tests/lib -> four levels up; also works from the sources). */
export const repoRoot: string = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'bin', 'tsboot.js'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`tests/lib/toolchain: cannot find the repository root above ${__dirname}`);
})();

export const tsbootBin = path.join(repoRoot, 'bin', 'tsboot.js');
export const compilerJs = path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'cli.js');
export const crtInclude = path.join(repoRoot, 'tests', 'lib');

/** True once the compiler has been built (npx tsc -p tsconfig.json). */
export function compilerBuilt(): boolean {
  return fs.existsSync(compilerJs);
}

export const hostArch: Arch | null = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : null;

export interface RunResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** A fresh temporary directory under os.tmpdir(). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** How to run an executable of `arch` on this machine: natively or through qemu-aarch64. */
export function runnerFor(arch: Arch, exe: string): { cmd: string; args: string[] } {
  if (arch === hostArch) return { cmd: exe, args: [] };
  if (arch === 'aarch64') return { cmd: 'qemu-aarch64', args: [exe] };
  return { cmd: 'qemu-x86_64', args: [exe] };
}

function syncRun(cmd: string, args: string[], timeoutMs: number, cwd = repoRoot): RunResult {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (r.error && !timedOut) {
    return { status: null, signal: null, stdout: '', stderr: `cannot run ${cmd}: ${r.error.message}`, timedOut: false, ms: Date.now() - t0 };
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut, ms: Date.now() - t0 };
}

/** Async variant (the fuzzer runs a small pool of jobs). The child is killed on timeout. */
export function asyncRun(
  cmd: string, args: string[], timeoutMs: number, cwd = repoRoot, env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: null, signal: null, stdout, stderr: stderr + `cannot run ${cmd}: ${e.message}`, timedOut, ms: Date.now() - t0 });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
    });
  });
}

export interface CompileOptions {
  target: string;       // e.g. x86_64-linux
  opt?: Opt;
  out: string;
  emit?: 'll' | 'obj' | 'exe';
  extra?: string[];
  timeoutMs?: number;
}

function compileArgs(entry: string, o: CompileOptions): string[] {
  const args = [tsbootBin, 'compile', entry, '--target', o.target, '-o', o.out];
  if (o.opt) args.push(`-${o.opt}`);
  if (o.emit) args.push('--emit', o.emit);
  if (o.extra) args.push(...o.extra);
  return args;
}

/** Runs `tsboot compile` (a separate node process, exactly like a user would). */
export function compileSubset(entry: string, o: CompileOptions): RunResult {
  return syncRun(process.execPath, compileArgs(entry, o), o.timeoutMs ?? 120_000);
}

/** compileSubset for a test's helper program: returns `out`, or throws with the diagnostics. */
export function compileOrThrow(entry: string, target: string, out: string): string {
  const r = compileSubset(entry, { target, out });
  if (r.status !== 0) throw new Error(`compiling ${path.relative(repoRoot, entry)} for ${target} failed:\n${describe(r)}`);
  return out;
}

/** A test helper program under tests/subset/<name>/main.ts, built for both *-linux targets. */
export interface LinuxProgram {
  /** The executable per architecture (run it through runnerFor). */
  exe: Record<Arch, string>;
  /** The suite's temporary directory: the executables, and any files the tests write. */
  dir: string;
}

/**
 * Builds tests/subset/<name>/main.ts for x86_64-linux and aarch64-linux in the suite's
 * `before` hook, into a temporary directory its `after` hook removes. The fields are set
 * once the suite runs.
 */
export function linuxProgram(suite: { before: (fn: () => void) => void; after: (fn: () => void) => void }, name: string): LinuxProgram {
  const prog: LinuxProgram = { exe: { x86_64: '', aarch64: '' }, dir: '' };
  suite.before(() => {
    prog.dir = makeTempDir(name);
    const src = path.join(repoRoot, 'tests', 'subset', name, 'main.ts');
    for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
      prog.exe[arch] = compileOrThrow(src, `${arch}-linux`, path.join(prog.dir, `${name}-${arch}`));
    }
  });
  suite.after(() => {
    if (prog.dir) removeDir(prog.dir);
  });
  return prog;
}

export function compileSubsetAsync(entry: string, o: CompileOptions): Promise<RunResult> {
  return asyncRun(process.execPath, compileArgs(entry, o), o.timeoutMs ?? 120_000);
}

/**
 * Compiles every program of `jobs` in one compiler process (tests/lib/compile-batch.ts:
 * the driver's compileAll, parsed together, clang in parallel). Element i is job i's
 * result, shaped like a `tsboot compile` run's (status 0 when built; diagnostics on
 * stderr); `ms` is the whole batch's time.
 */
export async function compileSubsetBatch(jobs: { entry: string; o: Pick<CompileOptions, 'target' | 'opt' | 'out'> }[], timeoutMs = 600_000): Promise<RunResult[]> {
  const dir = makeTempDir('batch');
  try {
    const reqFile = path.join(dir, 'requests.json');
    const resFile = path.join(dir, 'results.json');
    fs.writeFileSync(reqFile, JSON.stringify(jobs.map(({ entry, o }) => ({
      entry, target: o.target, output: o.out, optLevel: Number((o.opt ?? 'O2').slice(1)),
    }))));
    const batch = path.join(repoRoot, 'build', 'js', 'tests', 'lib', 'compile-batch.js');
    const r = await asyncRun(process.execPath, [batch, reqFile, resFile, process.env.TSBOOT_TEST_JOBS ?? ''], timeoutMs);
    if (r.status !== 0 || !fs.existsSync(resFile)) return jobs.map(() => ({ ...r, status: r.status || 2 }));
    const results = JSON.parse(fs.readFileSync(resFile, 'utf8')) as { status: number; stderr: string }[];
    return results.map((x) => ({ status: x.status, signal: null, stdout: '', stderr: x.stderr, timedOut: false, ms: r.ms }));
  } finally {
    removeDir(dir);
  }
}

export function runExecutable(exe: string, arch: Arch, timeoutMs = 20_000): RunResult {
  const r = runnerFor(arch, exe);
  return syncRun(r.cmd, r.args, timeoutMs, path.dirname(exe));
}

export function runExecutableAsync(exe: string, arch: Arch, timeoutMs = 20_000): Promise<RunResult> {
  const r = runnerFor(arch, exe);
  return asyncRun(r.cmd, r.args, timeoutMs, path.dirname(exe));
}

export interface ExecOutcome {
  compile: RunResult;
  run: RunResult | null; // null when compilation failed
}

/**
 * Compiles a subset entry file for `<arch>-linux` into `dir` (a temp dir when omitted)
 * and runs it. Returns the compile result and, if it compiled, the run result.
 */
export function compileAndRun(entry: string, arch: Arch, opt: Opt, dir?: string): ExecOutcome {
  const own = dir === undefined;
  const work = dir ?? makeTempDir('exec');
  try {
    const exe = path.join(work, `${path.basename(entry, '.ts')}.${arch}.${opt}`);
    const compile = compileSubset(entry, { target: `${arch}-linux`, opt, out: exe });
    if (compile.status !== 0) return { compile, run: null };
    return { compile, run: runExecutable(exe, arch) };
  } finally {
    if (own) removeDir(work);
  }
}

function clangArgs(src: string, arch: Arch, out: string, opt: Opt): string[] {
  return [
    `-${opt}`, '-static', '-nostdlib', '-ffreestanding', '-fno-builtin', '-fuse-ld=lld',
    '-target', `${arch}-linux-gnu`, '-I', crtInclude, '-w', src, '-o', out,
  ];
}

/** Compiles a C oracle (which includes "crt.h") with clang-16 into a static executable. */
export function compileC(src: string, arch: Arch, out: string, opt: Opt = 'O2'): RunResult {
  return syncRun('clang-16', clangArgs(src, arch, out, opt), 120_000);
}

export function compileCAsync(src: string, arch: Arch, out: string, opt: Opt = 'O2'): Promise<RunResult> {
  return asyncRun('clang-16', clangArgs(src, arch, out, opt), 120_000);
}

/** Compiles C source text and runs it; returns the run result (throws if clang fails). */
export function compileAndRunC(source: string, arch: Arch, opt: Opt = 'O2'): RunResult {
  const dir = makeTempDir('c');
  try {
    const src = path.join(dir, 'prog.c');
    const exe = path.join(dir, `prog.${arch}`);
    fs.writeFileSync(src, source);
    const c = compileC(src, arch, exe, opt);
    if (c.status !== 0) throw new Error(`clang-16 failed for ${arch}:\n${c.stderr}`);
    return runExecutable(exe, arch);
  } finally {
    removeDir(dir);
  }
}

/** A short human description of a process result, for assertion messages. */
export function describe(r: RunResult): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const clip = (s: string) => (s.length > 4000 ? s.slice(0, 4000) + '\n…(truncated)' : s);
  return `${how} after ${r.ms} ms\n--- stdout ---\n${clip(r.stdout)}\n--- stderr ---\n${clip(r.stderr)}`;
}

/** True when a JavaScript stack frame ("    at f (file:1:2)") appears in the text. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m.test(text);
}
