// Parse stage: the TypeScript compiler API parses, binds and resolves the whole program
// (the entry file, everything it imports, the std library and the ambient declarations).
//
// Several targets can be parsed together (parsePrograms): their roots go into one
// ts.Program, so the std library, the ambient declarations and every module two entries
// share are read, parsed and bound once, and one TypeScript checker resolves names for all
// of them. Each target then sees a view of that program holding only the files its own
// roots reach, in the order a program of its own would list them, so the compiler's
// output is byte-for-byte what a separate compile gives.
import * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { Target } from '../targets';
import { Diagnostics, isStackOverflow } from '../diagnostics';
import { REPO_ROOT } from '../paths';
import { checkUtf8, tooDeepToParse } from './source-checks';

/** Why a file cannot be read, in words. */
function readError(file: string): string {
  try {
    fs.readFileSync(file);
    return 'it is not a TypeScript source';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory'
      : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  }
}

export const TOOLCHAIN_DIR = path.join(REPO_ROOT, 'toolchain');
export const LIB_DIR = path.join(TOOLCHAIN_DIR, 'lib');
export const STD_DIR = path.join(TOOLCHAIN_DIR, 'std');

export interface ParsedProgram {
  /** The target's program: `getSourceFiles()` lists exactly the files its roots reach. */
  program: ts.Program;
  checker: ts.TypeChecker;
  entry: ts.SourceFile;
  /** Std modules linked into every program for this target. */
  std: ts.SourceFile[];
}

/** One program to parse: an entry file for a target. */
export interface ParseRequest {
  entry: string;
  target: Target;
  diags: Diagnostics;
  /** More files to check with the entry (`tsboot check a.ts b.ts`). */
  moreRoots?: string[];
}

export const subsetCompilerOptions: ts.CompilerOptions = {
  noLib: true,
  types: [],
  strict: true,
  strictNullChecks: false,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowUnreachableCode: true,
};

/** The std sources for a target: the common modules plus the runtime of its OS. */
export function stdFiles(target: Target): string[] {
  const common = fs.readdirSync(STD_DIR).filter((f) => f.endsWith('.ts')).map((f) => path.join(STD_DIR, f));
  return [...common, path.join(STD_DIR, 'rt', `${target.os}.ts`)];
}

/** The ambient declarations every program gets. */
export function libFiles(): string[] {
  return fs.readdirSync(LIB_DIR).filter((f) => f.endsWith('.d.ts')).map((f) => path.join(LIB_DIR, f));
}

/** A program's root files in the order tsc is given them: declarations, std, entry. */
function rootsOf(req: ParseRequest): string[] {
  return [...libFiles(), ...stdFiles(req.target), ...(req.moreRoots ?? []).map((f) => path.resolve(f)), path.resolve(req.entry)];
}

export function parseProgram(entryFile: string, target: Target, diags: Diagnostics): ParsedProgram | undefined {
  return parsePrograms([{ entry: entryFile, target, diags }])[0];
}

/**
 * Parses the programs of `reqs` together (see the head of this file); element i is
 * request i's program, or undefined when its entry file cannot be read or is nested too
 * deeply to parse. Syntax errors go to each request's own diagnostics, for the files that
 * request reaches.
 */
export function parsePrograms(reqs: readonly ParseRequest[]): (ParsedProgram | undefined)[] {
  const roots = reqs.map(rootsOf);
  const host = ts.createCompilerHost(subsetCompilerOptions);
  // TypeScript's parser and binder recurse: code nested deeper than the stack allows is a
  // diagnostic at the deepest point of the file that was being read, not a crash.
  const getSourceFile = host.getSourceFile;
  let reading: string | undefined;
  host.getSourceFile = (name, ...rest) => {
    reading = name;
    const sf = getSourceFile.call(host, name, ...rest);
    reading = undefined;
    return sf;
  };
  const create = (rootNames: string[], h: ts.CompilerHost, forReqs: readonly ParseRequest[]): ts.Program | undefined => {
    try {
      const p = ts.createProgram({ rootNames, options: subsetCompilerOptions, host: h });
      p.getTypeChecker();
      return p;
    } catch (e) {
      const entries = forReqs.map((r) => path.resolve(r.entry));
      if (!isStackOverflow(e) || (!reading && !entries.some((f) => fs.existsSync(f)))) throw e;
      for (const [k, r] of forReqs.entries()) {
        const file = reading ?? entries[k];
        r.diags.add(tooDeepToParse(file, r.diags.rel(file)));
      }
      reading = undefined;
      return undefined;
    }
  };
  let program = create([...new Set(roots.flat())], host, reqs);
  if (!program) return reqs.map(() => undefined);
  // A script (a file with no import or export) puts its names in the global scope, where
  // one target's scripts would be visible to another's; such programs are parsed apart
  // (still sharing the parsed files through the host's cache).
  const shared = reqs.length === 1 || program.getSourceFiles().every((sf) => sf.isDeclarationFile || ts.isExternalModule(sf));
  return reqs.map((req, i) => {
    if (!shared) {
      const own = create(roots[i], cachingHost(host, program!), [req]);
      if (!own) return undefined;
      program = own;
    }
    return targetProgram(program!, roots[i], req, !shared || reqs.length === 1);
  });
}

