// What the project commands (tsboot new, run, check, setup) need to know about a program and
// about the tsboot package they run from.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ToolError } from '../diagnostics';
import { REPO_ROOT } from '../paths';

/** A kernel booted by tsboot's loader (an `*-elf` program), or an EFI application (`*-uefi`). */
export type ProgramKind = 'kernel' | 'efi-app';
export const PROGRAM_KINDS: readonly ProgramKind[] = ['kernel', 'efi-app'];

/**
 * What `file` is, from its `main`: `main(image, systemTable)` is an EFI application's entry,
 * `main(bootInfo)` a kernel's. Only the file is parsed (no program, no types): fast enough to
 * ask before every run. A file without an exported `main` is taken for a kernel module.
 */
export function programKind(file: string): ProgramKind {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ToolError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return programKindOfText(file, text);
}

/** programKind of a file's text (an editor's buffer). */
export function programKindOfText(file: string, text: string): ProgramKind {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === 'main' && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      return st.parameters.length === 2 ? 'efi-app' : 'kernel';
    }
  }
  return 'kernel';
}

/** The compiler target of a program kind on an architecture. */
export function targetOf(kind: ProgramKind, arch: string): string {
  return `${arch}-${kind === 'kernel' ? 'elf' : 'uefi'}`;
}

/** The nearest directory at or above `file`'s that holds a package.json (else `file`'s own). */
export function projectRoot(file: string): string {
  const start = path.dirname(path.resolve(file));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** The root of the tsboot package these commands run from (a checkout or an installed copy). */
export const PACKAGE_ROOT = REPO_ROOT;

export function packageVersion(packageRoot: string = PACKAGE_ROOT): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version;
}

/** A git checkout of tsboot (its loader is rebuilt when stale), not an installed package. */
export function isCheckout(): boolean {
  return fs.existsSync(path.join(PACKAGE_ROOT, '.git'));
}

/**
 * The dependency spec under which a new project gets the tsboot it was made with (the one at
 * `packageRoot`):
 * - run from a checkout or an unpacked directory: `file:<that directory>`;
 * - installed under some node_modules (a project's, or npx's cache, which installs a
 *   `npx <tarball>` as a dependency of a package.json of its own): the spec that
 *   package.json gives, with a `file:` path made absolute (the tarball or directory the user
 *   ran `new` from);
 * - otherwise the published version range `^<version>`.
 */
export function installSpec(packageRoot: string = PACKAGE_ROOT): { spec: string; local: boolean } {
  const parent = path.dirname(packageRoot);
  if (path.basename(parent) !== 'node_modules') return { spec: `file:${packageRoot}`, local: true };
  const installer = path.dirname(parent);
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(installer, 'package.json'), 'utf8'));
    const spec: unknown = pkg.dependencies?.tsboot ?? pkg.devDependencies?.tsboot;
    if (typeof spec === 'string' && spec.startsWith('file:')) {
      return { spec: `file:${path.resolve(installer, spec.slice('file:'.length))}`, local: true };
    }
    if (typeof spec === 'string' && spec !== '') return { spec, local: false };
  } catch {
    /* no readable package.json above: fall through to the published range */
  }
  return { spec: `^${packageVersion(packageRoot)}`, local: false };
}
