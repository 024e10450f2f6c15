// Parse stage: the TypeScript compiler API parses, binds and resolves the whole program
// (the entry file, everything it imports, the std library and the ambient declarations).
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
  program: ts.Program;
  checker: ts.TypeChecker;
  entry: ts.SourceFile;
  /** Std modules linked into every program for this target. */
  std: ts.SourceFile[];
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

export function parseProgram(entryFile: string, target: Target, diags: Diagnostics): ParsedProgram | undefined {
  const entry = path.resolve(entryFile);
  const libs = fs.readdirSync(LIB_DIR).filter((f) => f.endsWith('.d.ts')).map((f) => path.join(LIB_DIR, f));
  const std = stdFiles(target);
  // TypeScript's parser and binder recurse: code nested deeper than the stack allows is a
  // diagnostic at the deepest point of the file that was being read, not a crash.
  const host = ts.createCompilerHost(subsetCompilerOptions);
  const getSourceFile = host.getSourceFile;
  let reading: string | undefined;
  host.getSourceFile = (name, ...rest) => {
    reading = name;
    const sf = getSourceFile.call(host, name, ...rest);
    reading = undefined;
    return sf;
  };
  let program: ts.Program;
  let checker: ts.TypeChecker;
  try {
    program = ts.createProgram({ rootNames: [...libs, ...std, entry], options: subsetCompilerOptions, host });
    checker = program.getTypeChecker();
  } catch (e) {
    if (!isStackOverflow(e) || (!reading && !fs.existsSync(entry))) throw e;
    const file = reading ?? entry;
    diags.add(tooDeepToParse(file, diags.rel(file)));
    return undefined;
  }
  const entrySf = program.getSourceFile(entry);
  if (!entrySf) {
    diags.add({ file: entryFile, line: 1, col: 1, message: `cannot read the entry file: ${readError(entry)}` });
    return undefined;
  }
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile) continue;
    const bad = checkUtf8(sf.fileName, diags.rel(sf.fileName));
    if (bad) diags.add(bad);
  }
  // Syntax errors are reported in TypeScript's words. Types are left to our own checker:
  // it knows the subset's machine types (tsc sees every integer as `number`), and a full
  // tsc type check would cost more than the whole rest of the compiler.
  for (const d of program.getSyntacticDiagnostics()) {
    if (!d.file || d.start === undefined) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    diags.add({ file: diags.rel(d.file.fileName), line: line + 1, col: character + 1, message });
  }
  return {
    program,
    checker,
    entry: entrySf,
    std: std.map((f) => program.getSourceFile(f)!).filter(Boolean),
  };
}

export function isLibFile(sf: ts.SourceFile): boolean {
  const dir = path.dirname(sf.fileName);
  return dir === LIB_DIR.split(path.sep).join('/') || path.resolve(dir) === LIB_DIR;
}
