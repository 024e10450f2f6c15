// The compiler pipeline: parse → check → lower → emit (IR text) → finish (clang) → link (lld).
// Returns diagnostics instead of throwing for anything wrong in the user's program.
//
// compileAll() builds several programs in one process: they are parsed together (see
// parse/program.ts), checked and lowered one after another on this thread, and each one's
// clang and lld run as child processes as soon as its IR is ready, at most `jobs` at a
// time, while the next program is checked. With an object cache, an IR module that was
// compiled before (same text, same clang flags, same clang) is not given to clang again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Diagnostics, ToolError } from './diagnostics';
import { copyOutput, reason, refuseSourceAsOutput, writeOutput } from './output';
import { getTarget, Target } from './targets';
import { parsePrograms, ParsedProgram } from './parse/program';
import { Checker } from './check/checker';
import { Lowerer } from './lower/lower';
import { findTools, runTool, toolIdentity } from './link/tools';
import { DEFAULT_KERNEL_SCRIPT, link } from '../../linker/lld';

export type Emit = 'll' | 'asm' | 'obj' | 'exe';

/** -O0 .. -O3, or 'z': every function optimised for size (LLVM minsize) except @hot ones. */
export type OptLevel = 0 | 1 | 2 | 3 | 'z';

export interface CompileOptions {
  entry: string;
  target: string;
  output: string;
  emit?: Emit;
  optLevel?: OptLevel;
  debug?: boolean;
  linkerScript?: string;
  /** *-linux: no SSE/FP/SIMD registers, as in the uefi and elf targets (targets.ts). */
  generalRegsOnly?: boolean;
}

export interface CompileResult {
  ok: boolean;
  diagnostics: Diagnostics;
  /**
   * Milliseconds per stage; `frontend` is parse+check+lower+emit (our compiler's own time).
   * In compileAll, `parse` is the time of the one parse all the programs share.
   * `frontend cpu` is the CPU time (user + system, every thread of the process) from the
   * start of parsing to the end of this program's IR; for a single program, the front
   * end's CPU time, and with several, the sum for this one and those before it.
   */
  timings: Record<string, number>;
  /** Every source file the program was built from (entry, imports, std, declarations). */
  inputs: string[];
  /** The object came from the object cache: clang did not run. */
  cachedObject?: boolean;
}

export interface CompileAllOptions {
  /** Child processes (clang, lld) running at once; default: the CPUs available. */
  jobs?: number;
  /** Directory of objects by IR hash; omit for no cache. */
  objectCache?: string;
  /** Called when request i has finished (successfully or not), in completion order. */
  onDone?: (i: number, r: CompileResult) => void;
}

/**
 * The front end alone, for `tsboot check`: parses and checks `files` (the first is the
 * entry) and everything they import against `targetName`, without asking for a `main` and
 * without generating code.
 */
export function check(files: string[], targetName: string): CompileResult {
  const target = getTarget(targetName);
  const r: CompileResult = { ok: false, diagnostics: new Diagnostics(), timings: {}, inputs: [] };
  let t = performance.now();
  const [p] = parsePrograms([{ entry: files[0], target, diags: r.diagnostics, moreRoots: files.slice(1) }]);
  r.timings.parse = performance.now() - t;
  if (!p || r.diagnostics.count) return r;
  t = performance.now();
  new Checker(p, target, r.diagnostics).run({ requireMain: false });
  r.timings.check = performance.now() - t;
  r.ok = r.diagnostics.count === 0;
  return r;
}

/** Compiles one program. */
export async function compile(opts: CompileOptions): Promise<CompileResult> {
  return (await compileAll([opts]))[0];
}

