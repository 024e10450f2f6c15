// Launches QEMU (and, for the harness's own tests, any other process) with a hard
// timeout, and makes sure it dies with us.
//
// Guarantees: every launched process is killed with SIGKILL, by its PID, when its timeout
// expires, when this Node process exits, or when it receives SIGINT/SIGTERM/SIGHUP. (A
// SIGKILL of Node itself cannot be caught; the QEMU it leaves behind still has no disk
// writes pending, since every run uses private copies.)
//
// Time limits on QEMU count the guest's progress, not the clock: a QEMU that shares the
// machine with other work (parallel test suites, other builds) gets less CPU and takes
// longer in wall time without being any closer to hanging. A progress timer (see
// LaunchOptions.progressTimers) fires once the process has had the limit both in wall
// time and in CPU time (all its threads, from /proc/<pid>/stat), so a starved QEMU is not
// killed for being starved, while a spinning one is stopped on time; a process that waits
// without using the CPU (a halted guest) is stopped after WALL_FACTOR times the limit.
//
// Serial: QEMU's first serial port is `-serial stdio`, i.e. the child's stdout, which the
// harness (qemu/harness.ts) reads. That stdout is a regular file read back as it grows
// (qemu/tail.ts), not a pipe: a pipe refuses QEMU's writes whenever the reader falls
// behind, and the guest then loses serial output. stdin stays a pipe (keys for the guest).
// QEMU's own diagnostics go to stderr, which is captured for error messages and optionally
// echoed.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { performance } from 'perf_hooks';
import type { Readable, Writable } from 'stream';
import { formatCommand } from '../scripts/exec';
import { Arch, archInfo } from '../scripts/paths';
import { openOutputFile, tailFd } from './tail';

export type KillReason = 'timeout' | 'harness' | 'signal' | 'parent-exit' | 'caller';

export interface ProcessExit {
  /** Exit status, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why we killed it, when we did. */
  killedBy?: KillReason;
  /** Set when the process could not be started at all. */
  startError?: string;
  /** Launch to exit, in milliseconds (including reading the last of its stdout). */
  durationMs: number;
  /** The last 64 KiB of the process's stderr. */
  stderr: string;
}

export interface LaunchedProcess {
  pid: number | undefined;
  /** The command line, shell-quoted, for messages. */
  command: string;
  /** performance.now() at launch; serial timestamps are relative to this. */
  startedAt: number;
  /** Everything the process writes to its stdout (a file, read back as it grows; see above). */
  stdout: Readable;
  stdin: Writable | null;
  /** Resolves after the process has exited and its stdout and stderr are fully read. */
  exited: Promise<ProcessExit>;
  readonly running: boolean;
  /** SIGKILL by PID (no-op once it has exited); the reason is reported in ProcessExit. */
  kill(reason?: KillReason): void;
  /**
   * Calls `fn` once `ms` have passed on this process's clock (wall time, or its progress
   * with progressTimers); returns a function that cancels the timer.
   */
  after(ms: number, fn: () => void): () => void;
}

export interface LaunchOptions {
  /** Hard limit; the process is killed after this many milliseconds. Required on purpose. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Also copy the child's stderr live to this stream (e.g. process.stderr). */
  echoStderr?: Writable;
  /** Keep the child's raw stdout in this file (default: an unnamed temporary file). */
  outputFile?: string;
  /** The timeout and after() timers count progress (see the head of this file), not wall time. */
  progressTimers?: boolean;
}

/** A progress timer fires at the latest after this many times its length in wall time. */
export const WALL_FACTOR = 4;
const PROGRESS_POLL_MS = 100;
/** Linux reports CPU times in /proc in units of USER_HZ, which is 100 on every architecture. */
const USER_HZ = 100;

/** CPU time (user + system, all threads) used so far by process `pid`, or undefined if unknown. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of the line (utime, stime), counted from the state field (3).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` once `pid` has made `ms` of progress: `ms` of wall time and `ms` of CPU time,
 * both counted from now, or WALL_FACTOR × `ms` of wall time, whichever comes first. Where
 * the CPU time cannot be read, this is a plain wall-time timer. Returns the cancel function.
 */
