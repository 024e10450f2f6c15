// The firmware floor: how long QEMU + OVMF/AAVMF take from launch to the first line that
// the most trivial EFI application prints. Nothing tsboot's loader does can start earlier,
// so boot timings of the real loader are read against this number.
//
//   node build/js/scripts/floor.js --arch x86_64|aarch64 [--runs N] [--memory 256M] [--cpu M]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { prepareFirmware } from '../ovmf/firmware';
import { exitConventionFor, formatVerdict, runHarness } from '../qemu/harness';
import { launchQemu } from '../qemu/runner';
import { buildFloorApp, floorLine } from '../qemu/trivial';
import { buildEsp } from './esp';
import { Arch, ARCHES, archInfo } from './paths';

export interface FloorRun {
  ok: boolean;
  /** Launch to the application's line, ms. */
  firstLineMs?: number;
  /** Launch to QEMU's exit, ms. */
  exitMs: number;
  message: string;
}

/** Boots the floor application once per run; `log` receives progress. */
export async function measureFloor(arch: Arch, runs: number, qemu: { memory?: string; cpu?: string; timeoutMs?: number }, log: (s: string) => void): Promise<FloorRun[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-floor-${arch}-`));
  try {
    log(`building the trivial EFI application (clang-16 + lld-link-16) ...`);
    const efi = buildFloorApp(arch, work);
    const esp = path.join(work, 'esp.img');
    buildEsp(esp, [{ hostPath: efi, espPath: `/EFI/BOOT/${archInfo(arch).efiBootName}` }], { sizeMiB: 16 });
    const out: FloorRun[] = [];
    for (let i = 0; i < runs; i++) {
      const fw = prepareFirmware(arch);
      try {
        const proc = launchQemu({ arch, firmware: fw, disk: esp, memory: qemu.memory, cpu: qemu.cpu, timeoutMs: qemu.timeoutMs ?? 60_000 });
        const want = floorLine(arch);
        const r = await runHarness(proc, {
          expect: [want],
          requireVerdict: false,
          expectedExitCode: exitConventionFor(arch) === 'isa-debug-exit' ? 33 : 0,
        });
        const line = r.expectations[0].line;
        out.push({ ok: r.ok, firstLineMs: line?.tMs, exitMs: r.timings.exitMs, message: formatVerdict(r, arch) });
        log(`run ${i + 1}/${runs}: ` + (line ? `first line after ${(line.tMs / 1000).toFixed(2)} s, QEMU exited after ${(r.timings.exitMs / 1000).toFixed(2)} s` : formatVerdict(r, arch)));
      } finally {
        fw.cleanup();
      }
    }
    return out;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = yargs(process.argv.slice(2))
    .scriptName('floor')
    .usage('$0 --arch <arch> [options]\n\nTimes QEMU launch -> first serial line of a trivial EFI application (the firmware floor).')
    .option('arch', { choices: ARCHES as Arch[], demandOption: true, describe: 'guest architecture' })
    .option('runs', { type: 'number', default: 1, describe: 'number of boots (prints each and the median)' })
    .option('memory', { type: 'string', default: '256M', describe: 'guest RAM' })
    .option('cpu', { type: 'string', describe: 'QEMU CPU model (default qemu64 / cortex-a72)' })
    .option('timeout', { type: 'number', default: 60, describe: 'hard timeout per boot, seconds' })
    .strict()
    .version(false)
    .help()
    .parseSync();
  const runs = Math.max(1, Math.floor(argv.runs));
  const results = await measureFloor(argv.arch, runs, { memory: argv.memory, cpu: argv.cpu, timeoutMs: argv.timeout * 1000 }, (s) => console.log(`floor: ${s}`));
  const bad = results.filter((r) => !r.ok);
  const times = results.filter((r) => r.ok && r.firstLineMs !== undefined).map((r) => r.firstLineMs!).sort((a, b) => a - b);
  if (times.length > 0) {
    const mid = times.length >> 1;
    const median = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    console.log(`floor: ${argv.arch} firmware floor (launch -> first line, TCG, -m ${argv.memory}): ${(median / 1000).toFixed(2)} s` + (times.length > 1 ? ` median of ${times.length} (min ${(times[0] / 1000).toFixed(2)} s, max ${(times[times.length - 1] / 1000).toFixed(2)} s)` : ''));
  }
  if (bad.length > 0) {
    for (const b of bad) console.error(`floor: ${b.message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`floor: ${e.message}`);
    process.exit(1);
  });
}
