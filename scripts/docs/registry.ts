// What every marked figure and sample output in the docs is, and the command that re-derives
// it (scripts/docs/figures.ts has the markers' grammar). A source runs a command once and
// yields every figure and output that command gives; a figure or sample names its source,
// the command as the docs name it (which must appear next to the figure), its tolerance and
// its tier: `test` items are cheap (sizes, outputs of builds and one boot) and run in
// `npm test`; `matrix` items (benchmark timings, instruction counts, boot times) run in
// `npm run test:matrix`.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runBuildTimeBench } from '../../bench/build-time';
import { runCompileTimeBench } from '../../bench/compile-time';
import { runLoaderTimeBench } from '../../bench/loader-time';
import { runPagingBench } from '../../bench/paging';
import { buildAll } from '../build';
import { measureFloor } from '../floor';
import { Arch, ARCHES, bootArtifacts } from '../paths';
import { FigureFormat, RangeUnit } from './figures';

export type Tier = 'test' | 'matrix';

/** The 1-minute load average per CPU up to which wall-clock figures are checked or written. */
export const LOAD_LIMIT = 1.5;
export const TIERS: readonly Tier[] = ['test', 'matrix'];

export type SourceName =
  | 'build' | 'boot-x86_64' | 'boot-aarch64' | 'floor-x86_64' | 'floor-aarch64'
  | 'uboot-x86_64-pc' | 'uboot-x86_64-q35' | 'uboot-aarch64' | 'boot-x86_64-example-cfg' | 'fault-x86_64-pf' | 'fault-aarch64-stack' | 'tsboot-check' | 'tsboot-run'
  | 'bench-compile' | 'bench-paging' | 'bench-loader' | 'bench-build';

export interface FigureSpec extends FigureFormat {
  id: string;
  /**
   * A wall-clock timing (or a rate measured against the wall clock in a guest): other work
   * on the machine inflates it, so it is checked and written only while the load average
   * stays below LOAD_LIMIT per CPU (a time ratio of two programs too: load does not slow
   * both alike). CPU times, sizes and instruction counts are checked at any load.
   */
  wallClock?: boolean;
  source: SourceName;
  tier: Tier;
  /** The command as the docs name it next to the figure. */
  command: string;
}

export interface SampleSpec {
  id: string;
  source: SourceName;
  tier: Tier;
  command: string;
  /** Parts that differ from run to run; each match becomes '…' on both sides. */
  volatile: RegExp[];
  /** Parts the docs leave out (a log line's uptime prefix); removed from both sides. */
  strip?: RegExp[];
}

export interface SourceResult {
  figures: Map<string, number>;
  /** The highest 1-minute load average per CPU seen while the command ran (set by the caller). */
  load?: number;
  /** What the command printed (for samples). */
  output: string;
}

type Log = (msg: string) => void;

// ---- the figures -------------------------------------------------------------------------

const BUILD = (arch: Arch) => `npm run build -- --arch ${arch}`;
const BENCH_TIMES = 'node build/js/bench/compile-time.js --runs 3';
const PAGING = 'node build/js/bench/paging.js';
const LOADER = 'node build/js/bench/loader-time.js --runs 5';
const BUILD_TIME = 'node build/js/bench/build-time.js --runs 3';
/** Boot times under TCG on a shared machine vary by a factor of two. */
const BOOT_BAND = 2;

/** An image size: exact, from the build npm test makes anyway. */
const size = (id: string, arch: Arch): FigureSpec => ({ id, kind: 'bytes', source: 'build', tier: 'test', command: BUILD(arch) });
/** An instruction count of the paging benchmark: deterministic, within 3 %. */
const count = (id: string): FigureSpec => ({ id, kind: 'count', tolerance: 0.03, source: 'bench-paging', tier: 'matrix', command: PAGING });
/** A ratio of instruction counts, within 0.03. */
const ratio = (id: string): FigureSpec => ({ id, kind: 'ratio', tolerance: 0.03, source: 'bench-paging', tier: 'matrix', command: PAGING });
/** A timing stated as a range around a measurement (m / band .. m × band). */
function range(id: string, unit: RangeUnit, band: number, source: SourceName, command: string, wallClock = true): FigureSpec {
  return { id, kind: 'range', unit, band, wallClock, source, tier: 'matrix', command };
}

