// The compiler pipeline: parse → check → lower → emit (IR text) → finish (clang) → link (lld).
// Returns diagnostics instead of throwing for anything wrong in the user's program.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Diagnostics, ToolError } from './diagnostics';
import { getTarget } from './targets';
import { parseProgram } from './parse/program';
import { Checker } from './check/checker';
import { Lowerer } from './lower/lower';
import { findTools } from './link/tools';
import { link } from '../../linker/lld';

export type Emit = 'll' | 'asm' | 'obj' | 'exe';

export interface CompileOptions {
  entry: string;
  target: string;
  output: string;
  emit?: Emit;
  optLevel?: 0 | 1 | 2 | 3;
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
  const mark = (name: string, since: number) => { timings[name] = performance.now() - since; return performance.now(); };

  let t = t0;
  const parsed = parseProgram(opts.entry, target, diags);
  t = mark('parse', t);
  if (!parsed || diags.count) return { ok: false, diagnostics: diags, timings };
  const checker = new Checker(parsed, target, diags);
  checker.run();
  t = mark('check', t);
  if (diags.count) return { ok: false, diagnostics: diags, timings };
  const lowerer = new Lowerer(checker, target, diags, !!opts.debug);
  const ir = lowerer.run();
  t = mark('lower', t);
  timings.frontend = performance.now() - t0;
  if (diags.count) return { ok: false, diagnostics: diags, timings };

  const emit = opts.emit ?? 'exe';
  fs.mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
  if (emit === 'll') {
    fs.writeFileSync(opts.output, ir);
    return { ok: true, diagnostics: diags, timings };
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-'));
  try {
    const llFile = path.join(tmp, 'module.ll');
    fs.writeFileSync(llFile, ir);
    const objFile = emit === 'obj' || emit === 'asm' ? opts.output : path.join(tmp, 'module.o');
    const tools = findTools();
    // `asm` is the text of exactly the code `obj` would hold (same clang pipeline, -S).
    const args = [emit === 'asm' ? '-S' : '-c', `-O${opts.optLevel ?? 2}`, '-target', target.triple, ...target.clangFlags, '-Wno-override-module', llFile, '-o', objFile];
    if (opts.debug) args.push('-g');
    t = performance.now();
    const r = spawnSync(tools.clang, args, { encoding: 'utf8' });
    timings.clang = performance.now() - t;
    if (r.error) throw new ToolError(`cannot run ${tools.clang}: ${r.error.message}`);
    if (r.status !== 0) {
      // Invalid IR is a compiler bug, never the user's fault: keep the module for the report.
      const keep = path.join(os.tmpdir(), `tsboot-failed-${process.pid}.ll`);
      fs.copyFileSync(llFile, keep);
      throw new ToolError(`internal compiler error: clang rejected the generated IR (kept in ${keep}):\n${r.stderr.trim()}`);
    }
    if (emit === 'obj' || emit === 'asm') return { ok: true, diagnostics: diags, timings };
    t = performance.now();
    link({
      kind: target.os === 'uefi' ? 'pe' : target.os === 'elf' ? 'elf-kernel' : 'linux',
      arch: target.arch, objects: [objFile], output: opts.output, debug: !!opts.debug, linkerScript: opts.linkerScript,
    });
    timings.link = performance.now() - t;
    return { ok: true, diagnostics: diags, timings };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
