// Incremental build of the boot artifacts with the tsboot compiler:
//   loader/main.ts        -> build/<arch>/loader-<arch>.efi   (--target <arch>-uefi -Oz)
//   loader/unpack/main.ts -> build/<arch>/unpack-<arch>.o     (the same, an object)
//   kernel-stub/main.ts   -> build/<arch>/kernel-<arch>.elf   (--target <arch>-elf)
// and then the boot file, build/<arch>/BOOTX64.EFI | BOOTAA64.EFI: the unpack stub linked
// around the loader compressed (linker/pack.ts; docs/boot-protocol.md, "The
// self-extracting loader").
//
// One process builds every stale artifact (toolchain/src/driver.ts compileAll): the
// programs are parsed together, so the std library, the declarations and the modules the
// loader and kernel share are parsed once for all targets; each program is checked and
// lowered in turn while clang and lld finish the previous ones in parallel (--jobs, default
// the number of CPUs). Kernels go first: their clang runs are the longest.
//
// An artifact is rebuilt unless its stamp (scripts/stamp.ts) proves it current: same
// flags, same compiler, same LLVM tools, same content of every source it was built from.
// Objects are cached by IR hash in build/cache/objects, so a change that leaves an
// artifact's IR as it was (a comment, a compiler refactor) does not run clang for it.
// Concurrent builds (parallel test suites) take turns through a lock in build/.
//
//   node build/js/scripts/build.js [--arch x86_64|aarch64|all] [--force] [-g] [--jobs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import type { CompileOptions, CompileResult } from '../toolchain/src/driver';
import { Arch, ARCHES, archInfo, bootArtifacts, displayPath, repoRoot } from './paths';
import { BuildContext, clearStamp, compilerHash, staleReason, writeStamp } from './stamp';
import { toolIdentity } from '../toolchain/src/link/tools';
import { packLoader, packerIdentity } from '../linker/pack';
import { loadTypescript, useOneShotFlags } from '../toolchain/src/startup';

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface BuildOptions {
  /** Rebuild even when up to date, and run clang even when its object is cached. */
  force?: boolean;
  /** Pass -g (debug info) to the compiler. */
  debug?: boolean;
  /** Only the loader (with its stub and the packed boot file) or only the kernel (default
   *  both; `tsboot run` needs only the loader). */
  only?: 'loader' | 'kernel';
  /** Tool processes at once (default: the number of CPUs). */
  jobs?: number;
  /** Progress lines (default console.log). */
  log?: (s: string) => void;
}

export interface BuildStep {
  arch: Arch;
  what: 'loader' | 'unpack stub' | 'kernel';
  entry: string;
  target: string;
  out: string;
  /** -Oz for the loaders (size first; their inner loops are @hot), the default -O2 otherwise. */
  optLevel?: 'z';
  /** An object to link later (the unpack stub) instead of a linked program. */
  emit?: 'obj';
}

export function buildSteps(arch: Arch): BuildStep[] {
  const root = repoRoot();
  const a = bootArtifacts(arch);
  const info = archInfo(arch);
  return [
    // Issue 14: loaders within 32 KiB (the boot file holds the loader compressed).
    {
      arch, what: 'loader', entry: path.join(root, 'loader', 'main.ts'), target: info.uefiTarget, out: a.loaderImage,
      optLevel: 'z',
    },
    {
      arch, what: 'unpack stub', entry: path.join(root, 'loader', 'unpack', 'main.ts'), target: info.uefiTarget,
      out: a.unpackStub, optLevel: 'z', emit: 'obj',
    },
    { arch, what: 'kernel', entry: path.join(root, 'kernel-stub', 'main.ts'), target: info.elfTarget, out: a.kernel },
  ];
}

/** What a boot file may weigh (docs/boot-protocol.md, "The self-extracting loader"). */
const BOOT_FILE_LIMIT = 32 * 1024;

/** The boot file of `arch` and what it is packed from. */
interface PackStep { arch: Arch; out: string; image: string; stub: string }

function packSteps(arches: readonly Arch[]): PackStep[] {
  return arches.map((arch) => {
    const a = bootArtifacts(arch);
    return { arch, out: a.loader, image: a.loaderImage, stub: a.unpackStub };
  });
}

/** What packing is made with besides its two inputs: the packer's code and xz. */
function packContext(): BuildContext {
  return { flags: ['pack'], compiler: compilerHash(), tools: `${toolIdentity()}\n${packerIdentity()}` };
}

/** What a build of `step` is made with besides its sources: flags, compiler, tools. */
function contextOf(step: BuildStep, opts: BuildOptions): BuildContext {
  // Debug info names the current directory (the compile unit's), so it is a flag too.
  const flags = ['--target', step.target, ...(step.optLevel ? [`-O${step.optLevel}`] : []), ...(step.emit ? ['--emit', step.emit] : []),
    ...(opts.debug ? ['-g', `cwd=${process.cwd()}`] : [])];
  return { flags, compiler: compilerHash(), tools: toolIdentity() };
}

