// The serial-harness protocol: the one place that decides whether a boot passed. Both the
// interactive command (qemu/boot.ts) and the tests use it.
//
// Protocol (what the loader and kernel print on their first serial port):
//   - lines are split on \n; \r and ANSI escape sequences (OVMF clears the screen) are
//     stripped; each line gets a timestamp relative to the launch of the process;
//   - `[loader] ...` lines come from the loader, `[kernel] ...` lines from the kernel,
//     `[init] ...` lines from the test initramfs's /init under Linux;
//   - the verdict is a line that is exactly `[WHO] PASS` or `[WHO] FAIL: <reason>`, WHO
//     being `kernel` (tsboot's kernel, or a user's through tsboot/protocol), `app` (an EFI
//     application through tsboot/uefi) or `init` (the test initramfs's /init under Linux);
//     an `[init] PASS` also needs /init's `[init] cmdline: X` to equal the loader's last
//     `[loader] cmdline: X`: the kernel got what was sent;
//   - x86_64: after the verdict the kernel (or app) writes 0x10 (PASS) or 0x11 (FAIL) to the
//     isa-debug-exit port 0xf4, so QEMU exits 33 or 35; aarch64: the kernel calls PSCI
//     SYSTEM_OFF (an app ResetSystem(EfiResetShutdown)) and QEMU exits 0, so only the
//     verdict line decides; /init powers off with reboot(2) on both, so QEMU exits 0;
//   - a panic, a CPU exception dump (ours or the firmware's) or silence longer than the
//     limit fails the run at once (after a short drain that captures the rest of a dump);
//   - keys: the harness types on the serial console (QEMU's stdin), which the firmware
//     merges into ConIn. The loader's menu (loader/menu.ts) prints a header line
//     `[loader] menu: N entries...`, one line per entry `[loader] > 1 name [protocol] path`
//     (`>` marks the selection) and then `[loader] menu: up/down or 1-9 choose, ...`
//     (MENU_READY); a `choose` step reads that listing and presses the keys that pick an
//     entry by name.
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
/** Who prints verdict lines (the protocol above). */
export type VerdictBy = 'kernel' | 'app' | 'init';
const VERDICT_LINE = /^\[(kernel|app|init)\] (?:PASS|FAIL: (.*))$/;
/** How failure messages name who gave the verdict. */
const VERDICT_WHO: Record<VerdictBy, string> = { kernel: 'the kernel', app: 'the application', init: '/init' };

/** Escape sequences of a VT100 terminal's keys, as the firmware's serial terminal reads them. */
export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  enter: '\r',
  backspace: '\x08',
  escape: '\x1b',
} as const;

/** The loader's line that says the menu is listed and waits for keys. */
export const MENU_READY = /^\[loader\] menu: up\/down or 1-9 choose/;
const MENU_HEADER = /^\[loader\] menu: \d+ entr/;
const MENU_ENTRY = /^\[loader\] ([> ]) (\d+) (.+?) \[([^\]]+)\]/;
/** The command line the loader passes (the last before the hand-over), and what /init read in /proc/cmdline. */
const LOADER_CMDLINE = /^\[loader\] cmdline:(?: (.*))?$/;
const INIT_CMDLINE = /^\[init\] cmdline:(?: (.*))?$/;

/** One step of typing on the serial console. */
export interface KeyStep {
  /** Wait for a line like this first (a string matches a whole line, a RegExp anywhere); omitted: go on at once. */
  after?: string | RegExp;
  /** Bytes to type (KEYS has the special keys). */
  send?: string;
  /** Pick the menu entry with this name from the last menu listing, then press Enter. */
  choose?: string;
  /** How `choose` picks: with arrow keys from the current selection (default) or with its digit. */
  via?: 'arrows' | 'digit';
}