/** Compiles several programs in one process; element i of the result is request i's. */
export async function compileAll(reqs: readonly CompileOptions[], o: CompileAllOptions = {}): Promise<CompileResult[]> {
  const targets = reqs.map((r) => getTarget(r.target, r.generalRegsOnly));
  const results: CompileResult[] = reqs.map(() => ({ ok: false, diagnostics: new Diagnostics(), timings: {}, inputs: [] }));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const parsed = parsePrograms(reqs.map((r, i) => ({ entry: r.entry, target: targets[i], diags: results[i].diagnostics })));
  const parseMs = performance.now() - t0;
  const pool = new Pool(o.jobs ?? os.availableParallelism());
  const finishing: Promise<void>[] = [];
  let thrown: { error: unknown } | undefined;
  try {
    for (let i = 0; i < reqs.length; i++) {
      const r = results[i];
      const done = () => o.onDone?.(i, r);
      r.timings.parse = parseMs;
      const p = parsed[i];
      if (p) r.inputs = p.program.getSourceFiles().map((sf) => path.resolve(sf.fileName));
      const ir = p && !r.diagnostics.count ? frontEnd(p, targets[i], reqs[i], r, cpu0) : undefined;
      if (ir === undefined) {
        done();
        continue;
      }
      const finished = finish(ir, targets[i], reqs[i], r, pool, o.objectCache).then(done);
      // Handled below (allSettled); without this, a failure while the next program is being
      // checked would count as an unhandled rejection and end the process.
      finished.catch(() => undefined);
      finishing.push(finished);
      // Let the pool start this program's clang before the next program is checked.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    thrown = { error };
  }
  // The tools already started are waited for even when checking a program threw; that
  // error comes first, then the first tool failure.
  const failed = (await Promise.allSettled(finishing)).find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (thrown) throw thrown.error;
  if (failed) throw failed.reason;
  return results;
}

/** Check and lower: the program's IR text, or undefined with diagnostics in `r`. */
function frontEnd(
  p: ParsedProgram, target: Target, opts: CompileOptions, r: CompileResult, cpu0: NodeJS.CpuUsage,
): string | undefined {
  refuseSourceAsOutput(opts.output, p.program.getSourceFiles().map((sf) => sf.fileName), (f) => r.diagnostics.rel(f));
  let t = performance.now();
  const checker = new Checker(p, target, r.diagnostics);
  checker.run();
  r.timings.check = performance.now() - t;
  if (r.diagnostics.count) return undefined;
  t = performance.now();
  const lowerer = new Lowerer(checker, target, r.diagnostics, !!opts.debug);
  lowerer.sizeFirst = opts.optLevel === 'z';
  const ir = lowerer.run();
  r.timings.lower = performance.now() - t;
  r.timings.frontend = r.timings.parse + r.timings.check + r.timings.lower;
  const cpu = process.cpuUsage(cpu0);
  r.timings['frontend cpu'] = (cpu.user + cpu.system) / 1000;
  return r.diagnostics.count ? undefined : ir;
}

/** Writes the IR, or runs clang (or takes its object from the cache) and links. */
async function finish(ir: string, target: Target, opts: CompileOptions, r: CompileResult, pool: Pool, cacheDir?: string): Promise<void> {
  const emit = opts.emit ?? 'exe';
  if (emit === 'll') {
    writeOutput(opts.output, ir);
    r.ok = true;
    return;
  }
  // clang and the linker write into a temporary directory; the result is then copied to
  // the output path, so that a bad output path is our error message, not a tool's.
  let tmp: string;
  try {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-'));
  } catch (e) {
    throw new ToolError(`cannot create a temporary directory in ${os.tmpdir()}: ${reason(e, os.tmpdir())}`);
  }
  try {
    const llFile = path.join(tmp, 'module.ll');
    fs.writeFileSync(llFile, ir);
    const objFile = path.join(tmp, emit === 'asm' ? 'module.s' : 'module.o');
    const tools = findTools();
    // `asm` is the text of exactly the code `obj` would hold (same clang pipeline, -S).
    // -Oz is clang's -Oz pipeline: every function is minsize but the @hot ones, which keep
    // their speed optimisations (unrolling, vectorising), though this pipeline's inliner
    // copies less into them. Under the -O2 pipeline the minsize functions came out 1.2 KB
    // larger in each loader (loop rotation with header copies, the -O2 inline threshold).
    const level = opts.optLevel ?? 2;
    const flags = [emit === 'asm' ? '-S' : '-c', `-O${level}`, '-target', target.triple, ...target.clangFlags, '-Wno-override-module', ...(opts.debug ? ['-g'] : [])];
    const cached = cacheDir ? path.join(cacheDir, `${objectKey(tools.clang, flags, ir)}.o`) : undefined;
    if (cached && fs.existsSync(cached)) {
      fs.copyFileSync(cached, objFile);
      fs.utimesSync(cached, new Date(), new Date()); // recently used: kept by pruneCache
      r.cachedObject = true;
    } else {
      const c = await pool.run(() => timed(r, 'clang', runTool(tools.clang, [...flags, llFile, '-o', objFile])));
      if (c.status !== 0) {
        // Invalid IR is a compiler bug, never the user's fault: keep the module for the report.
        const keep = path.join(os.tmpdir(), `tsboot-failed-${process.pid}-${path.basename(opts.output)}.ll`);
        fs.copyFileSync(llFile, keep);
        throw new ToolError(`internal compiler error: clang rejected the generated IR (kept in ${keep}):\n${c.output.trim()}`);
      }
      if (cached) storeObject(objFile, cached);
    }
    if (emit === 'obj' || emit === 'asm') {
      copyOutput(objFile, opts.output);
      r.ok = true;
      return;
    }
    if (target.os === 'elf') r.inputs.push(path.resolve(opts.linkerScript ?? DEFAULT_KERNEL_SCRIPT));
    const linked = path.join(tmp, `linked${path.extname(opts.output)}`);
    const pdb = (f: string) => `${f.replace(/\.[^./]+$/, '')}.pdb`;
    // Links go ahead of waiting clang runs: they are short and finish an artifact.
    await pool.run(() => timed(r, 'link', link({
      kind: target.os === 'uefi' ? 'pe' : target.os === 'elf' ? 'elf-kernel' : 'linux',
      arch: target.arch, objects: [objFile], output: linked, debug: !!opts.debug, linkerScript: opts.linkerScript,
      pdbPath: pdb(path.resolve(opts.output)),
    })), true);
    copyOutput(linked, opts.output);
    if (opts.debug && target.os === 'uefi') copyOutput(pdb(linked), pdb(opts.output));
    r.ok = true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Awaits `work` (started just now), recording its time as stage `stage` of `r`. */
async function timed<T>(r: CompileResult, stage: string, work: Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await work;
  } finally {
    r.timings[stage] = performance.now() - t;
  }
}

/** The object cache's name for clang's output on `ir`: what goes in, and which clang. */
function objectKey(clang: string, flags: string[], ir: string): string {
  return createHash('sha256').update(JSON.stringify([toolIdentity(), clang, flags])).update('\0').update(ir).digest('hex');
}

/** Objects kept in a cache directory; the least recently used beyond this are removed. */
const CACHE_KEEP = 64;

function storeObject(obj: string, cached: string): void {
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.${process.pid}`;
    fs.copyFileSync(obj, tmp);
    fs.renameSync(tmp, cached); // atomic: a concurrent reader sees all of it or nothing
    pruneCache(path.dirname(cached));
  } catch {
    /* a cache is an optimisation only */
  }
}

function pruneCache(dir: string): void {
  const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.o')).map((f) => {
    const p = path.join(dir, f);
    return { p, t: fs.statSync(p).mtimeMs };
  });
  entries.sort((a, b) => b.t - a.t);
  for (const e of entries.slice(CACHE_KEEP)) fs.rmSync(e.p, { force: true });
}

/** Runs at most `size` tasks at once; the others wait in order, urgent ones first. */
class Pool {
  private active = 0;
  private waiting: (() => void)[] = [];
  private readonly size: number;

  constructor(size: number) {
    this.size = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => (urgent ? this.waiting.unshift(resolve) : this.waiting.push(resolve))); // the slot is handed over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