export const FIGURES: readonly FigureSpec[] = [
  ...ARCHES.flatMap((arch): FigureSpec[] => [
    size(`efi.${arch}`, arch),
    size(`kernel.${arch}`, arch),
    range(`qemu.${arch}.verdict`, 's', BOOT_BAND, `boot-${arch}`, `npm run qemu:${arch}`),
    range(`qemu.${arch}.floor`, 's', BOOT_BAND, `floor-${arch}`, `node build/js/scripts/floor.js --arch ${arch}`),
    range(`loader.${arch}.min`, 'ms', 1.5, 'bench-loader', LOADER),
    range(`loader.${arch}.median`, 'ms', 1.5, 'bench-loader', LOADER),
    count(`paging.map.${arch}`),
    count(`paging.unmap.${arch}`),
  ]),
  // Guest-measured bandwidths: the guest's clock runs while the host is busy elsewhere.
  ...['own-address', 'inversions01', 'inversions-random', 'modulo20'].map((p) =>
    range(`memtest.x86_64.${p}`, 'MiB/s', 3, 'boot-x86_64', 'npm run qemu:x86_64')),
  range('uboot.x86_64.pc.verdict', 's', BOOT_BAND, 'uboot-x86_64-pc', 'npm run qemu:x86_64 -- --firmware uboot --machine pc --disk-bus virtio'),
  range('uboot.x86_64.q35.verdict', 's', BOOT_BAND, 'uboot-x86_64-q35', 'npm run qemu:x86_64 -- --firmware uboot'),
  range('uboot.aarch64.verdict', 's', BOOT_BAND, 'uboot-aarch64', 'npm run qemu:aarch64 -- --firmware uboot'),
  count('paging.map.walker'),
  count('paging.unmap.walker'),
  ratio('paging.random-vs-walker'),
  range('paging.zeroing-vs-memset.x86_64', '×', 1.6, 'bench-paging', PAGING),
  ratio('paging.zeroing-vs-memset.aarch64'),
  range('paging.hhdm-vs-memset.x86_64', '×', 1.6, 'bench-paging', PAGING),
  range('paging.leaf-vs-memset.x86_64', '×', 1.6, 'bench-paging', PAGING),
  range('paging.leaf-vs-memset.sse2', '×', 1.6, 'bench-paging', PAGING),
  range('paging.leaf-vs-memset.avx2', '×', 1.6, 'bench-paging', PAGING),
  ratio('paging.hhdm-vs-memset.aarch64'),
  ratio('paging.leaf-vs-memset.aarch64'),
  range('frontend.wall', 'ms', 1.6, 'bench-compile', BENCH_TIMES),
  range('frontend.cpu', 'ms', 1.6, 'bench-compile', BENCH_TIMES, false),
  range('build.clean.wall', 's', 1.6, 'bench-build', BUILD_TIME),
  range('build.clean.cpu', 's', 1.6, 'bench-build', BUILD_TIME, false),
  range('build.jobs1.wall', 's', 1.6, 'bench-build', BUILD_TIME),
  range('build.nochange.wall', 's', 2, 'bench-build', BUILD_TIME),
  range('build.npm-nochange.wall', 's', 2, 'bench-build', BUILD_TIME),
  range('build.shared-comment.wall', 's', 1.6, 'bench-build', BUILD_TIME),
  range('build.compiler-change.wall', 's', 1.6, 'bench-build', BUILD_TIME),
];

// ---- the samples -------------------------------------------------------------------------

/** A wall-clock date and time. */
const BOOT_VOLATILE = [/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g];
/** The uptime `npm run qemu:<arch>` prints before each serial line. */
const BOOT_STRIP = [/^\[\s*\d+\.\d+\] /];
/** Addresses, register values and offsets of an exception report, and repeat counts. */
const FAULT_VOLATILE = [/0x[0-9a-f]+/g, /\d+ more times/g];
/** The amounts of the memory summary, which follow the firmware's and the loader's allocations. */
const MEMORY_VOLATILE = [/\b\d+(?= (?:MiB )?(?:kernel|usable|reserved|ignored)\b)/g, /exact: \d+ KiB/g];

/** A sample of a boot's serial log. */
function bootSample(id: string, source: SourceName, tier: Tier, command: string, volatile: RegExp[]): SampleSpec {
  return { id, source, tier, command, volatile, strip: BOOT_STRIP };
}

