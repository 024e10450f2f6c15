// Shared by the end-to-end boot tests: build the loader and kernel (incremental, through
// scripts/build), put chosen files on a fresh ESP (scripts/esp) in a temporary directory,
// boot QEMU with private firmware VARS (ovmf/firmware + qemu/runner) and judge the serial
// log with qemu/harness.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildArch } from '../../scripts/build';
import { buildEsp, EspFile } from '../../scripts/esp';
import { bootArtifacts, Arch } from '../../scripts/paths';
import { FirmwareName, prepareFirmware } from '../../ovmf/firmware';
import { DiskBus, launchQemu, X86Machine } from '../../qemu/runner';
import { runHarness, DEFAULT_FAIL_PATTERNS, HarnessOptions, HarnessResult, SerialLine } from '../../qemu/harness';

export interface BootRun {
  result: HarnessResult;
  /** The ESP image's directory (removed by the caller via cleanup()). */
  dir: string;
  cleanup(): void;
}

/** Builds (if stale) and returns the paths of the boot artifacts. */
export async function buildBoot(arch: Arch): Promise<{ loader: string; kernel: string }> {
  await buildArch(arch, { log: (s) => process.stdout.write(`    ${s}\n`) });
  return bootArtifacts(arch);
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-boot-${tag}-`));
}

/** Echo the serial log when TSBOOT_ECHO=1 (debugging a failing test). */
function echoStream(): NodeJS.WritableStream | undefined {
  return process.env.TSBOOT_ECHO === '1' ? process.stdout : undefined;
}

/** Where and how to boot: firmware (default edk2), x86_64 machine, disk bus, CPU, RAM. */
export interface BootPlace {
  firmware?: FirmwareName;
  machine?: X86Machine;
  diskBus?: DiskBus;
  cpu?: string;
  memory?: string;
}

/**
 * Boots an ESP holding `files` and returns the harness verdict. `cpu` / `qemuArgs` / `smp`
 * (optional) pick the CPU model, add QEMU arguments (e.g. `-machine acpi=off`) and set the
 * number of CPUs. `stopWhen` (optional)
 * ends the run `graceMs` after a matching line: used when the loader returns to the
 * firmware, which then goes on to other boot options instead of exiting QEMU. `reboot`
 * lets a guest reset restart the machine (no `-no-reboot`).
 */
export async function bootEsp(
  arch: Arch,
  dir: string,
  files: EspFile[],
  opts: HarnessOptions & BootPlace & {
    timeoutMs?: number; stopWhen?: RegExp | ((line: SerialLine) => boolean); graceMs?: number; qemuArgs?: string[]; reboot?: boolean; smp?: number;
  },
): Promise<HarnessResult> {
  const esp = path.join(dir, 'esp.img');
  buildEsp(esp, files);
  const fw = prepareFirmware(arch, { firmware: opts.firmware });
  try {
    const proc = launchQemu({
      arch, firmware: fw, machine: opts.machine, disk: esp, diskBus: opts.diskBus,
      timeoutMs: opts.timeoutMs ?? 90_000, cpu: opts.cpu, extraArgs: opts.qemuArgs, memory: opts.memory, reboot: opts.reboot, smp: opts.smp,
    });
    let stopping = false;
    const userOnLine = opts.onLine;
    return await runHarness(proc, {
      ...opts,
      echo: opts.echo ?? echoStream(),
      onLine: (line: SerialLine) => {
        userOnLine?.(line);
        const stop = opts.stopWhen instanceof RegExp ? opts.stopWhen.test(line.text) : opts.stopWhen?.(line);
        if (stop && !stopping) {
          stopping = true;
          setTimeout(() => proc.kill('caller'), opts.graceMs ?? 1000);
        }
      },
    });
  } finally {
    fw.cleanup();
  }
}

/** The harness result as text for assertion messages: failure and the last lines. */
export function explain(r: HarnessResult): string {
  const tail = r.lines.slice(-40).map((l) => `    ${l.text}`).join('\n');
  return `${r.failure ? `${r.failure.kind}: ${r.failure.message}` : 'no failure'}\n  last serial lines:\n${tail}`;
}

/** Firmware exception dumps: the only fail-fast lines of a boot that expects a kernel exception report. */
export const FIRMWARE_DUMP_PATTERNS = DEFAULT_FAIL_PATTERNS.filter((p) => /OVMF|AAVMF/.test(p.name));

export interface NoResetRun {
  result: HarnessResult;
  /** The firmware's boot manager or the loader started again after the jump to the kernel: the machine reset. */
  reset: boolean;
}

/**
 * Boots with guest resets allowed (no `-no-reboot`), as a real machine would: a kernel that
 * resets the machine (a triple fault, a reset request) comes back through the firmware and
 * the loader, which this notices (a `BdsDxe` line, U-Boot's banner or the loader's `starting`
 * line after its `jumping to kernel` line or a `[kernel]` line), and the run is stopped there. QEMU ending
 * by itself is then the kernel's power-off.
 */
export async function bootNoReset(
  arch: Arch,
  dir: string,
  files: EspFile[],
  opts: HarnessOptions & BootPlace & { timeoutMs?: number; qemuArgs?: string[]; smp?: number },
): Promise<NoResetRun> {
  let handedOver = false;
  let reset = false;
  const result = await bootEsp(arch, dir, files, {
    ...opts,
    reboot: true,
    graceMs: 200,
    stopWhen: (line: SerialLine) => {
      const t = line.text;
      // EDK2's boot manager, U-Boot's banner, or the loader's first line: the machine started over.
      if (handedOver && (t.startsWith('BdsDxe') || /^U-Boot \d/.test(t) || /^\[loader\] tsboot loader \(.*\) starting$/.test(t))) reset = true;
      if (t.startsWith('[kernel]') || t.startsWith('[loader] jumping to kernel entry')) handedOver = true;
      return reset;
    },
  });
  return { result, reset };
}