/** Builds what is stale for `arch`; returns the outputs it rebuilt. Throws BuildError on failure. */
export function buildArch(arch: Arch, opts: BuildOptions = {}): Promise<string[]> {
  return buildAll([arch], opts);
}

/** Builds what is stale for `arches` in one compiler run; returns the outputs it rebuilt. */
export async function buildAll(arches: readonly Arch[], opts: BuildOptions = {}): Promise<string[]> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const root = repoRoot();
  const driverJs = path.join(root, 'build', 'js', 'toolchain', 'src', 'driver.js');
  if (!fs.existsSync(driverJs)) throw new BuildError(`the tsboot compiler is not built (${displayPath(driverJs)} is missing); run \`npm run setup\``);
  const steps = arches.flatMap(buildSteps).filter((st) => !opts.only || (st.what === 'kernel') === (opts.only === 'kernel'));
  const packs = opts.only === 'kernel' ? [] : packSteps(arches);
  for (const s of steps) {
    if (!fs.existsSync(s.entry)) throw new BuildError(`cannot build the ${s.arch} ${s.what}: ${displayPath(s.entry)} does not exist`);
  }
  const stale = () => steps.map((s) => ({ step: s, why: opts.force ? 'forced' : staleReason(s.out, contextOf(s, opts)) }));
  const stalePack = (p: PackStep) => (opts.force ? 'forced' : staleReason(p.out, packContext()));
  if (stale().every((s) => s.why === undefined) && packs.every((p) => stalePack(p) === undefined)) {
    for (const s of steps) if (s.what !== 'unpack stub') log(`build: ${s.arch} ${s.what} is up to date (${displayPath(s.out)})`);
    for (const p of packs) log(`build: ${p.arch} boot file is up to date (${displayPath(p.out)})`);
    return [];
  }
  const unlock = await lockBuild(log);
  try {
    // Checked again under the lock: another build may have just made them current.
    const todo: BuildStep[] = [];
    for (const { step, why } of stale()) {
      if (why === undefined) log(`build: ${step.arch} ${step.what} is up to date (${displayPath(step.out)})`);
      else {
        log(`build: ${step.arch} ${step.what}: ${displayPath(step.entry)} -> ${displayPath(step.out)} (${why})`);
        todo.push(step);
      }
    }
    if (todo.length) await compileSteps(todo, opts, log);
    const packed: string[] = [];
    for (const p of packs) {
      const why = stalePack(p);
      if (why === undefined) {
        log(`build: ${p.arch} boot file is up to date (${displayPath(p.out)})`);
        continue;
      }
      log(`build: ${p.arch} boot file: ${displayPath(p.image)} packed -> ${displayPath(p.out)} (${why})`);
      await pack(p, log);
      packed.push(p.out);
    }
    return [...todo.map((s) => s.out), ...packed];
  } finally {
    unlock();
  }
}