/** An entry of the menu as the loader listed it. */
export interface MenuEntry {
  number: number;
  name: string;
  /** `tsboot`, `linux`, `efi`, `broken`, `failed: <status>` or `returned: <status>`. */
  state: string;
  selected: boolean;
}

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
  /** Keys to type on the serial console, in order (see KeyStep). */
  keys?: readonly KeyStep[];
}

export type FailureKind =
  | 'start-error' // the process could not be started
  | 'fail-pattern' // a panic / exception line
  | 'kernel-fail' // `[kernel] FAIL: <reason>`
  | 'silence' // no output for silenceMs
  | 'timeout' // the runner's hard timeout killed it
  | 'expectation' // an expected line never came (in order)
  | 'keys' // a key step could not be done (no such menu entry, no stdin)
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
  /** Who gave the verdict: the kernel or the test initramfs's /init (under Linux). */
  verdictBy?: VerdictBy;
  /** The <reason> of `[kernel] FAIL: <reason>`. */
  failReason?: string;
  /** The last menu the loader listed. */
  menu: MenuEntry[];
  /** What was typed, in order (for messages). */
  typed: string[];
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
  let verdictBy: VerdictBy | undefined;
  let menu: MenuEntry[] = [];
  const typed: string[] = [];
  let loaderCmdline: string | undefined;
  let initCmdline: string | undefined;
  const keySteps = opts.keys ?? [];
  let nextKey = 0;

  const decoder = new StringDecoder('utf8');
  let partial = '';
  // Silence and the wait for an exit after the verdict run on the process's own clock
  // (progress, for QEMU: see qemu/runner.ts), so a busy machine does not trip them.
  let cancelSilence: (() => void) | undefined;
  let cancelVerdictWait: (() => void) | undefined;
  let drainTimer: NodeJS.Timeout | undefined;

  let chunks = 0;
  const armSilence = () => {
    cancelSilence?.();
    if (!(silenceMs > 0) || !proc.running) return;
    const seen = chunks;
    cancelSilence = proc.after(silenceMs, () => {
      // Decided one turn of the event loop later: when this process itself was starved,
      // timers run before pending output is read, and output that already arrived is
      // not silence.
      setImmediate(() => {
        if (earlyFailure || verdict || chunks !== seen) return;
        earlyFailure = { kind: 'silence', message: `no serial output for ${(silenceMs / 1000).toFixed(1)} s (last line: ${lines.length ? JSON.stringify(lines[lines.length - 1].text) : 'none'})` };
        proc.kill('harness');
      });
    });
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

    const lc = LOADER_CMDLINE.exec(text);
    if (lc) loaderCmdline = lc[1] ?? '';
    const ic = INIT_CMDLINE.exec(text);
    if (ic) initCmdline = ic[1] ?? '';
    if (MENU_HEADER.test(text)) menu = [];
    const me = MENU_ENTRY.exec(text);
    if (me) menu.push({ number: Number(me[2]), name: me[3], state: me[4], selected: me[1] === '>' });
    runKeySteps(text);

    if (nextExpect < expects.length) {
      const p = expects[nextExpect];
      if (typeof p === 'string' ? text === p : p.test(text)) {
        expectations[nextExpect].line = line;
        nextExpect++;
      }
    }

    if (verdict === null) {
      const m = VERDICT_LINE.exec(text);
      if (m) {
        verdict = m[2] !== undefined ? 'fail' : 'pass';
        verdictBy = m[1] as VerdictBy;
        failReason = m[2];
        verdictLine = line;
        cancelSilence?.();
        // The kernel exits QEMU right after its verdict; give it a moment, then stop it.
        cancelVerdictWait = proc.after(afterVerdictMs, () => {
          if (proc.running) {
            exitedAfterVerdict = false;
            proc.kill('harness');
          }
        });
      }
    }

    if (!earlyFailure) {
      // A `[kernel] FAIL:` verdict may legitimately mention an exception; it is reported as such.
      const isVerdict = line === verdictLine;
      const hit = isVerdict ? undefined : failPatterns.find((fp) => fp.re.test(text));
      if (hit) {
        earlyFailure = { kind: 'fail-pattern', message: `${hit.name}: ${JSON.stringify(text)} at ${secs(line.tMs)}`, line };
        cancelSilence?.();
        drainTimer = setTimeout(() => proc.kill('harness'), drainMs);
      }
    }
  };

  /** Does the key steps whose trigger `text` is (and the untriggered ones after them). */
  function runKeySteps(text: string): void {
    while (nextKey < keySteps.length && !earlyFailure) {
      const step = keySteps[nextKey];
      const trigger = step.after;
      if (trigger !== undefined && !(typeof trigger === 'string' ? text === trigger : trigger.test(text))) return;
      nextKey++;
      let bytes = step.send ?? '';
      if (step.choose !== undefined) {
        const want = menu.find((m) => m.name === step.choose);
        const sel = menu.find((m) => m.selected);
        if (!want || !sel) {
          const listed = menu.map((m) => `${m.number} ${m.name} [${m.state}]`).join(', ') || 'none';
          earlyFailure = { kind: 'keys', message: `cannot choose menu entry '${step.choose}': the menu lists ${listed}` };
          proc.kill('harness');
          return;
        }
        if (step.via === 'digit') bytes += String(want.number);
        else bytes += (want.number > sel.number ? KEYS.down : KEYS.up).repeat(Math.abs(want.number - sel.number));
        bytes += KEYS.enter;
      }
      if (!proc.stdin) {
        earlyFailure = { kind: 'keys', message: 'the process has no stdin to type into' };
        proc.kill('harness');
        return;
      }
      typed.push(bytes);
      proc.stdin.write(bytes);
      // A step without a trigger runs now; one with a trigger waits for a later line.
      if (nextKey < keySteps.length && keySteps[nextKey].after !== undefined) return;
    }
  }

  proc.stdout.on('data', (chunk: Buffer) => {
    chunks++;
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
    cancelSilence?.();
    cancelVerdictWait?.();
    if (drainTimer) clearTimeout(drainTimer);
    partial += decoder.end();
    if (partial.length > 0) handleLine(partial);

    const timings = { firstLoaderMs, firstKernelMs, verdictMs: verdictLine?.tMs, exitMs: exit.durationMs };
    const fail = decide(exit);
    return {
      ok: fail === undefined,
      verdict,
      verdictBy,
      failReason,
      menu,
      typed,
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
    if (verdict === 'fail') return { kind: 'kernel-fail', message: `${VERDICT_WHO[verdictBy!]} reported FAIL: ${failReason}`, line: verdictLine };
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
    if (nextKey < keySteps.length) {
      const step = keySteps[nextKey];
      return { kind: 'keys', message: `key step ${nextKey + 1} never ran: no line ${patternText(step.after!)} came; process ${describeExit(undefined, exit)}` + stderrTail };
    }
    if (opts.unique) {
      const seen = new Set<string>();
      const dups = lines.filter((l) => opts.unique!.test(l.text) && (seen.has(l.text) || (seen.add(l.text), false)));
      if (dups.length > 0) {
        return { kind: 'duplicate', message: `${dups.length} line(s) printed twice, first: ${JSON.stringify(dups[0].text)} at ${secs(dups[0].tMs)}`, line: dups[0] };
      }
    }
    if (requireVerdict && verdict === null) {
      return { kind: 'no-verdict', message: `the run ended without a \`${PASS_LINE}\` or \`[kernel] FAIL: <reason>\` line (or the same from [app]/[init]); process ${describeExit(undefined, exit)}` + stderrTail };
    }
    if (verdict === 'pass' && verdictBy === 'init' && initCmdline !== loaderCmdline) {
      const got = initCmdline === undefined ? 'no `[init] cmdline:` line' : JSON.stringify(initCmdline);
      return { kind: 'expectation', message: `the kernel's command line is ${got}, but the loader passed ${JSON.stringify(loaderCmdline ?? '')}` };
    }
    // /init powers off with reboot(2) on both architectures: QEMU exits 0 whatever the kernel's convention.
    const conv: ExitConvention = verdictBy === 'init' && convention !== 'any' ? 'psci' : convention;
    if (verdict !== null && !exitedAfterVerdict) {
      const how = conv === 'psci' ? (verdictBy === 'init' ? 'power off (reboot(2))' : 'power off (PSCI SYSTEM_OFF)') : conv === 'isa-debug-exit' ? 'exit through isa-debug-exit (port 0xf4)' : 'exit';
      if (conv !== 'any') return { kind: 'exit-code', message: `the kernel printed its verdict but did not ${how} within ${secs(afterVerdictMs)}` };
    }
    if (verdict === 'pass' && exitedAfterVerdict) {
      if (conv === 'isa-debug-exit' && exit.code !== ISA_DEBUG_EXIT_PASS) {
        return { kind: 'exit-code', message: `\`[${verdictBy}] PASS\` was printed but QEMU exited with ${describeExit('x86_64', exit)}, not ${ISA_DEBUG_EXIT_PASS} (write 0x10 to port 0xf4)` + stderrTail };
      }
      if (conv === 'psci' && exit.code !== 0) {
        const line = `[${verdictBy}] PASS`;
        return { kind: 'exit-code', message: `\`${line}\` was printed but QEMU exited with ${describeExit(undefined, exit)}, not 0 (power off)` + stderrTail };
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

/** The loader's phase times (loader/clock.ts), in microseconds of the guest's clock. */
export interface LoaderTimes {
  phases: { name: string; us: number }[];
  totalUs: number;
}

/** The loader's `[loader] time: <phase> <n> us, ..., total <n> us` line, read back. */
export const LOADER_TIME_LINE = /^\[loader\] time: (?:[\w.]+ \d+ us, )+total \d+ us$/;

/** The loader's phase times from a boot's serial lines, if it printed them. */
export function loaderTimes(lines: readonly SerialLine[]): LoaderTimes | undefined {
  const line = lines.map((l) => l.text).find((t) => LOADER_TIME_LINE.test(t));
  if (!line) return undefined;
  const phases = [...line.matchAll(/ ([\w.]+) (\d+) us,/g)].map((m) => ({ name: m[1], us: Number(m[2]) }));
  return { phases, totalUs: Number(/total (\d+) us$/.exec(line)![1]) };
}

function ms(us: number): string {
  return (us / 1000).toFixed(1);
}

/** The timing summary printed after a boot. */
export function formatTimings(r: HarnessResult): string {
  const t = r.timings;
  const step = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? ` (+${((b - a) / 1000).toFixed(2)} s)` : '');
  const lt = loaderTimes(r.lines);
  return [
    ...(lt ? [`  loader, entry -> jump:         ${ms(lt.totalUs)} ms (${lt.phases.map((p) => `${p.name} ${ms(p.us)}`).join(', ')})`] : []),
    `  launch -> first [loader] line: ${secs(t.firstLoaderMs)}`,
    `  launch -> first [kernel] line: ${secs(t.firstKernelMs)}${step(t.firstLoaderMs, t.firstKernelMs)}`,
    `  launch -> verdict:             ${secs(t.verdictMs)}${step(t.firstKernelMs, t.verdictMs)}`,
    `  launch -> QEMU exit:           ${secs(t.exitMs)}`,
  ].join('\n');
}

/** A one-paragraph verdict for humans: PASS, or what failed and why. */
export function formatVerdict(r: HarnessResult, arch?: Arch): string {
  const line = `[${r.verdictBy ?? 'kernel'}] PASS`;
  if (r.ok) return `PASS (${r.verdict === 'pass' ? line : 'all expected lines'}; QEMU ${describeExit(arch, r.exit)})`;
  const f = r.failure!;
  return `FAIL [${f.kind}]: ${f.message}`;
}
