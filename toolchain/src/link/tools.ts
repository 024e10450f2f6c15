// Finds the LLVM tools by probing: clang-16, then clang-15, then a `clang` of version >= 15,
// and the matching lld drivers. Missing tools give an error naming the apt packages.
// Also runs them (runTool) and says which installed files they are (toolIdentity).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ToolError } from '../diagnostics';

export interface LlvmTools { clang: string; ldLld: string; lldLink: string; version: number }

let cached: LlvmTools | undefined;

function version(cmd: string): number | undefined {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  const m = /version (\d+)\./.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

function exists(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 || (r.error === undefined && r.status !== null);
}

export function findTools(): LlvmTools {
  if (cached) return cached;
  for (const v of PROBED_VERSIONS) {
    if (version(`clang-${v}`) === v) {
      const ldLld = exists(`ld.lld-${v}`) ? `ld.lld-${v}` : 'ld.lld';
      const lldLink = exists(`lld-link-${v}`) ? `lld-link-${v}` : 'lld-link';
      cached = { clang: `clang-${v}`, ldLld, lldLink, version: v };
      return cached;
    }
  }
  const v = version('clang');
  if (v !== undefined && v >= 15) {
    cached = { clang: 'clang', ldLld: 'ld.lld', lldLink: 'lld-link', version: v };
    return cached;
  }
  throw new ToolError('no LLVM toolchain found (clang 15 or newer with lld); install it with '
    + '`sudo apt-get install -y clang-16 lld-16 llvm-16` (or run `npm run setup` as root)');
}

const PROBED_VERSIONS = [16, 15];

/** The command names findTools may pick, in probe order. */
function candidateCommands(): string[] {
  const names: string[] = [];
  for (const base of ['clang', 'ld.lld', 'lld-link']) names.push(...PROBED_VERSIONS.map((v) => `${base}-${v}`), base);
  return names;
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

function fileStamp(p: string): string {
  const s = fs.statSync(p, { bigint: true });
  return `${p} ${s.size} ${s.mtimeNs} ${s.ino}`;
}

let identity: string | undefined;

/**
 * Which LLVM tools a build would run, without running them: for every command name
 * findTools may pick, the file it resolves to on PATH and that file's size, modification
 * time and inode, and the same for the LLVM and clang shared libraries next to it (where
 * a Debian upgrade puts the code that changes). Any install, removal, upgrade or PATH
 * change changes this string.
 */
export function toolIdentity(): string {
  if (identity !== undefined) return identity;
  const parts: string[] = [];
  const libs = new Set<string>();
  for (const name of candidateCommands()) {
    const found = which(name);
    if (!found) {
      parts.push(`${name}: -`);
      continue;
    }
    const real = fs.realpathSync(found);
    parts.push(`${name}: ${fileStamp(real)}`);
    const libDir = path.join(path.dirname(real), '..', 'lib');
    let names: string[] = [];
    try { names = fs.readdirSync(libDir); } catch { /* no lib directory next to it */ }
    for (const n of names) if (/^lib(LLVM|clang-cpp|lld)[-.\w]*\.so[.\d]*$/.test(n)) libs.add(fs.realpathSync(path.join(libDir, n)));
  }
  for (const l of [...libs].sort()) parts.push(fileStamp(l));
  identity = parts.join('\n');
  return identity;
}

export interface ToolRun {
  status: number;
  /** stderr then stdout, for error messages. */
  output: string;
}

/** Runs a tool without blocking this thread; rejects only when it cannot be started. */
export function runTool(cmd: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.on('error', (e) => reject(new ToolError(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), output: err + out }));
  });
}