export function afterProgress(pid: number, ms: number, fn: () => void): () => void {
  const t0 = performance.now();
  const cpu0 = processCpuMs(pid);
  if (cpu0 === undefined) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }
  const poll = setInterval(() => {
    const wall = performance.now() - t0;
    const cpu = (processCpuMs(pid) ?? Infinity) - cpu0;
    if (Math.min(wall, cpu) >= ms || wall >= ms * WALL_FACTOR) {
      clearInterval(poll);
      fn();
    }
  }, Math.min(PROGRESS_POLL_MS, Math.max(10, ms / 4)));
  return () => clearInterval(poll);
}

const STDERR_KEEP = 64 * 1024;
const running = new Set<LaunchedProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function killAll(reason: KillReason): void {
  for (const p of [...running]) p.kill(reason);
}

function onExit(): void {
  killAll('parent-exit');
}

function onSignal(sig: NodeJS.Signals): void {
  const names = [...running].map((p) => `${p.command.split(' ')[0]} (pid ${p.pid})`);
  killAll('signal');
  if (names.length > 0) process.stderr.write(`\n${sig}: killed ${names.join(', ')}\n`);
  // If nobody else handles the signal, behave like the default action would, but through
  // process.exit so that 'exit' hooks (firmware VARS cleanup) still run.
  if (process.listenerCount(sig) <= 1) process.exit(128 + (SIGNAL_NUMBERS[sig] ?? 1));
}

