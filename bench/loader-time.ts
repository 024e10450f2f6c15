// Loader-time benchmark: the real loader and kernel booted in QEMU (TCG, the default
// machines and firmware, as `npm run qemu:<arch>` boots them) --runs times per
// architecture, each boot ended at the loader's `[loader] time:` line (loader/clock.ts:
// time stamp counter at the rate it found, from entry to just before the jump); its
// phase times are reported per phase: median and minimum over the runs. The minimum is the best
// estimate of the cost on a quiet machine: other work on the host can only add to a
// phase (QEMU's guest clocks follow the host's real time), never take from it.
//
// Paired: the boot file as built (BOOTX64.EFI / BOOTAA64.EFI: the stub unpacks the loader,
// linker/pack.ts, and the loader's clock starts at the stub's entry, so its first phases
// are `unpack` and `load`) and the loader alone (loader-<arch>.efi, the same -Oz loader
// started by the firmware itself) boot in turns, one boot of each per round (the order
// alternating), so that both see the same load; the ratio of their totals is the median
// of the per-round ratios.
//
// --icount: QEMU runs with `-icount shift=0` (each guest instruction advances the guest's
// clocks by 1 ns), so every "ms" is a million guest instructions whatever the host's load:
// deterministic, and the fair way to compare the two builds on a busy machine.
//
// Also a CLI: `node build/js/bench/loader-time.js [--runs N] [--arch x86_64|aarch64|all] [--icount]`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FigureSink, log as defaultLog, mdTable, median } from './bench-util';
import { prepareFirmware } from '../ovmf/firmware';
import {
  exitConventionFor, formatVerdict, loaderTimes, LoaderTimes, LOADER_TIME_LINE, runHarness, SerialLine,
} from '../qemu/harness';
import { launchQemu } from '../qemu/runner';
import { buildAll } from '../scripts/build';
import { buildEsp } from '../scripts/esp';
import { Arch, ARCHES, archInfo, bootArtifacts } from '../scripts/paths';

export interface LoaderTimeOptions {
  runs: number;
  /** Count guest instructions instead of time (QEMU -icount shift=0). */
  icount?: boolean;
  arches?: Arch[];
  log?: (m: string) => void;
  /** Receives loader.<arch>.min and loader.<arch>.median (ms, entry to jump). */
  figure?: FigureSink;
}

const GOAL_MS = 60;

/** The files compared: the boot file as built, and the loader it holds, alone. */
const VARIANTS = [{ name: 'boot file' }, { name: 'loader alone' }];

async function bootOnce(arch: Arch, esp: string, icount: boolean): Promise<LoaderTimes | string> {
  const fw = prepareFirmware(arch);
  try {
    const extraArgs = icount ? ['-icount', 'shift=0'] : undefined;
    const proc = launchQemu({ arch, firmware: fw, disk: esp, timeoutMs: 180_000, extraArgs });
    // The loader prints its times just before the jump: the kernel's run is not measured
    // (the boot suites check it), so the boot ends there.
    let timed = false;
    const onLine = (l: SerialLine) => {
      if (!timed && LOADER_TIME_LINE.test(l.text)) {
        timed = true;
        proc.kill('harness');
      }
    };
    const r = await runHarness(proc, { exitConvention: exitConventionFor(arch), silenceMs: 90_000, onLine });
    const times = loaderTimes(r.lines);
    if (times) return times;
    return r.ok ? 'the loader printed no [loader] time: line' : formatVerdict(r, arch);
  } finally {
    fw.cleanup();
  }
}

function fmt(us: number): string {
  return Number.isFinite(us) ? (us / 1000).toFixed(1) : '—';
}

