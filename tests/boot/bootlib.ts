// Shared by the end-to-end boot tests: build the loader and kernel (incremental, through
// scripts/build), put chosen files on a fresh ESP (scripts/esp) in a temporary directory,
// boot QEMU with private firmware VARS (ovmf/firmware + qemu/runner) and judge the serial
// log with qemu/harness.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as assert from 'uvu/assert';
import { buildArch } from '../../scripts/build';
import { buildEsp, EspFile, EspOptions } from '../../scripts/esp';
import { bootCfgText } from '../../scripts/bootcfg';
import { bootArtifacts, Arch, BootArtifacts } from '../../scripts/paths';
import { FirmwareName, prepareFirmware } from '../../ovmf/firmware';
import { DiskBus, launchQemu, X86Machine } from '../../qemu/runner';
import { summaryProblems } from './memcheck';
import { loaderTimes, runHarness, DEFAULT_FAIL_PATTERNS, HarnessOptions, HarnessResult, SerialLine } from '../../qemu/harness';

/**
 * The loader's size budget: under 80 KiB on both architectures (it was 64 KiB before the
 * boot menu, the boot.cfg parser, the linux and efi protocols and SHA-256 came in; the
 * loader is about 66-67 KiB with them). Limine's BOOTX64.EFI is 240 KiB.
 */
export const LOADER_SIZE_GOAL = 80 * 1024;

export interface BootRun {
  result: HarnessResult;
  /** The ESP image's directory (removed by the caller via cleanup()). */
  dir: string;
  cleanup(): void;
}

/** Builds (if stale) and returns the paths of the boot artifacts. */
export async function buildBoot(arch: Arch): Promise<BootArtifacts> {
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
    esp?: EspOptions;
    /** Changes the ESP image before the boot (e.g. cutFatChain). */
    damage?: (image: string) => void;
  },
): Promise<HarnessResult> {
  const esp = path.join(dir, 'esp.img');
  buildEsp(esp, files, opts.esp);
  opts.damage?.(esp);
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

/**
 * Damages a FAT file system in `image` the way a bad disk does: the cluster chain of
 * `espPath` ends after `keep` clusters, though the directory still gives the full size, so
 * the firmware's FAT driver fails the read (EFI_VOLUME_CORRUPTED). FAT16 and FAT32.
 */
export function cutFatChain(image: string, espPath: string, keep: number): void {
  const r = spawnSync('mshowfat', ['-i', image, `::${espPath}`], { encoding: 'utf8' });
  const m = /<(\d+)-(\d+)>/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`mshowfat ${espPath} failed: ${r.stdout}${r.stderr}`);
  const first = Number(m[1]);
  if (Number(m[2]) - first < keep) throw new Error(`${espPath} has only ${Number(m[2]) - first + 1} clusters`);
  const fd = fs.openSync(image, 'r+');
  try {
    const bs = Buffer.alloc(512);
    fs.readSync(fd, bs, 0, 512, 0);
    const reserved = bs.readUInt16LE(14);
    const fats = bs.readUInt8(16);
    const fat16 = bs.readUInt16LE(22);
    const fatSectors = fat16 || bs.readUInt32LE(36);
    const entry = fat16 ? 2 : 4;
    const end = Buffer.alloc(entry, 0xff);
    if (entry === 4) end[3] = 0x0f; // FAT32 entries are 28 bits
    for (let f = 0; f < fats; f++) {
      fs.writeSync(fd, end, 0, entry, (reserved + f * fatSectors) * 512 + (first + keep - 1) * entry);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A boot.cfg with one entry: tsboot's kernel for `arch` at its usual path, with `cmdline`. */
export function tsbootCfg(arch: Arch, cmdline: string): string {
  return bootCfgText([{ name: 'tsboot', protocol: 'tsboot', path: `/tsboot/kernel-${arch}.elf`, cmdline }]);
}

/** The harness result as text for assertion messages: failure and the last lines. */
export function explain(r: HarnessResult): string {
  const tail = r.lines.slice(-40).map((l) => `    ${l.text}`).join('\n');
  return `${r.failure ? `${r.failure.kind}: ${r.failure.message}` : 'no failure'}\n  last serial lines:\n${tail}`;
}

function mib(size: string): number {
  const n = Number(size.slice(0, -1));
  return size.endsWith('G') ? n * 1024 : n;
}

/**
 * The kernel's memory management on a boot with `memory` of RAM: every self-test passed,
 * the summary accounts for the RAM QEMU was given (the firmware keeps a little), and each
 * of its parts agrees with the firmware's memory map.
 */
export function checkMemory(r: HarnessResult, memory: string): void {
  const texts = r.lines.map((l) => l.text);
  const mmLines = texts.filter((t) => t.startsWith('[kernel] mm test'));
  assert.ok(mmLines.some((t) => /^\[kernel\] mm test all-frames: .*: pass$/.test(t)), `expected the mm self-test lines:\n${explain(r)}`);
  assert.ok(mmLines.length >= 3, `expected the mm self-test lines:\n${explain(r)}`);
  for (const l of mmLines) assert.ok(/: pass$/.test(l), `a memory self-test failed: ${l}`);
  const summary = texts.find((t) => / MiB memory: /.test(t));
  const m = summary && /\[kernel\] (\d+) MiB memory: (\d+) MiB kernel, (\d+) MiB usable, (\d+) MiB reserved, (\d+) MiB ignored/.exec(summary);
  assert.ok(m, `unexpected or missing memory summary line: ${summary}`);
  const total = Number(m![1]);
  const usable = Number(m![3]);
  assert.ok(Math.abs(total - mib(memory)) <= 16, `summary says ${total} MiB for -m ${memory}: ${summary}`);
  assert.ok(usable >= mib(memory) * 0.9, `only ${usable} MiB usable of ${memory}: ${summary}`);
  // Its parts, against the firmware's map and the allocator's own count (tests/boot/memcheck.ts).
  const problems = summaryProblems(texts);
  assert.equal(problems, [], `the memory summary disagrees with the firmware's map:\n  ${problems.join('\n  ')}`);
}

/**
 * The loader's phase times from a boot, checked against each other and against the
 * kernel's own measure (entry to jump, which ends after the report): returns them as a
 * line for the test's output.
 */
export function loaderPhases(r: HarnessResult): string {
  const t = loaderTimes(r.lines);
  assert.ok(t, `no [loader] time: line:\n${explain(r)}`);
  const sum = t!.phases.reduce((s, p) => s + p.us, 0);
  assert.ok(sum <= t!.totalUs, `the phases add up to ${sum} us, more than the total ${t!.totalUs} us`);
  const kernel = r.lines.map((l) => /^\[kernel\] loader time: \d+ \w+ ticks = (\d+) us/.exec(l.text)).find((m) => m);
  assert.ok(kernel, `no [kernel] loader time: line:\n${explain(r)}`);
  assert.ok(Number(kernel![1]) + 1 >= t!.totalUs, `the kernel measured ${kernel![1]} us from loader entry to the jump, less than the loader's ${t!.totalUs} us before it`);
  return `loader phases (ms): ${t!.phases.map((p) => `${p.name} ${(p.us / 1000).toFixed(1)}`).join(', ')}; total ${(t!.totalUs / 1000).toFixed(1)}`;
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
