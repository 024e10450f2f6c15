// The serial-harness protocol: the one place that decides whether a boot passed. Both the
// interactive command (qemu/boot.ts) and the tests use it.
//
// Protocol (what the loader and kernel print on their first serial port):
//   - lines are split on \n; \r and ANSI escape sequences (OVMF clears the screen) are
//     stripped; each line gets a timestamp relative to the launch of the process;
//   - `[loader] ...` lines come from the loader, `[kernel] ...` lines from the kernel;
//   - the verdict is a line that is exactly `[kernel] PASS` or `[kernel] FAIL: <reason>`;
//   - x86_64: after the verdict the kernel writes 0x10 (PASS) or 0x11 (FAIL) to the
//     isa-debug-exit port 0xf4, so QEMU exits 33 or 35; aarch64: the kernel calls PSCI
//     SYSTEM_OFF and QEMU exits 0, so only the verdict line decides;
//   - a panic, a CPU exception dump (ours or the firmware's) or silence longer than the
//     limit fails the run at once (after a short drain that captures the rest of a dump);
//   - optionally (`unique`), a line printed twice fails the run: the loader must show each
//     line once on serial whether or not the firmware copies its console there.
import { performance } from 'perf_hooks';
import { StringDecoder } from 'string_decoder';
import type { Arch } from '../scripts/paths';
import { describeExit, LaunchedProcess, ProcessExit } from './runner';

export interface SerialLine {
  /** The line without \r, ANSI sequences and other control characters. */
  text: string;
  /** Milliseconds from process launch to the line's newline (as read, within ~10 ms of its writing). */
  tMs: number;
}

export interface FailPattern {
  /** What the match means, for the failure message. */
  name: string;
  re: RegExp;
}