function goalText(minUs: number, medUs: number): string {
  if (minUs / 1000 > GOAL_MS) return 'NOT met';
  return medUs / 1000 <= GOAL_MS ? 'met' : 'met by the minimum only (other load inflates the median)';
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
      const loaders = [art.loader, art.loaderImage];
      const esps = VARIANTS.map((_v, j) => {
        const esp = path.join(work, `esp-${arch}-${j}.img`);
        buildEsp(esp, [
          { hostPath: loaders[j], espPath: `/EFI/BOOT/${archInfo(arch).efiBootName}` },
          { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
        ]);
        return esp;
      });
      const runs: LoaderTimes[][] = VARIANTS.map(() => []);
      const ratios: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const round: (LoaderTimes | undefined)[] = [undefined, undefined];
        const order = i % 2 === 0 ? [0, 1] : [1, 0];
        for (const j of order) {
          const r = await bootOnce(arch, esps[j], opts.icount === true);
          const tag = `[loader-time ${i + 1}/${opts.runs}] ${arch} ${VARIANTS[j].name}`;
          if (typeof r === 'string') {
            errors.push(`${VARIANTS[j].name}: ${r}`);
            log(`${tag}: ${r}`);
            continue;
          }
          round[j] = r;
          runs[j].push(r);
          log(`${tag}: ${fmt(r.totalUs)} ms (${r.phases.map((p) => `${p.name} ${fmt(p.us)}`).join(', ')})`);
        }
        if (round[0] && round[1]) ratios.push(round[1].totalUs / round[0].totalUs);
      }
      if (runs.some((r) => r.length === 0)) {
        sections.push(`${arch}: no successful boot of every build (${errors[0] ?? 'no runs'})`);
        continue;
      }
      const names = runs[0][0].phases.map((p) => p.name);
      const col = (j: number, name: string) => runs[j].map((r) => r.phases.find((p) => p.name === name)?.us ?? NaN);
      const rows = names.map((n) => [n, ...VARIANTS.flatMap((_, j) => [fmt(median(col(j, n))), fmt(Math.min(...col(j, n)))])]);
      const totals = runs.map((rs) => rs.map((r) => r.totalUs));
      // The docs quote the boot file (variant 0) in milliseconds; --icount counts instructions.
      if (!opts.icount) {
        opts.figure?.(`loader.${arch}.min`, Math.min(...totals[0]) / 1000);
        opts.figure?.(`loader.${arch}.median`, median(totals[0]) / 1000);
      }
      rows.push(['**total, entry → jump**', ...totals.flatMap((t) => [`**${fmt(median(t))}**`, `**${fmt(Math.min(...t))}**`])]);
      const sizes = loaders.map((l) => fs.statSync(l).size.toLocaleString('en-US'));
      const goals = VARIANTS.map((v, j) => `${v.name} ${goalText(Math.min(...totals[j]), median(totals[j]))}`).join(', ');
      sections.push(
        `${arch} (${runs[0].length} + ${runs[1].length} boots${errors.length ? `, ${errors.length} failed` : ''}; ` +
          `boot file ${sizes[0]} B, loader ${sizes[1]} B)` +
          `${opts.icount ? '' : `: goal ≤ ${GOAL_MS} ms: ${goals}`}. ` +
          `loader alone / boot file, total: ${ratios.length ? `${median(ratios).toFixed(2)}×` : '—'} (median of the per-round ratios).\n\n` +
          mdTable(['phase', ...VARIANTS.flatMap((v) => [`${v.name} median (ms)`, `${v.name} min (ms)`])], rows,
            ['l', 'r', 'r', 'r', 'r']),
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const unit = opts.icount
    ? ' With `-icount shift=0`: each "ms" is a million guest instructions, independent of the host\'s load.'
    : '';
  return [
    '### Loader time',
    '',
    `\`node build/js/bench/loader-time.js --runs ${opts.runs}${opts.icount ? ' --icount' : ''}\`: the real loader and kernel, QEMU TCG with the default machine, CPU and ` +
      `firmware (\`npm run qemu:<arch>\`'s boot), ${os.availableParallelism()} CPUs, load average ${loadAtStart.toFixed(2)} at the start. ` +
      'Phases as the loader reports them (`[loader] time:`, loader/clock.ts), from its entry to just before the jump to the kernel. ' +
      'The boot file as built (its stub unpacks the loader: the phases `unpack` and `load`) and the loader alone ' +
      '(loader-<arch>.efi, started by the firmware) boot in turns, one of each per round.' + unit,
    '',
    sections.join('\n\n'),
  ].join('\n');
}

async function cliMain(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('node build/js/bench/loader-time.js')
    .usage('$0 [--runs N] [--arch x86_64|aarch64|all] [--icount]\n\nBoots the boot file (the self-extracting loader) and the loader alone, ' +
      'in turns, with the kernel in QEMU, and reports the loader\'s phase times (median and minimum) for both.')
    .option('runs', { type: 'number', default: 5, describe: 'boots per architecture' })
    .option('arch', { choices: [...ARCHES, 'all'] as const, default: 'all' as const, describe: 'architecture' })
    .option('icount', { type: 'boolean', default: false, describe: 'count guest instructions (QEMU -icount shift=0) instead of time' })
    .check((a) => (Number.isInteger(a.runs) && a.runs >= 1) || 'give --runs a whole number of at least 1')
    .strict()
    .help()
    .version(false)
    .parse();
  const arches = args.arch === 'all' ? [...ARCHES] : [args.arch as Arch];
  process.stdout.write((await runLoaderTimeBench({ runs: args.runs, arches, icount: args.icount })) + '\n');
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
