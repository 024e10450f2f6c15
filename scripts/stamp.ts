// Exact up-to-date checks for build outputs. Next to each output, `<output>.stamp` records
// what it was built from: the compiler flags, the compiler (a hash of its compiled code,
// the TypeScript library's version and Node's), the LLVM tools (toolchain/src/link/tools.ts
// toolIdentity), the content hash of every source file the compile read (the compiler
// reports them), a hash of the name list of each directory holding one of them (a new file
// there could change how an import resolves), and the output's own hash.
//
// The output is current only when every one of these is unchanged: contents are compared,
// not modification times, so a touched but unchanged file rebuilds nothing and an edit
// within the same second is never missed.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { displayPath, repoRoot } from './paths';

const STAMP_VERSION = 1;

export interface Stamp {
  version: number;
  flags: string[];
  compiler: string;
  tools: string;
  /** Repository-relative path (or absolute, outside it) → sha256 of the content. */
  inputs: Record<string, string>;
  /** Directory (same naming) → sha256 of its sorted entry names. */
  dirs: Record<string, string>;
  output: string;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The content hash of a file, or undefined when it cannot be read. */
function fileHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

function dirHash(dir: string): string | undefined {
  try {
    return sha256(fs.readdirSync(dir).sort().join('\n'));
  } catch {
    return undefined;
  }
}

function key(file: string): string {
  const rel = path.relative(repoRoot(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

function unkey(k: string): string {
  return path.isAbsolute(k) ? k : path.join(repoRoot(), k);
}

function jsFiles(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) jsFiles(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
}

let compilerHashCache: string | undefined;

/**
 * A hash of everything that makes up the compiler as the build runs it: its compiled code
 * (build/js/toolchain and the linker drivers in build/js/linker), the TypeScript library
 * that parses for it, and Node.
 */
export function compilerHash(): string {
  if (compilerHashCache) return compilerHashCache;
  const root = repoRoot();
  const files: string[] = [];
  for (const d of ['toolchain', 'linker']) jsFiles(path.join(root, 'build', 'js', d), files);
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(`${key(f)}\0${fileHash(f)}\0`);
  try {
    const tsPkg = require.resolve('typescript/package.json');
    const tsLib = require.resolve('typescript');
    const st = fs.statSync(tsLib);
    h.update(`typescript ${JSON.parse(fs.readFileSync(tsPkg, 'utf8')).version} ${st.size} ${st.mtimeMs}\0`);
  } catch {
    h.update('typescript missing\0');
  }
  h.update(`node ${process.version}`);
  compilerHashCache = h.digest('hex');
  return compilerHashCache;
}

/** What a build is made with, besides its sources. */
export interface BuildContext {
  flags: string[];
  compiler: string;
  tools: string;
}

export function stampPath(output: string): string {
  return `${output}.stamp`;
}

/** Why `output` must be rebuilt, or undefined when its stamp proves it current. */
export function staleReason(output: string, ctx: BuildContext): string | undefined {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampPath(output), 'utf8')) as Stamp;
  } catch {
    return fs.existsSync(output) ? 'no build record' : 'no previous build';
  }
  if (stamp.version !== STAMP_VERSION) return 'build record from another version';
  if (JSON.stringify(stamp.flags) !== JSON.stringify(ctx.flags)) return 'compiler flags changed';
  if (stamp.compiler !== ctx.compiler) return 'the compiler changed';
  if (stamp.tools !== ctx.tools) return 'the LLVM tools changed';
  for (const [k, h] of Object.entries(stamp.inputs)) {
    if (fileHash(unkey(k)) !== h) return `${displayPath(unkey(k))} changed`;
  }
  for (const [k, h] of Object.entries(stamp.dirs)) {
    if (dirHash(unkey(k)) !== h) return `files were added to or removed from ${displayPath(unkey(k))}`;
  }
  if (fileHash(output) !== stamp.output) return `${displayPath(output)} was modified after it was built`;
  return undefined;
}

/**
 * Records that `output` was just built from `inputs` in `ctx`. With `watchDirs` false the
 * inputs' directories are not recorded: for inputs named exactly (build outputs), where
 * no import resolution could change with a new file beside them.
 */
export function writeStamp(output: string, inputs: readonly string[], ctx: BuildContext, watchDirs = true): void {
  const stamp: Stamp = { version: STAMP_VERSION, ...ctx, inputs: {}, dirs: {}, output: fileHash(output) ?? '' };
  for (const f of [...new Set(inputs)].sort()) {
    stamp.inputs[key(f)] = fileHash(f) ?? '';
    if (watchDirs) stamp.dirs[key(path.dirname(f))] = dirHash(path.dirname(f)) ?? '';
  }
  fs.writeFileSync(stampPath(output), JSON.stringify(stamp, null, 1) + '\n');
}

/** Removes the stamp first, so that an interrupted or failed build is never current. */
export function clearStamp(output: string): void {
  fs.rmSync(stampPath(output), { force: true });
}
