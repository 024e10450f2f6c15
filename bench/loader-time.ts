// Loader-time benchmark: the real loader and kernel booted in QEMU (TCG, the default
// machines and firmware, as `npm run qemu:<arch>` boots them) --runs times per
// architecture; the loader's own phase times (the `[loader] time:` line, loader/clock.ts:
// time stamp counter at the rate it found, from entry to just before the jump) are read
// back and reported per phase: median and minimum over the runs. The minimum is the best
// estimate of the cost on a quiet machine: other work on the host can only add to a
// phase (QEMU's guest clocks follow the host's real time), never take from it.
//
// Also a CLI: `node build/js/bench/loader-time.js [--runs N] [--arch x86_64|aarch64|all]`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FigureSink, log as defaultLog, mdTable, median } from './bench-util';
import { prepareFirmware } from '../ovmf/firmware';
import { exitConventionFor, formatVerdict, loaderTimes, LoaderTimes, runHarness } from '../qemu/harness';
import { launchQemu } from '../qemu/runner';
import { buildAll } from '../scripts/build';
import { buildEsp } from '../scripts/esp';
import { Arch, ARCHES, archInfo, bootArtifacts } from '../scripts/paths';

export interface LoaderTimeOptions {
  runs: number;
  arches?: Arch[];
  log?: (m: string) => void;
  /** Receives loader.<arch>.min and loader.<arch>.median (ms, entry to jump). */
  figure?: FigureSink;
}

const GOAL_MS = 60;

async function bootOnce(arch: Arch, esp: string): Promise<LoaderTimes | string> {
  const fw = prepareFirmware(arch);
  try {
    const proc = launchQemu({ arch, firmware: fw, disk: esp, timeoutMs: 180_000 });
    const r = await runHarness(proc, { exitConvention: exitConventionFor(arch), silenceMs: 90_000 });
    if (!r.ok) return formatVerdict(r, arch);
    return loaderTimes(r.lines) ?? 'the loader printed no [loader] time: line';
  } finally {
    fw.cleanup();
  }
}

function fmt(us: number): string {
  return Number.isFinite(us) ? (us / 1000).toFixed(1) : '—';
}

export async function runLoaderTimeBench(opts: LoaderTimeOptions): Promise<string> {
  const log = opts.log ?? defaultLog;
  const arches = opts.arches ?? [...ARCHES];
  await buildAll(arches, { log: (l) => log(`[loader-time] ${l}`) });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-loader-time-'));
  const sections: string[] = [];
  const loadAtStart = os.loadavg()[0];
  try {
    for (const arch of arches) {
      const art = bootArtifacts(arch);
      const esp = path.join(work, `esp-${arch}.img`);
      buildEsp(esp, [
        { hostPath: art.loader, espPath: `/EFI/BOOT/${archInfo(arch).efiBootName}` },
        { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
      ]);
      const runs: LoaderTimes[] = [];
      const errors: string[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const r = await bootOnce(arch, esp);
        if (typeof r === 'string') {
          errors.push(r);
          log(`[loader-time ${i + 1}/${opts.runs}] ${arch}: ${r}`);
          continue;
        }
        runs.push(r);
        log(`[loader-time ${i + 1}/${opts.runs}] ${arch}: ${fmt(r.totalUs)} ms (${r.phases.map((p) => `${p.name} ${fmt(p.us)}`).join(', ')})`);
      }
      if (runs.length === 0) {
        sections.push(`${arch}: no successful boot (${errors[0] ?? 'no runs'})`);
        continue;
      }
      const names = runs[0].phases.map((p) => p.name);
      const col = (name: string) => runs.map((r) => r.phases.find((p) => p.name === name)?.us ?? NaN);
      const rows = names.map((n) => [n, fmt(median(col(n))), fmt(Math.min(...col(n)))]);
      const totals = runs.map((r) => r.totalUs);
      const med = median(totals);
      const min = Math.min(...totals);
      opts.figure?.(`loader.${arch}.min`, min / 1000);
      opts.figure?.(`loader.${arch}.median`, med / 1000);
      rows.push(['**total, entry → jump**', `**${fmt(med)}**`, `**${fmt(min)}**`]);
      sections.push(
        `${arch} (${runs.length} boot${runs.length === 1 ? '' : 's'}${errors.length ? `, ${errors.length} failed` : ''}): ` +
          `goal ≤ ${GOAL_MS} ms: ${min / 1000 <= GOAL_MS ? (med / 1000 <= GOAL_MS ? 'met' : 'met by the minimum only (other load inflates the median)') : 'NOT met'}.\n\n` +
          mdTable(['phase', 'median (ms)', 'min (ms)'], rows, ['l', 'r', 'r']),
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return [
    '### Loader time',
    '',
    `\`node build/js/bench/loader-time.js --runs ${opts.runs}\`: the real loader and kernel, QEMU TCG with the default machine, CPU and ` +
      `firmware (\`npm run qemu:<arch>\`'s boot), ${os.availableParallelism()} CPUs, load average ${loadAtStart.toFixed(2)} at the start. ` +
      'Phases as the loader reports them (`[loader] time:`, loader/clock.ts), from its entry to just before the jump to the kernel.',
    '',
    sections.join('\n\n'),
  ].join('\n');
}

async function cliMain(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('node build/js/bench/loader-time.js')
    .usage('$0 [--runs N] [--arch x86_64|aarch64|all]\n\nBoots the loader and kernel in QEMU and reports the loader\'s phase times (median and minimum).')
    .option('runs', { type: 'number', default: 5, describe: 'boots per architecture' })
    .option('arch', { choices: [...ARCHES, 'all'] as const, default: 'all' as const, describe: 'architecture' })
    .check((a) => (Number.isInteger(a.runs) && a.runs >= 1) || 'give --runs a whole number of at least 1')
    .strict()
    .help()
    .version(false)
    .parse();
  const arches = args.arch === 'all' ? [...ARCHES] : [args.arch as Arch];
  process.stdout.write((await runLoaderTimeBench({ runs: args.runs, arches })) + '\n');
  return 0;
}

if (require.main === module) {
  cliMain(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`loader-time: ${(e as Error).message ?? e}\n`);
      process.exit(1);
    },
  );
}
