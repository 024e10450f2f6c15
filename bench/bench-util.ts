// Helpers shared by the benchmark runner (bench/run.ts) and the compile-time benchmark
// (bench/compile-time.ts): running programs with a time limit, parsing their output,
// valgrind instruction counts, machine facts, markdown tables and marked file sections.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root (build/js/bench/*.js and bench/*.ts both sit two or one levels below it). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'tsboot') return dir;
      } catch {
        /* not ours; keep walking up */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the tsboot repository root above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Receives a benchmark's headline figures under the ids of scripts/docs/registry.ts, so that
 * `npm run docs:check` and `npm run bench -- --write` take them from the same measurement.
 */
export type FigureSink = (id: string, value: number) => void;

/** Progress goes to stderr so that stdout carries only the markdown report. */
export function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** The clang the C peers and porffor's output are compiled with (the one tsboot itself uses). */
export const CLANG = 'clang-16';

export function haveCommand(cmd: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** True once the compiler's CLI has been built (build/js/toolchain/src/cli.js). */
export function compilerBuilt(): boolean {
  return fs.existsSync(path.join(repoRoot(), 'build', 'js', 'toolchain', 'src', 'cli.js'));
}

/** The `tsboot` command as [node, bin/tsboot.js]. */
export function tsbootCommand(): [string, string] {
  return [process.execPath, path.join(repoRoot(), 'bin', 'tsboot.js')];
}

export interface ExecResult {
  ok: boolean;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Wall time around the spawn, in nanoseconds. */
  wallNs: number;
  timedOut: boolean;
  /** What went wrong, for a table footnote ('' when ok). */
  error: string;
}

/** Runs a command to completion with a time limit, measuring its wall time. */
export function exec(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): ExecResult {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    input: '',
  });
  const wallNs = Number(process.hrtime.bigint() - t0);
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  let error = '';
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    error = timedOut ? `timed out after ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s` : code === 'ENOENT' ? `${cmd} not found` : r.error.message;
  } else if (r.status !== 0) {
    const first = firstLine(stderr) || firstLine(stdout);
    error = (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`) + (first ? `: ${first}` : '');
  }
  return { ok: !r.error && r.status === 0, status: r.status, signal: r.signal, stdout, stderr, wallNs, timedOut, error };
}

export function firstLine(s: string): string {
  return stripAnsi(s).split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/** What a benchmark program printed: `checksum <words>` and `ns <kernel time>`. */
export interface BenchOutput {
  checksum: string;
  ns: number;
}

/** Parses a benchmark program's output; returns an error message when the format is wrong. */
export function parseBenchOutput(stdout: string): BenchOutput | string {
  const text = stripAnsi(stdout);
  const cs = /^checksum((?: -?\d+)+)\s*$/m.exec(text);
  const ns = /^ns (\d+)\s*$/m.exec(text);
  if (!cs || !ns) return `unexpected output: ${JSON.stringify(text.slice(0, 120))}`;
  return { checksum: cs[1].trim(), ns: Number(ns[1]) };
}

/**
 * Instructions executed by a program under `valgrind --tool=callgrind` (the "Collected"
 * event count, Ir). Deterministic, unlike time; returns an error message on failure.
 */
export function callgrindInstructions(cmd: string, args: readonly string[]): number | string {
  const r = exec('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', cmd, ...args], { timeoutMs: 300_000 });
  if (!r.ok) return `valgrind: ${r.error}`;
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  if (!m) return `valgrind printed no instruction count: ${firstLine(r.stderr)}`;
  return Number(m[1]);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * a / b as the median of the per-round ratios, for two programs timed in the same rounds
 * (a[r] and b[r] next to each other): a pair shares that moment's machine load, which makes
 * the ratio steadier than the ratio of two medians on a busy machine. Rounds where either
 * is missing are skipped; NaN when none is left.
 */
export function roundRatio(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): number {
  const rs: number[] = [];
  a.forEach((ta, r) => {
    const tb = b[r];
    if (ta !== undefined && tb !== undefined && tb > 0) rs.push(ta / tb);
  });
  return median(rs);
}

export function geomean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return Math.exp(xs.reduce((acc, x) => acc + Math.log(x), 0) / xs.length);
}

export function fmtMs(ns: number): string {
  const ms = ns / 1e6;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '—';
}

export function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** A markdown table; cells may not contain newlines (pipes are escaped). */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** Facts about this machine and the tools, for the report header. */
export function machineFacts(): string[] {
  const facts: string[] = [];
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  let flags = '';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? model;
    flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '';
  } catch {
    /* not Linux: keep os.cpus() */
  }
  const mhz = os.cpus()[0]?.speed;
  const simd = ['sse4_2', 'avx', 'avx2', 'avx512f', 'bmi2', 'erms', 'fsrm'].filter((f) => new RegExp(`\\b${f}\\b`).test(flags));
  facts.push(`CPU: ${model}${mhz ? ` (${mhz} MHz reported)` : ''}, ${os.cpus().length} logical cores visible${simd.length ? `; flags: ${simd.join(' ')}` : ''}`);
  facts.push(`Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; kernel: ${os.type()} ${os.release()} ${os.arch()}; load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const tool = (cmd: string, args: string[]) => {
    const r = exec(cmd, args, { timeoutMs: 10_000 });
    return r.ok ? firstLine(r.stdout || r.stderr) : `not available`;
  };
  facts.push(`Tools: ${tool(CLANG, ['--version'])}; Node ${process.version}; ${haveCommand('valgrind') ? tool('valgrind', ['--version']) : 'valgrind not installed'}; porffor ${porfforVersion() ?? 'not installed'}`);
  return facts;
}

export function porfforVersion(): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(repoRoot(), 'node_modules', 'porffor', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the text between `begin` and `end` markers of a file. Returns false (and
 * changes nothing) when the file or a marker is missing.
 */
export function replaceMarkedSection(file: string, begin: string, end: string, content: string): boolean {
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, 'utf8');
  // The markers count only on lines of their own: a page may name them in its text (the
  // command table of docs/benchmarks.md does), and that mention must stay as it is.
  const onOwnLine = (marker: string, from: number): number => {
    for (let i = text.indexOf(marker, from); i >= 0; i = text.indexOf(marker, i + 1)) {
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      const lineEnd = text.indexOf('\n', i);
      if (text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).trim() === marker) return i;
    }
    return -1;
  };
  const b = onOwnLine(begin, 0);
  const e = b < 0 ? -1 : onOwnLine(end, b + begin.length);
  if (b < 0 || e < 0) return false;
  const next = text.slice(0, b + begin.length) + '\n' + content.trim() + '\n' + text.slice(e);
  if (next !== text) fs.writeFileSync(file, next);
  return true;
}

/** A fresh temporary directory for one benchmark run. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