/** Lines that end a run at once. */
export const DEFAULT_FAIL_PATTERNS: readonly FailPattern[] = [
  { name: 'panic', re: /\bpanic\b/i },
  { name: 'OVMF CPU exception dump', re: /X64 Exception Type/ },
  { name: 'AAVMF synchronous exception', re: /Synchronous Exception/ },
  { name: 'page fault (#PF)', re: /#PF\b/ },
  { name: 'general protection fault (#GP)', re: /#GP\b/ },
  { name: 'invalid opcode (#UD)', re: /#UD\b/ },
  { name: 'exception', re: /\bexception\b/i },
];

export const PASS_LINE = '[kernel] PASS';
const FAIL_LINE = /^\[kernel\] FAIL: (.*)$/;

/**
 * How the process's exit status must agree with the verdict:
 * - 'isa-debug-exit' (x86_64): 33 with PASS, 35 with FAIL;
 * - 'psci' (aarch64): 0 (SYSTEM_OFF) with either; the line decides;
 * - 'any': not checked.
 */
export type ExitConvention = 'isa-debug-exit' | 'psci' | 'any';

export function exitConventionFor(arch: Arch): ExitConvention {
  return arch === 'x86_64' ? 'isa-debug-exit' : 'psci';
}

export const ISA_DEBUG_EXIT_PASS = 33; // (0x10 << 1) | 1
export const ISA_DEBUG_EXIT_FAIL = 35; // (0x11 << 1) | 1

export interface HarnessOptions {
  /** Lines that must appear, in this order (other lines may come between). A string matches a whole line exactly; a RegExp matches anywhere in a line. */
  expect?: ReadonlyArray<string | RegExp>;
  /** Require a `[kernel] PASS` / `[kernel] FAIL:` verdict (default true). */
  requireVerdict?: boolean;
  /** Exit status convention to check against the verdict (default 'any'). */
  exitConvention?: ExitConvention;
  /** Exact exit status required (for programs without a verdict, e.g. the firmware-floor app). */
  expectedExitCode?: number;
  /** Lines matching this must each appear at most once (e.g. /^\[(loader|kernel)\] /). */
  unique?: RegExp;
  /** Lines that fail the run at once (default DEFAULT_FAIL_PATTERNS). */
  failPatterns?: readonly FailPattern[];
  /** Fail when no byte arrives for this long (default 30 s; 0 disables, e.g. under gdb). */
  silenceMs?: number;
  /** After the verdict, how long the process may take to exit by itself (default 5 s). */
  afterVerdictMs?: number;
  /** After a fail-fast match, keep reading this long to capture the rest of a dump (default 500 ms). */
  drainMs?: number;
  /** Echo each line live (with its timestamp) to this stream, e.g. process.stdout. */
  echo?: NodeJS.WritableStream;
  /** Called for each line as it arrives (after echo). */
  onLine?: (line: SerialLine) => void;
}

export type FailureKind =
  | 'start-error' // the process could not be started
  | 'fail-pattern' // a panic / exception line
  | 'kernel-fail' // `[kernel] FAIL: <reason>`
  | 'silence' // no output for silenceMs
  | 'timeout' // the runner's hard timeout killed it
  | 'expectation' // an expected line never came (in order)
  | 'no-verdict' // the process ended without a verdict line
  | 'duplicate' // a line matching `unique` appeared twice
  | 'exit-code'; // exit status disagrees with the verdict / expectedExitCode

export interface HarnessFailure {
  kind: FailureKind;
  message: string;
  /** The line that caused it, when one did. */
  line?: SerialLine;
}

export interface HarnessResult {
  /** True exactly when there is no failure. */
  ok: boolean;
  verdict: 'pass' | 'fail' | null;
  /** The <reason> of `[kernel] FAIL: <reason>`. */
  failReason?: string;
  failure?: HarnessFailure;
  lines: SerialLine[];
  /** Each expectation and the line that satisfied it (in order), if any. */
  expectations: { pattern: string; line?: SerialLine }[];
  exit: ProcessExit;
  /** Milliseconds from launch. */
  timings: { firstLoaderMs?: number; firstKernelMs?: number; verdictMs?: number; exitMs: number };
  command: string;
}

/** Removes ANSI escape sequences and control characters other than tab. */
export function cleanSerialText(s: string): string {
  return s
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI: ESC [ params final (includes OVMF's ESC[=3h)
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC
    .replace(/\x1b[()*+][0-9A-Za-z]/g, '') // character set selection
    .replace(/\x1b[@-Z\\-_]/g, '') // other two-byte escapes
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function patternText(p: string | RegExp): string {
  return typeof p === 'string' ? JSON.stringify(p) : String(p);
}

function secs(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * Reads `proc`'s stdout as a serial log until the process exits (the harness kills it on a
 * fail-fast line, on silence, or when it does not exit after its verdict) and returns the
 * verdict. Never throws for a failed boot; the result says what happened.
 */
export function runHarness(proc: LaunchedProcess, opts: HarnessOptions = {}): Promise<HarnessResult> {
  const failPatterns = opts.failPatterns ?? DEFAULT_FAIL_PATTERNS;
  const requireVerdict = opts.requireVerdict ?? true;
  const convention = opts.exitConvention ?? 'any';
  const silenceMs = opts.silenceMs ?? 30_000;
  const afterVerdictMs = opts.afterVerdictMs ?? 5_000;
  const drainMs = opts.drainMs ?? 500;
  const expects = opts.expect ?? [];
  const expectations: HarnessResult['expectations'] = expects.map((p) => ({ pattern: patternText(p) }));

  const lines: SerialLine[] = [];
  let nextExpect = 0;
  let verdict: 'pass' | 'fail' | null = null;
  let failReason: string | undefined;
  let verdictLine: SerialLine | undefined;
  let earlyFailure: HarnessFailure | undefined; // fail-pattern or silence
  let firstLoaderMs: number | undefined;
  let firstKernelMs: number | undefined;
  let exitedAfterVerdict = true;

  const decoder = new StringDecoder('utf8');
  let partial = '';
  let silenceTimer: NodeJS.Timeout | undefined;
  let verdictTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;

  const armSilence = () => {
    if (silenceTimer) clearTimeout(silenceTimer);
    if (!(silenceMs > 0) || !proc.running) return;
    silenceTimer = setTimeout(() => {
      if (earlyFailure || verdict) return;
      earlyFailure = { kind: 'silence', message: `no serial output for ${(silenceMs / 1000).toFixed(1)} s (last line: ${lines.length ? JSON.stringify(lines[lines.length - 1].text) : 'none'})` };
      proc.kill('harness');
    }, silenceMs);
  };

  const handleLine = (raw: string) => {
    const text = cleanSerialText(raw).trimEnd();
    const line: SerialLine = { text, tMs: performance.now() - proc.startedAt };
    lines.push(line);
    // Lines that were only escape sequences (screen clears) are kept but not echoed.
    if (opts.echo && !(text === '' && raw.replace(/\r/g, '') !== '')) {
      opts.echo.write(`[${(line.tMs / 1000).toFixed(3).padStart(8)}] ${text}\n`);
    }
    opts.onLine?.(line);

    if (firstLoaderMs === undefined && text.startsWith('[loader]')) firstLoaderMs = line.tMs;
    if (firstKernelMs === undefined && text.startsWith('[kernel]')) firstKernelMs = line.tMs;

    if (nextExpect < expects.length) {
      const p = expects[nextExpect];
      if (typeof p === 'string' ? text === p : p.test(text)) {
        expectations[nextExpect].line = line;
        nextExpect++;
      }
    }

    if (verdict === null) {
      const m = FAIL_LINE.exec(text);
      if (text === PASS_LINE || m) {
        verdict = m ? 'fail' : 'pass';
        failReason = m ? m[1] : undefined;
        verdictLine = line;
        if (silenceTimer) clearTimeout(silenceTimer);
        // The kernel exits QEMU right after its verdict; give it a moment, then stop it.
        verdictTimer = setTimeout(() => {
          if (proc.running) {
            exitedAfterVerdict = false;
            proc.kill('harness');
          }
        }, afterVerdictMs);
      }
    }

    if (!earlyFailure) {
      // A `[kernel] FAIL:` verdict may legitimately mention an exception; it is reported as such.
      const isVerdict = line === verdictLine;
      const hit = isVerdict ? undefined : failPatterns.find((fp) => fp.re.test(text));
      if (hit) {
        earlyFailure = { kind: 'fail-pattern', message: `${hit.name}: ${JSON.stringify(text)} at ${secs(line.tMs)}`, line };
        if (silenceTimer) clearTimeout(silenceTimer);
        drainTimer = setTimeout(() => proc.kill('harness'), drainMs);
      }
    }
  };

  proc.stdout.on('data', (chunk: Buffer) => {
    armSilence();
    partial += decoder.write(chunk);
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const raw = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      handleLine(raw);
    }
  });
  armSilence();

  return proc.exited.then((exit) => {
    for (const t of [silenceTimer, verdictTimer, drainTimer]) if (t) clearTimeout(t);
    partial += decoder.end();
    if (partial.length > 0) handleLine(partial);

    const timings = { firstLoaderMs, firstKernelMs, verdictMs: verdictLine?.tMs, exitMs: exit.durationMs };
    const fail = decide(exit);
    return {
      ok: fail === undefined,
      verdict,
      failReason,
      failure: fail,
      lines,
      expectations,
      exit,
      timings,
      command: proc.command,
    };
  });

  function decide(exit: ProcessExit): HarnessFailure | undefined {
    const stderrTail = exit.stderr.trim() ? `\nprocess stderr:\n${exit.stderr.trim().split('\n').slice(-10).map((l) => '  ' + l).join('\n')}` : '';
    if (exit.startError) return { kind: 'start-error', message: exit.startError };
    if (earlyFailure) return earlyFailure;
    if (verdict === 'fail') return { kind: 'kernel-fail', message: `the kernel reported FAIL: ${failReason}`, line: verdictLine };
    if (verdict === null && exit.killedBy === 'timeout') {
      return { kind: 'timeout', message: `no verdict before the hard timeout (${secs(exit.durationMs)}); last line: ${lines.length ? JSON.stringify(lastNonEmpty(lines)) : 'none'}` };
    }
    if (nextExpect < expects.length) {
      const got = expectations.filter((e) => e.line).map((e) => e.pattern);
      return {
        kind: 'expectation',
        message: `expected line ${patternText(expects[nextExpect])} never came` + (got.length ? ` (after ${got.join(', ')})` : '') + `; process ${describeExit(undefined, exit)}` + stderrTail,
      };
    }
    if (opts.unique) {
      const seen = new Set<string>();
      const dups = lines.filter((l) => opts.unique!.test(l.text) && (seen.has(l.text) || (seen.add(l.text), false)));
      if (dups.length > 0) {
        return { kind: 'duplicate', message: `${dups.length} line(s) printed twice, first: ${JSON.stringify(dups[0].text)} at ${secs(dups[0].tMs)}`, line: dups[0] };
      }
    }
    if (requireVerdict && verdict === null) {
      return { kind: 'no-verdict', message: `the run ended without a \`${PASS_LINE}\` or \`[kernel] FAIL: <reason>\` line; process ${describeExit(undefined, exit)}` + stderrTail };
    }
    if (verdict !== null && !exitedAfterVerdict) {
      const how = convention === 'psci' ? 'power off (PSCI SYSTEM_OFF)' : convention === 'isa-debug-exit' ? 'exit through isa-debug-exit (port 0xf4)' : 'exit';
      if (convention !== 'any') return { kind: 'exit-code', message: `the kernel printed its verdict but did not ${how} within ${secs(afterVerdictMs)}` };
    }
    if (verdict === 'pass' && exitedAfterVerdict) {
      if (convention === 'isa-debug-exit' && exit.code !== ISA_DEBUG_EXIT_PASS) {
        return { kind: 'exit-code', message: `\`${PASS_LINE}\` was printed but QEMU exited with ${describeExit('x86_64', exit)}, not ${ISA_DEBUG_EXIT_PASS} (write 0x10 to port 0xf4)` + stderrTail };
      }
      if (convention === 'psci' && exit.code !== 0) {
        return { kind: 'exit-code', message: `\`${PASS_LINE}\` was printed but QEMU exited with ${describeExit('aarch64', exit)}, not 0 (PSCI SYSTEM_OFF)` + stderrTail };
      }
    }
    if (opts.expectedExitCode !== undefined && exit.code !== opts.expectedExitCode) {
      return { kind: 'exit-code', message: `expected exit status ${opts.expectedExitCode}, got ${describeExit(undefined, exit)}` + stderrTail };
    }
    return undefined;
  }
}

function lastNonEmpty(lines: SerialLine[]): string {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].text !== '') return lines[i].text;
  return '';
}

/** The timing summary printed after a boot. */
export function formatTimings(r: HarnessResult): string {
  const t = r.timings;
  const step = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? ` (+${((b - a) / 1000).toFixed(2)} s)` : '');
  return [
    `  launch -> first [loader] line: ${secs(t.firstLoaderMs)}`,
    `  launch -> first [kernel] line: ${secs(t.firstKernelMs)}${step(t.firstLoaderMs, t.firstKernelMs)}`,
    `  launch -> verdict:             ${secs(t.verdictMs)}${step(t.firstKernelMs, t.verdictMs)}`,
    `  launch -> QEMU exit:           ${secs(t.exitMs)}`,
  ].join('\n');
}

/** A one-paragraph verdict for humans: PASS, or what failed and why. */
export function formatVerdict(r: HarnessResult, arch?: Arch): string {
  if (r.ok) return `PASS (${r.verdict === 'pass' ? PASS_LINE : 'all expected lines'}; QEMU ${describeExit(arch, r.exit)})`;
  const f = r.failure!;
  return `FAIL [${f.kind}]: ${f.message}`;
}
