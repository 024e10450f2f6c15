// Parse stage: the TypeScript compiler API parses, binds and resolves the whole program
// (the entry file, everything it imports, the std library and the ambient declarations).
import * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { Target } from '../targets';
import { Diagnostics } from '../diagnostics';
import { REPO_ROOT } from '../paths';

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

/** The subset's ambient declarations (toolchain/lib/*.d.ts). */
export function libFiles(): string[] {
  return fs.readdirSync(LIB_DIR).filter((f) => f.endsWith('.d.ts')).map((f) => path.join(LIB_DIR, f));
}

/** Parses `entryFile`, everything it imports, `moreRoots` (tsboot check's other files), the
 *  std library and the ambient declarations. */
export function parseProgram(entryFile: string, target: Target, diags: Diagnostics, moreRoots: string[] = []): ParsedProgram | undefined {
  const entry = path.resolve(entryFile);
  const libs = libFiles();
  const std = stdFiles(target);
  const rootNames = [...libs, ...std, entry, ...moreRoots.map((f) => path.resolve(f))];
  const program = ts.createProgram({ rootNames, options: subsetCompilerOptions });
  const entrySf = program.getSourceFile(entry);
  if (!entrySf) {
    diags.add({ file: entryFile, line: 1, col: 1, message: 'cannot read the entry file' });
    return undefined;
  }
  // Syntax errors are reported in TypeScript's words. Types are left to our own checker:
  // it knows the subset's machine types (tsc sees every integer as `number`), and a full
  // tsc type check would cost more than the whole rest of the compiler.
  for (const d of program.getSyntacticDiagnostics()) {
    if (!d.file || d.start === undefined) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    diags.add({ file: diags.rel(d.file.fileName), line: line + 1, col: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
  }
  return {
    program,
    checker: program.getTypeChecker(),
    entry: entrySf,
    std: std.map((f) => program.getSourceFile(f)!).filter(Boolean),
  };
}

export function isLibFile(sf: ts.SourceFile): boolean {
  return path.dirname(sf.fileName) === LIB_DIR.split(path.sep).join('/') || path.resolve(path.dirname(sf.fileName)) === LIB_DIR;
}