/** A compiler host that hands out the already parsed files of `program`. */
function cachingHost(host: ts.CompilerHost, program: ts.Program): ts.CompilerHost {
  return {
    ...host,
    getSourceFile: (name, lang, onError, create) => program.getSourceFile(name) ?? host.getSourceFile(name, lang, onError, create),
  };
}

/** Request `req`'s program; `whole` when `program` was made for its roots alone. */
function targetProgram(program: ts.Program, roots: string[], req: ParseRequest, whole: boolean): ParsedProgram | undefined {
  const entry = roots[roots.length - 1];
  const entrySf = program.getSourceFile(entry);
  if (!entrySf) {
    req.diags.add({ file: req.entry, line: 1, col: 1, message: `cannot read the entry file: ${readError(entry)}` });
    return undefined;
  }
  const checker = program.getTypeChecker();
  const files = whole ? program.getSourceFiles() : reachableFiles(program, checker, roots);
  const view = whole ? program : programView(program, files);
  for (const sf of files) {
    if (sf.isDeclarationFile) continue;
    const bad = checkUtf8(sf.fileName, req.diags.rel(sf.fileName));
    if (bad) req.diags.add(bad);
  }
  // Syntax errors are reported in TypeScript's words. Types are left to our own checker:
  // it knows the subset's machine types (tsc sees every integer as `number`), and a full
  // tsc type check would cost more than the whole rest of the compiler.
  for (const sf of files) {
    for (const d of program.getSyntacticDiagnostics(sf)) {
      if (!d.file || d.start === undefined) continue;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      req.diags.add({ file: req.diags.rel(d.file.fileName), line: line + 1, col: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
    }
  }
  const std = stdFiles(req.target).map((f) => program.getSourceFile(f)).filter((sf): sf is ts.SourceFile => !!sf);
  return { program: view, checker, entry: entrySf, std };
}

/**
 * The files `roots` reach through `/// <reference path>` directives, imports and
 * re-exports, in the order tsc lists a program's files: each file after the files it
 * refers to (depth first, references before imports, each in source order).
 */
function reachableFiles(program: ts.Program, checker: ts.TypeChecker, roots: string[]): ts.SourceFile[] {
  const out: ts.SourceFile[] = [];
  const seen = new Set<ts.SourceFile>();
  const visit = (sf: ts.SourceFile): void => {
    if (seen.has(sf)) return;
    seen.add(sf);
    for (const ref of sf.referencedFiles) {
      const file = program.getSourceFile(path.resolve(path.dirname(sf.fileName), ref.fileName));
      if (file) visit(file);
    }
    for (const st of sf.statements) {
      const spec = ts.isImportDeclaration(st) || ts.isExportDeclaration(st) ? st.moduleSpecifier : undefined;
      if (!spec) continue;
      const target = checker.getSymbolAtLocation(spec)?.declarations?.find(ts.isSourceFile);
      if (target) visit(target);
    }
    out.push(sf);
  };
  for (const r of roots) {
    const sf = program.getSourceFile(r);
    if (sf) visit(sf);
  }
  return out;
}

/** `program` with getSourceFiles() narrowed to `files`; everything else is shared. */
function programView(program: ts.Program, files: readonly ts.SourceFile[]): ts.Program {
  return Object.assign(Object.create(program) as ts.Program, { getSourceFiles: () => files });
}

export function isLibFile(sf: ts.SourceFile): boolean {
  const dir = path.dirname(sf.fileName);
  return dir === LIB_DIR.split(path.sep).join('/') || path.resolve(dir) === LIB_DIR;
}
