// The compiler pipeline: parse → check → lower → emit (IR text) → finish (clang) → link (lld).
// Returns diagnostics instead of throwing for anything wrong in the user's program.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Diagnostics, ToolError } from './diagnostics';
import { copyOutput, reason, refuseSourceAsOutput, writeOutput } from './output';
import { getTarget } from './targets';
import { parseProgram } from './parse/program';
import { Checker } from './check/checker';
import { Lowerer } from './lower/lower';
import { findTools } from './link/tools';
import { link } from '../../linker/lld';

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
}

export interface CompileResult {
  ok: boolean;
  diagnostics: Diagnostics;
  /** Milliseconds per stage; `frontend` is parse+check+lower+emit (our compiler's own time). */
  timings: Record<string, number>;
}

export function compile(opts: CompileOptions): CompileResult {
  const target = getTarget(opts.target);
  const diags = new Diagnostics();
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const mark = (name: string, since: number) => {
    timings[name] = performance.now() - since;
    return performance.now();
  };

  let t = t0;
  const parsed = parseProgram(opts.entry, target, diags);
  t = mark('parse', t);
  if (!parsed || diags.count) return { ok: false, diagnostics: diags, timings };
  refuseSourceAsOutput(opts.output, parsed.program.getSourceFiles().map((sf) => sf.fileName), (f) => diags.rel(f));
  const checker = new Checker(parsed, target, diags);
  checker.run();
  t = mark('check', t);
  if (diags.count) return { ok: false, diagnostics: diags, timings };
  const lowerer = new Lowerer(checker, target, diags, !!opts.debug);
  lowerer.sizeFirst = opts.optLevel === 'z';
  const ir = lowerer.run();
  t = mark('lower', t);
  timings.frontend = performance.now() - t0;
  if (diags.count) return { ok: false, diagnostics: diags, timings };

  const emit = opts.emit ?? 'exe';
  if (emit === 'll') {
    writeOutput(opts.output, ir);
    return { ok: true, diagnostics: diags, timings };
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
    // `asm` is the text of exactly the code `obj` would hold (same clang pipeline, -S).
    const objFile = path.join(tmp, emit === 'asm' ? 'module.s' : 'module.o');
    const tools = findTools();
    // -Oz keeps clang's -O2 pipeline: the size goal is in each function's attributes
    // (minsize), so that @hot functions are still unrolled and vectorised.
    const level = opts.optLevel === 'z' ? 2 : opts.optLevel ?? 2;
    const args = [emit === 'asm' ? '-S' : '-c', `-O${level}`, '-target', target.triple,
      ...target.clangFlags, '-Wno-override-module', llFile, '-o', objFile];
    if (opts.debug) args.push('-g');
    t = performance.now();
    const r = spawnSync(tools.clang, args, { encoding: 'utf8' });
    timings.clang = performance.now() - t;
    if (r.error) throw new ToolError(`cannot run ${tools.clang}: ${r.error.message}`);
    if (r.status !== 0) {
      // Invalid IR is a compiler bug, never the user's fault: keep the module for the report.
      const keep = path.join(os.tmpdir(), `tsboot-failed-${process.pid}.ll`);
      fs.copyFileSync(llFile, keep);
      throw new ToolError(`internal compiler error: clang rejected the generated IR (kept in ${keep}):\n`
        + r.stderr.trim());
    }
    if (emit === 'obj' || emit === 'asm') {
      copyOutput(objFile, opts.output);
      return { ok: true, diagnostics: diags, timings };
    }
    t = performance.now();
    const linked = path.join(tmp, `linked${path.extname(opts.output)}`);
    const pdb = (f: string) => `${f.replace(/\.[^./]+$/, '')}.pdb`;
    link({
      kind: target.os === 'uefi' ? 'pe' : target.os === 'elf' ? 'elf-kernel' : 'linux',
      arch: target.arch, objects: [objFile], output: linked, debug: !!opts.debug, linkerScript: opts.linkerScript,
      pdbPath: pdb(path.resolve(opts.output)),
    });
    timings.link = performance.now() - t;
    copyOutput(linked, opts.output);
    if (opts.debug && target.os === 'uefi') copyOutput(pdb(linked), pdb(opts.output));
    return { ok: true, diagnostics: diags, timings };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