export const SAMPLES: readonly SampleSpec[] = [
  bootSample('boot-x86_64', 'boot-x86_64', 'test', 'npm run qemu:x86_64', BOOT_VOLATILE),
  bootSample('memory-summary', 'boot-x86_64', 'test', 'npm run qemu:x86_64', MEMORY_VOLATILE),
  bootSample('menu', 'boot-x86_64-example-cfg', 'matrix', 'npm run qemu:x86_64 -- --cfg docs/examples/boot.cfg', []),
  bootSample('fault-x86_64-pf', 'fault-x86_64-pf', 'matrix', 'npm run qemu:x86_64 -- --cfg <file>', FAULT_VOLATILE),
  bootSample('fault-aarch64-stack', 'fault-aarch64-stack', 'matrix', 'npm run qemu:aarch64 -- --cfg <file>', FAULT_VOLATILE),
  bootSample('tsboot-run', 'tsboot-run', 'matrix', 'npx tsboot run src/kernel.ts --arch x86_64', [/\d+ MiB in \d+ regions/g]),
  { id: 'tsboot-check', source: 'tsboot-check', tier: 'test', command: 'npx tsboot check src', volatile: [] },
];

/** The file of docs/your-kernel.md's `tsboot check` sample: two width errors tsc cannot see. */
const WIDTH_ERRORS = '// widths.ts\nexport function widths(b32: u32): u8 {\n  let x: u8 = 300;\n  let a: u8 = b32;\n  return x + a;\n}\n';

// ---- the sources -------------------------------------------------------------------------

