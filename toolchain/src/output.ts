// Writing the compiler's output. Every file-system error becomes `cannot write <path>:
// <reason>` (a ToolError: the user's mistake, exit 1, no stack trace), and an output path
// that is one of the program's own sources is refused before anything is written.
import * as fs from 'fs';
import * as path from 'path';
import { ToolError } from './diagnostics';

/** Why a file-system operation on `file` failed, in words. */
export function reason(e: unknown, file: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOTDIR': case 'EEXIST': {
      // Some directory on the way is a file: name it.
      let dir = path.dirname(path.resolve(file));
      let blocker = '';
      while (dir !== path.dirname(dir)) {
        try { if (!fs.statSync(dir).isDirectory()) blocker = dir; } catch { /* missing: not the blocker */ }
        dir = path.dirname(dir);
      }
      const shown = blocker && !path.relative(process.cwd(), blocker).startsWith('..')
        ? path.relative(process.cwd(), blocker) : blocker;
      return blocker ? `${shown} is a file, not a directory` : 'a part of the path is not a directory';
    }
    case 'EISDIR': return 'it is a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    case 'ENOSPC': return 'no space left on the device';
    case 'EIO': return 'input/output error (it cannot be written to)';
    case 'ENOENT': return 'no such directory';
    default: return err.message ?? String(e);
  }
}

function cannotWrite(file: string, e: unknown): ToolError {
  return new ToolError(`cannot write ${file}: ${reason(e, file)}`);
}

/** Creates the directory an output goes into. */
function makeParent(file: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (e) {
    throw cannotWrite(file, e);
  }
}

/** Writes an output file (creating its directory). */
export function writeOutput(file: string, data: string | Buffer): void {
  makeParent(file);
  try {
    fs.writeFileSync(file, data);
  } catch (e) {
    throw cannotWrite(file, e);
  }
}

/** Copies a finished file (an object or an executable, with its mode) to an output path. */
export function copyOutput(from: string, file: string): void {
  makeParent(file);
  try {
    fs.copyFileSync(from, file);
  } catch (e) {
    throw cannotWrite(file, e);
  }
}

/** The same file, whatever the path says (links, `..`, case of the path text). */
function sameFile(a: string, b: fs.Stats): boolean {
  try {
    const s = fs.statSync(a);
    return s.ino === b.ino && s.dev === b.dev;
  } catch {
    return false;
  }
}

/**
 * Refuses an output path that is one of the program's sources: `-o main.ts` (or an
 * imported module) would replace the source with the binary.
 */
export function refuseSourceAsOutput(output: string, sources: readonly string[], shown: (f: string) => string): void {
  const out = path.resolve(output);
  let stat: fs.Stats | undefined;
  try { stat = fs.statSync(out); } catch { stat = undefined; }
  for (const src of sources) {
    const f = path.resolve(src);
    if (f === out || (stat && sameFile(f, stat))) {
      throw new ToolError(`refusing to write ${output}: it is ${shown(f)}, a source of this program; `
        + 'give -o another path');
    }
  }
}