// The hooks are installed only while something runs, so an idle importer's signals are
// left alone.
function hookParent(): void {
  if (running.size !== 1) return;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhookParent(): void {
  if (running.size !== 0) return;
  process.removeListener('exit', onExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Spawns `cmd args` with stdout to a file read back as it grows, a hard timeout and kill-on-exit. */
export function launchProcess(cmd: string, args: readonly string[], opts: LaunchOptions): LaunchedProcess {
  if (!(opts.timeoutMs > 0)) throw new Error(`launchProcess(${cmd}): timeoutMs must be positive (got ${opts.timeoutMs})`);
  const command = formatCommand(cmd, args);
  const out = openOutputFile(opts.outputFile);
  const startedAt = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', out.writeFd, 'pipe'] });
  } catch (e) {
    fs.closeSync(out.readFd);
    throw e;
  } finally {
    fs.closeSync(out.writeFd); // the child has its own copy
  }
  const tail = tailFd(out.readFd);
  let killedBy: KillReason | undefined;
  let alive = true;
  let stderr = '';
  let startError: string | undefined;

  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEEP);
    opts.echoStderr?.write(s);
  });
  // A process that exits without reading its stdin makes writes fail with EPIPE; that is
  // not our error to report.
  child.stdin!.on('error', () => {});

  const proc: LaunchedProcess = {
    pid: child.pid,
    command,
    startedAt,
    stdout: tail.stream,
    stdin: child.stdin,
    exited: undefined as unknown as Promise<ProcessExit>,
    get running() {
      return alive;
    },
    kill(reason: KillReason = 'caller') {
      if (!alive || child.pid === undefined) return;
      if (killedBy === undefined) killedBy = reason;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
    after(ms: number, fn: () => void): () => void {
      if (opts.progressTimers && child.pid !== undefined) return afterProgress(child.pid, ms, fn);
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
  };

  const cancelTimeout = proc.after(opts.timeoutMs, () => proc.kill('timeout'));
  proc.exited = new Promise<ProcessExit>((resolve) => {
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      alive = false; // from here on the PID may belong to another process
      cancelTimeout();
      running.delete(proc);
      unhookParent();
      // The writer is gone: read its stdout file to the end, so that the harness has seen
      // every byte when this resolves (and no line is stamped after the exit).
      void tail.finish().then(() => {
        resolve({ code, signal, killedBy, startError, durationMs: performance.now() - startedAt, stderr });
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      startError = e.code === 'ENOENT' ? `${cmd} is not installed or not on PATH (run \`npm run setup\`)` : `${cmd}: ${e.message}`;
      // A spawn failure emits 'error' and may never emit 'close'.
      if (child.pid === undefined) settle(null, null);
    });
    // 'close' comes after the process has exited and its stderr has ended.
    child.on('close', (code, signal) => settle(code, signal));
  });

  if (child.pid !== undefined) {
    running.add(proc);
    hookParent();
  }
  return proc;
}

// ---- QEMU ----------------------------------------------------------------------------

/** How the boot disk is attached (`default`: AHCI/IDE on x86_64, virtio-blk-pci on aarch64). */
export const DISK_BUSES = ['default', 'virtio', 'nvme', 'usb'] as const;
export type DiskBus = (typeof DISK_BUSES)[number];
export const X86_MACHINES = ['q35', 'pc'] as const;
export type X86Machine = (typeof X86_MACHINES)[number];

export interface QemuOptions {
  arch: Arch;
  /**
   * Firmware (ovmf/firmware.ts): EDK2's read-only CODE volume and this run's writable VARS
   * copy as pflash, or, without `vars`, an image loaded with -bios (U-Boot). `smm`: the
   * firmware needs SMM and a secure pflash (OVMF's Secure Boot build; q35 only).
   */
  firmware: { code: string; vars?: string; smm?: boolean };
  /** x86_64 machine type (default q35). */
  machine?: X86Machine;
  /** Raw disk image to boot from (an ESP image or a partitioned disk). Omit to attach none. */
  disk?: string;
  /**
   * The disk's bus (default `default`). `usb` is a usb-storage device on an EHCI controller:
   * the USB controller every firmware here drives (U-Boot's Debian builds have no xHCI).
   */
  diskBus?: DiskBus;
  /** Guest RAM, QEMU syntax (default 256M). */
  memory?: string;
  /** CPUs (default 1). */
  smp?: number;
  /** CPU model (default qemu64 on x86_64, cortex-a72 on aarch64). */
  cpu?: string;
  /** Use KVM instead of TCG (x86_64 guest on an x86_64 host only). */
  kvm?: boolean;
  /** Start paused with the gdbstub on tcp::1234 (`-s -S`). */
  gdb?: boolean;
  /** Appended verbatim (USB devices, `-qmp unix:...`, extra drives). */
  extraArgs?: string[];
  /**
   * Let a guest reset restart the machine, as a real one does (default false: `-no-reboot`,
   * a reset ends QEMU). Tests that must prove a kernel never resets boot this way.
   */
  reboot?: boolean;
}

// QEMU's option parser splits on commas; a literal comma in a file name is written twice.
function qemuValue(s: string): string {
  return s.replace(/,/g, ',,');
}

/** The QEMU command line for a run (pure; used by launchQemu and by tests). */
export function qemuCommand(o: QemuOptions): { cmd: string; args: string[] } {
  const info = archInfo(o.arch);
  const memory = o.memory ?? '256M';
  if (!/^\d+[KMGT]?$/i.test(memory)) throw new Error(`invalid memory size ${JSON.stringify(memory)}; use e.g. 256M or 1G`);
  const smp = o.smp ?? 1;
  if (!Number.isInteger(smp) || smp < 1 || smp > 64) throw new Error(`invalid CPU count ${smp}; use 1..64`);
  if (o.kvm) {
    const hostArch = os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : os.arch();
    if (hostArch !== o.arch) throw new Error(`KVM cannot run an ${o.arch} guest on this ${hostArch} host; drop --kvm to use TCG`);
  }
  const fw = o.firmware.vars === undefined
    ? ['-bios', o.firmware.code]
    : [
      '-drive', `if=pflash,format=raw,readonly=on,file=${qemuValue(o.firmware.code)}`,
      '-drive', `if=pflash,format=raw,file=${qemuValue(o.firmware.vars)}`,
      ...(o.firmware.smm ? ['-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
    ];
  const machine = o.machine ?? 'q35';
  if (o.arch !== 'x86_64' && o.machine) throw new Error(`--machine ${o.machine} is an x86_64 machine type; aarch64 always uses virt`);
  if (o.firmware.smm && machine !== 'q35') throw new Error(`this firmware needs SMM, which OVMF supports only on q35 (not ${machine})`);
  const disk = o.disk ? diskArgs(o.arch, o.diskBus ?? 'default', qemuValue(o.disk)) : [];
  // thread=multi: one host thread per vCPU, so that several CPUs really run at once; not
  // with -icount (counted instructions), which QEMU runs on one thread only.
  const tcg = o.extraArgs?.includes('-icount') ? 'tcg' : 'tcg,thread=multi';
  const common = ['-m', memory, '-smp', String(smp), '-accel', o.kvm ? 'kvm' : tcg];
  // menu=on,splash-time=0: AAVMF otherwise waits for a menu timeout (7.3 s vs 1.8 s boots).
  const tail = ['-boot', 'menu=on,splash-time=0', '-serial', 'stdio', '-monitor', 'none', '-display', 'none', ...(o.reboot ? [] : ['-no-reboot'])];
  let args: string[];
  if (o.arch === 'x86_64') {
    args = [
      '-machine', o.firmware.smm ? `${machine},smm=on` : machine,
      '-cpu', o.cpu ?? 'qemu64',
      ...common,
      ...fw,
      ...disk,
      // The kernel's PASS/FAIL exit: writing V to port 0xf4 exits QEMU with (V << 1) | 1.
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
      ...tail,
      '-net', 'none',
    ];
  } else {
    args = [
      '-M', 'virt',
      '-cpu', o.cpu ?? 'cortex-a72',
      ...common,
      ...fw,
      ...disk,
      ...tail,
    ];
  }
  if (o.gdb) args.push('-s', '-S');
  if (o.extraArgs) args.push(...o.extraArgs);
  return { cmd: info.qemuSystem, args };
}

function diskArgs(arch: Arch, bus: DiskBus, file: string): string[] {
  if (bus === 'default' && arch === 'x86_64') return ['-drive', `format=raw,file=${file}`];
  const drive = ['-drive', `if=none,id=esp,format=raw,file=${file}`];
  if (bus === 'nvme') return [...drive, '-device', 'nvme,serial=tsboot-esp,drive=esp'];
  if (bus === 'usb') return [...drive, '-device', 'usb-ehci,id=ehci', '-device', 'usb-storage,bus=ehci.0,drive=esp'];
  return [...drive, '-device', 'virtio-blk-pci,drive=esp'];
}

export interface QemuLaunchOptions extends QemuOptions {
  /** Counted in guest progress (LaunchOptions.progressTimers), like the harness's silence limit. */
  timeoutMs: number;
  echoStderr?: Writable;
  /** Keep the raw serial bytes (escape sequences and all) in this file. */
  serialLog?: string;
}

/** Starts QEMU; read serial from `.stdout` (usually through qemu/harness.ts). */
export function launchQemu(o: QemuLaunchOptions): LaunchedProcess {
  const { cmd, args } = qemuCommand(o);
  return launchProcess(cmd, args, { timeoutMs: o.timeoutMs, echoStderr: o.echoStderr, outputFile: o.serialLog, progressTimers: true });
}

/** What QEMU's exit status means under tsboot's conventions, for messages. */
export function describeExit(arch: Arch | undefined, e: ProcessExit): string {
  if (e.startError) return `could not start: ${e.startError}`;
  if (e.killedBy === 'timeout') return `killed after the hard timeout (${(e.durationMs / 1000).toFixed(1)} s)`;
  if (e.killedBy) return `killed (${e.killedBy})`;
  if (e.signal) return `terminated by ${e.signal}`;
  if (arch === 'x86_64' && e.code !== null && e.code % 2 === 1 && e.code >= 3) {
    return `exit status ${e.code} (isa-debug-exit value 0x${((e.code - 1) >> 1).toString(16)})`;
  }
  return `exit status ${e.code}`;
}