/** Runs `node <script> args` in `cwd`, echoing nothing; resolves with stdout + stderr. */
function runNode(cwd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

/** A figure sink for the benchmarks: records their values under the registry's ids. */
function collector(): { figures: Map<string, number>; sink: (id: string, value: number) => void } {
  const figures = new Map<string, number>();
  return { figures, sink: (id, value) => figures.set(id, value) };
}

const MEMTEST_IDS: Record<string, string> = {
  'own address': 'own-address', 'moving inversions 0/1': 'inversions01', 'moving inversions random': 'inversions-random', 'modulo 20': 'modulo20',
};

/** `npm run qemu:<arch> -- <args>`; `cfg` (optional) is written to a file passed as --cfg. */
async function boot(root: string, arch: Arch, log: Log, args: string[] = [], cfg?: string, figures = `qemu.${arch}`): Promise<SourceResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-docs-boot-'));
  try {
    if (cfg !== undefined) {
      fs.writeFileSync(path.join(dir, 'boot.cfg'), cfg);
      args = [...args, '--cfg', path.join(dir, 'boot.cfg')];
    }
    log(`[docs] booting ${arch} (npm run qemu:${arch}${args.length ? ` -- ${args.join(' ')}` : ''}) ...`);
    return await bootOutput(root, arch, args, log, figures);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A boot.cfg of one tsboot entry with this command line, as docs/exceptions.md describes. */
function faultCfg(arch: Arch, cmdline: string): string {
  return `entry=fault\n  protocol=tsboot\n  path=/tsboot/kernel-${arch}.elf\n  cmdline=${cmdline}\n`;
}

/** The boot's output and figures: `<prefix>.verdict` (launch to verdict) and the memory test's bandwidths. */
async function bootOutput(root: string, arch: Arch, args: string[], log: Log, prefix: string): Promise<SourceResult> {
  const r = await runNode(root, [path.join(root, 'build', 'js', 'qemu', 'boot.js'), '--arch', arch, ...args], 600_000);
  const figures = new Map<string, number>();
  const v = /^\s*launch -> verdict:\s+(\d+(?:\.\d+)?) s/m.exec(r.output);
  if (v) figures.set(`${prefix}.verdict`, Number(v[1]));
  for (const m of r.output.matchAll(/\[kernel\] memtest (own address|moving inversions 0\/1|moving inversions random|modulo 20): 1 CPU (\d+) MiB\/s/g)) {
    figures.set(`memtest.${arch}.${MEMTEST_IDS[m[1]]}`, Number(m[2]));
  }
  if (r.code !== 0) log(`[docs] npm run qemu:${arch} exited with ${r.code}`);
  return { figures, output: r.output };
}

async function floor(arch: Arch, log: Log): Promise<SourceResult> {
  log(`[docs] firmware floor, ${arch} ...`);
  const runs = await measureFloor(arch, 1, {}, (s) => log(`[docs] floor: ${s}`));
  const t = runs.find((r) => r.ok)?.firstLineMs;
  return { figures: new Map(t === undefined ? [] : [[`qemu.${arch}.floor`, t / 1000]]), output: '' };
}

export const SOURCES: Record<SourceName, (root: string, log: Log) => Promise<SourceResult>> = {
  build: async (_root, log) => {
    log('[docs] building both architectures (npm run build) ...');
    await buildAll([...ARCHES], { log: (l) => log(`[docs] ${l}`) });
    const figures = new Map<string, number>();
    for (const arch of ARCHES) {
      const art = bootArtifacts(arch);
      figures.set(`efi.${arch}`, fs.statSync(art.loader).size);
      figures.set(`kernel.${arch}`, fs.statSync(art.kernel).size);
    }
    return { figures, output: '' };
  },
  'boot-x86_64': (root, log) => boot(root, 'x86_64', log),
  'boot-aarch64': (root, log) => boot(root, 'aarch64', log),
  'uboot-x86_64-pc': (root, log) => boot(root, 'x86_64', log, ['--firmware', 'uboot', '--machine', 'pc', '--disk-bus', 'virtio'], undefined, 'uboot.x86_64.pc'),
  'uboot-x86_64-q35': (root, log) => boot(root, 'x86_64', log, ['--firmware', 'uboot'], undefined, 'uboot.x86_64.q35'),
  'uboot-aarch64': (root, log) => boot(root, 'aarch64', log, ['--firmware', 'uboot'], undefined, 'uboot.aarch64'),
  'boot-x86_64-example-cfg': (root, log) => boot(root, 'x86_64', log, ['--cfg', 'docs/examples/boot.cfg']),
  'fault-x86_64-pf': (root, log) => boot(root, 'x86_64', log, [], faultCfg('x86_64', 'tsboot.fault=pf')),
  'fault-aarch64-stack': (root, log) => boot(root, 'aarch64', log, [], faultCfg('aarch64', 'tsboot.fault=stack')),
  'tsboot-run': async (root, log) => {
    // A project as `tsboot new k` makes it, with this checkout as its tsboot (what npm
    // install of the packed tarball gives it, without packing).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-docs-run-'));
    try {
      const tsboot = path.join(root, 'bin', 'tsboot.js');
      const made = await runNode(dir, [tsboot, 'new', 'k', '--tsboot', `file:${root}`], 120_000);
      if (made.code !== 0) return { figures: new Map(), output: made.output };
      const k = path.join(dir, 'k');
      fs.mkdirSync(path.join(k, 'node_modules'));
      fs.symlinkSync(root, path.join(k, 'node_modules', 'tsboot'));
      log('[docs] npx tsboot run src/kernel.ts --arch x86_64 (a tsboot new project) ...');
      const r = await runNode(k, [tsboot, 'run', 'src/kernel.ts', '--arch', 'x86_64'], 600_000);
      return { figures: new Map(), output: r.output };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  'tsboot-check': async (root, log) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-docs-check-'));
    try {
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src', 'widths.ts'), WIDTH_ERRORS);
      log('[docs] npx tsboot check src (on src/widths.ts) ...');
      const r = await runNode(dir, [path.join(root, 'bin', 'tsboot.js'), 'check', 'src'], 120_000);
      return { figures: new Map(), output: r.output };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  'floor-x86_64': (_root, log) => floor('x86_64', log),
  'floor-aarch64': (_root, log) => floor('aarch64', log),
  'bench-compile': async (_root, log) => {
    const c = collector();
    await runCompileTimeBench({ quick: false, runs: 3, log, generatedOnly: true, figure: c.sink });
    return { figures: c.figures, output: '' };
  },
  'bench-paging': async (_root, log) => {
    const c = collector();
    await runPagingBench({ log, figure: c.sink });
    return { figures: c.figures, output: '' };
  },
  'bench-loader': async (_root, log) => {
    const c = collector();
    await runLoaderTimeBench({ runs: 5, log, figure: c.sink });
    return { figures: c.figures, output: '' };
  },
  'bench-build': async (_root, log) => {
    const c = collector();
    await runBuildTimeBench({ runs: 3, log, figure: c.sink });
    return { figures: c.figures, output: '' };
  },
};

/** The source each benchmark suite of `npm run bench` stands for. */
export const BENCH_SOURCES: Partial<Record<string, SourceName>> = {
  compile: 'bench-compile', paging: 'bench-paging', loader: 'bench-loader', build: 'bench-build',
};

export function figureSpec(id: string): FigureSpec | undefined {
  return FIGURES.find((f) => f.id === id);
}

export function sampleSpec(id: string): SampleSpec | undefined {
  return SAMPLES.find((s) => s.id === id);
}