async function compileSteps(todo: BuildStep[], opts: BuildOptions, log: (s: string) => void): Promise<void> {
  const root = repoRoot();
  // Kernels first: clang takes longest on them, so they should start first.
  const rank = (s: BuildStep) => (s.what === 'kernel' ? 0 : 1);
  todo.sort((a, b) => rank(a) - rank(b));
  for (const s of todo) {
    fs.mkdirSync(path.dirname(s.out), { recursive: true });
    clearStamp(s.out);
  }
  // The compiler is loaded only when there is something to compile: a no-change build
  // never pays for loading the TypeScript library.
  // In a build process (main below) the one-shot V8 flags are already set; loadTypescript
  // takes the code cache that matches the process's flags either way.
  loadTypescript();
  const driver = require(path.join(root, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../toolchain/src/driver');
  const reqs: CompileOptions[] = todo.map((s) => ({
    entry: s.entry, target: s.target, output: s.out, debug: opts.debug, optLevel: s.optLevel, emit: s.emit,
  }));
  const start = performance.now();
  const failed: string[] = [];
  const onDone = (i: number, r: CompileResult): void => {
    const s = todo[i];
    if (!r.ok) {
      process.stderr.write(r.diagnostics.format() + '\n');
      fs.rmSync(s.out, { force: true });
      failed.push(`${s.arch} ${s.what} (${r.diagnostics.count} error${r.diagnostics.count === 1 ? '' : 's'})`);
      return;
    }
    writeStamp(s.out, r.inputs, contextOf(s, opts));
    const t = r.timings;
    const clang = r.cachedObject ? 'object cached, clang skipped' : `clang ${sec(t.clang)}`;
    log(`build: ${s.arch} ${s.what} built at ${sec(performance.now() - start)} (${fs.statSync(s.out).size} bytes; check ${sec(t.check)}, lower ${sec(t.lower)}, ${clang}, link ${sec(t.link)})`);
  };
  let results: CompileResult[];
  try {
    results = await driver.compileAll(reqs, {
      jobs: opts.jobs ?? os.availableParallelism(),
      objectCache: opts.force ? undefined : path.join(root, 'build', 'cache', 'objects'),
      onDone,
    });
  } catch (e) {
    for (const s of todo) fs.rmSync(s.out, { force: true });
    throw e;
  }
  if (failed.length) throw new BuildError(`building ${failed.join(', ')} failed; diagnostics are above`);
  log(`build: ${todo.length} artifact${todo.length === 1 ? '' : 's'} in ${sec(performance.now() - start)} (parse, shared: ${sec(results[0].timings.parse)})`);
}

/** Links the boot file of p.arch: the unpack stub around the loader, compressed. */
async function pack(p: PackStep, log: (s: string) => void): Promise<void> {
  clearStamp(p.out);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-pack-'));
  const start = performance.now();
  try {
    const r = await packLoader(p.image, p.stub, p.arch, p.out, tmp);
    writeStamp(p.out, [p.image, p.stub], packContext(), false);
    const size = fs.statSync(p.out).size;
    log(`build: ${p.arch} boot file packed in ${sec(performance.now() - start)}: ${displayPath(p.out)}, ` +
      `${size} bytes (the loader's ${r.imageSize} as ${r.streamSize} of LZMA)`);
    if (size > BOOT_FILE_LIMIT) {
      log(`build: warning: ${displayPath(p.out)} is ${size - BOOT_FILE_LIMIT} bytes over the 32 KiB the boot files are kept within ` +
        '(issue 14; tests/boot/pack fails): `node build/js/bench/loader-size.js` shows where the bytes go');
    }
  } catch (e) {
    fs.rmSync(p.out, { force: true });
    throw e;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function sec(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

// ---- a copy of what a build reads ------------------------------------------------------

/**
 * Copies everything a build reads into `dest` (sources, linker scripts, the compiled Node
 * side, the TypeScript library's compiled-code cache) and links node_modules, so that
 * `dest/build/js/scripts/build.js` builds there exactly as it would here. Used by the
 * build-time benchmark and the build's tests, which edit the copy.
 */
export function copyBuildTree(dest: string): void {
  const root = repoRoot();
  for (const p of ['package.json', 'bin', 'loader', 'kernel-stub', 'common', 'sdk', 'linker', path.join('toolchain', 'std'), path.join('toolchain', 'lib'), path.join('build', 'js')]) {
    fs.cpSync(path.join(root, p), path.join(dest, p), { recursive: true });
  }
  // The cache is per machine, like node_modules: a clean build of the artifacts has it.
  const cache = path.join(root, 'build', 'cache');
  if (fs.existsSync(cache)) {
    for (const f of fs.readdirSync(cache)) if (f.endsWith('.jsc')) fs.cpSync(path.join(cache, f), path.join(dest, 'build', 'cache', f));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dest, 'node_modules'));
}

// ---- the build lock --------------------------------------------------------------------

const LOCK_POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes build/.build.lock (a directory: creating it is atomic) and returns its release.
 * A lock whose owner has died is taken over; while a live one holds it, this waits.
 */
async function lockBuild(log: (s: string) => void): Promise<() => void> {
  const dir = path.join(repoRoot(), 'build', '.build.lock');
  const owner = path.join(dir, 'pid');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(owner, String(process.pid));
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(fs.readFileSync(owner, 'utf8'));
    } catch {
      /* the owner is between mkdir and writing its pid, or just released it */
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!said && Number.isInteger(pid)) {
      log(`build: waiting for the build in process ${pid} to finish`);
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

// ---- command line -----------------------------------------------------------------------

export async function main(argv: string[]): Promise<void> {
  const args = yargs(argv)
    .scriptName('build')
    .usage('$0 [--arch x86_64|aarch64|all] [--force] [-g] [--jobs N]\n\nBuilds the UEFI loaders and kernels into build/<arch>/ with the tsboot compiler, in one process, skipping what is up to date.')
    .option('arch', { choices: [...ARCHES, 'all'] as const, default: 'all' as const, describe: 'architecture to build' })
    .option('force', { type: 'boolean', default: false, describe: 'rebuild even when up to date, without the object cache' })
    .option('debug', { alias: 'g', type: 'boolean', default: false, describe: 'compile with debug info (-g)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'clang/lld processes at once (default: the number of CPUs)' })
    .check((a) => a.jobs === undefined || (Number.isInteger(a.jobs) && a.jobs >= 1) || 'give --jobs a whole number of at least 1')
    .strict()
    .version(false)
    .help()
    .parseSync();
  const arches: Arch[] = args.arch === 'all' ? [...ARCHES] : [args.arch];
  await buildAll(arches, { force: args.force, debug: args.debug, jobs: args.jobs });
}

if (require.main === module) {
  // A build is a short-lived compiler process: V8 flags for a one-shot run, set before the
  // compiler loads (toolchain/src/startup.ts).
  useOneShotFlags();
  main(process.argv.slice(2)).catch((e: Error) => {
    const known = e instanceof BuildError || e.constructor.name === 'ToolError';
    console.error(known ? `build: ${e.message}` : `build: internal error: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
