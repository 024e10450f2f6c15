// Incremental build of the boot artifacts with the tsboot compiler:
//   loader/main.ts      -> build/<arch>/BOOTX64.EFI | BOOTAA64.EFI   (--target <arch>-uefi)
//   kernel-stub/main.ts -> build/<arch>/kernel-<arch>.elf             (--target <arch>-elf)
//
// An output is rebuilt when it is missing, older than any input, or was built with other
// compiler flags. Inputs are every .ts under loader/, kernel-stub/, common/, toolchain/std/
// and toolchain/lib/, the linker scripts linker/*.ld, and the compiler itself
// (build/js/toolchain/**/*.js and bin/tsboot.js): the module graph is not tracked, so any
// change in those trees rebuilds both images, which is cheap and never stale.
//
//   node build/js/scripts/build.js [--arch x86_64|aarch64|all] [--force] [-g]
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { Arch, ARCHES, archInfo, bootArtifacts, displayPath, repoRoot } from './paths';

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface BuildOptions {
  /** Rebuild even when up to date. */
  force?: boolean;
  /** Pass -g (debug info) to the compiler. */
  debug?: boolean;
  /** Progress lines (default console.log). */
  log?: (s: string) => void;
}

export interface BuildStep {
  what: 'loader' | 'kernel';
  entry: string;
  target: string;
  out: string;
  /** Compiler flags of this artifact beyond the target and output. */
  flags: string[];
}

export function buildSteps(arch: Arch): BuildStep[] {
  const root = repoRoot();
  const a = bootArtifacts(arch);
  const info = archInfo(arch);
  return [
    // The loader is size-first (issue 14: loaders within 32 KiB); its inner loops are @hot.
    {
      what: 'loader', entry: path.join(root, 'loader', 'main.ts'), target: info.uefiTarget, out: a.loader,
      flags: ['-Oz'],
    },
    { what: 'kernel', entry: path.join(root, 'kernel-stub', 'main.ts'), target: info.elfTarget, out: a.kernel, flags: [] },
  ];
}

function walk(dir: string, accept: (name: string) => boolean, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a tree that does not exist yet has no inputs
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, accept, out);
    else if (e.isFile() && accept(e.name)) out.push(p);
  }
}

/** Every file whose change must rebuild the boot artifacts. */
export function buildInputs(): string[] {
  const root = repoRoot();
  const files: string[] = [];
  const ts = (n: string) => n.endsWith('.ts');
  for (const d of ['loader', 'kernel-stub', 'common', path.join('toolchain', 'std'), path.join('toolchain', 'lib')]) walk(path.join(root, d), ts, files);
  for (const n of fs.existsSync(path.join(root, 'linker')) ? fs.readdirSync(path.join(root, 'linker')) : []) {
    if (n.endsWith('.ld')) files.push(path.join(root, 'linker', n));
  }
  walk(path.join(root, 'build', 'js', 'toolchain'), (n) => n.endsWith('.js'), files);
  files.push(path.join(root, 'bin', 'tsboot.js'));
  return files;
}

function compilerArgs(step: BuildStep, opts: BuildOptions): string[] {
  return ['compile', step.entry, '--target', step.target, '-o', step.out, ...step.flags, ...(opts.debug ? ['-g'] : [])];
}

/** Why `step` must be rebuilt, or undefined when it is up to date. */
export function staleReason(step: BuildStep, inputs: string[], opts: BuildOptions = {}): string | undefined {
  if (opts.force) return 'forced';
  let outTime: number;
  try {
    outTime = fs.statSync(step.out).mtimeMs;
  } catch {
    return 'no previous build';
  }
  const stamp = step.out + '.flags';
  const flags = JSON.stringify(compilerArgs(step, opts).slice(2));
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== flags) return 'compiler flags changed';
  for (const f of inputs) {
    let t: number;
    try {
      t = fs.statSync(f).mtimeMs;
    } catch {
      continue;
    }
    if (t > outTime) return `${displayPath(f)} changed`;
  }
  return undefined;
}

function runCompiler(args: string[]): Promise<number> {
  const root = repoRoot();
  return new Promise((resolve, reject) => {
    // Diagnostics (file:line:col: error: ...) go straight to the terminal, unchanged.
    const child = spawn(process.execPath, [path.join(root, 'bin', 'tsboot.js'), ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Builds what is stale for `arch`; returns the outputs it rebuilt. Throws BuildError on failure. */
export async function buildArch(arch: Arch, opts: BuildOptions = {}): Promise<string[]> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const root = repoRoot();
  const cli = path.join(root, 'build', 'js', 'toolchain', 'src', 'cli.js');
  if (!fs.existsSync(cli)) throw new BuildError(`the tsboot compiler is not built (${displayPath(cli)} is missing); run \`npm run setup\``);
  const inputs = buildInputs();
  const built: string[] = [];
  for (const step of buildSteps(arch)) {
    if (!fs.existsSync(step.entry)) throw new BuildError(`cannot build the ${arch} ${step.what}: ${displayPath(step.entry)} does not exist`);
    const why = staleReason(step, inputs, opts);
    if (why === undefined) {
      log(`build: ${arch} ${step.what} is up to date (${displayPath(step.out)})`);
      continue;
    }
    fs.mkdirSync(path.dirname(step.out), { recursive: true });
    const args = compilerArgs(step, opts);
    log(`build: ${arch} ${step.what}: ${displayPath(step.entry)} -> ${displayPath(step.out)} (${why}) ...`);
    const start = Date.now();
    // The stamp is removed first so that a failed build is never considered current.
    fs.rmSync(step.out + '.flags', { force: true });
    const code = await runCompiler(args);
    if (code !== 0) {
      fs.rmSync(step.out, { force: true });
      throw new BuildError(`building the ${arch} ${step.what} failed (tsboot compile exited with ${code}); diagnostics are above`);
    }
    if (!fs.existsSync(step.out)) throw new BuildError(`tsboot compile reported success but did not write ${displayPath(step.out)}`);
    fs.writeFileSync(step.out + '.flags', JSON.stringify(args.slice(2)));
    log(`build: ${arch} ${step.what} built in ${((Date.now() - start) / 1000).toFixed(1)} s (${fs.statSync(step.out).size} bytes)`);
    built.push(step.out);
  }
  return built;
}

async function main(): Promise<void> {
  const argv = yargs(process.argv.slice(2))
    .scriptName('build')
    .usage('$0 [--arch x86_64|aarch64|all] [--force] [-g]\n\nBuilds the UEFI loader and the kernel into build/<arch>/ with the tsboot compiler, skipping what is up to date.')
    .option('arch', { choices: [...ARCHES, 'all'] as const, default: 'all' as const, describe: 'architecture to build' })
    .option('force', { type: 'boolean', default: false, describe: 'rebuild even when up to date' })
    .option('debug', { alias: 'g', type: 'boolean', default: false, describe: 'compile with debug info (-g)' })
    .strict()
    .version(false)
    .help()
    .parseSync();
  const arches: Arch[] = argv.arch === 'all' ? [...ARCHES] : [argv.arch];
  for (const a of arches) await buildArch(a, { force: argv.force, debug: argv.debug });
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e instanceof BuildError ? `build: ${e.message}` : `build: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
