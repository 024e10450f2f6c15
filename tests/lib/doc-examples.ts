// The ```ts examples of docs/*.md and the program each becomes (tests/compiler/docs.test.ts
// compiles them). An HTML comment right before each example says how to build a program
// from it, as `mode` then `key: value` parts separated by "; ":
//   <!-- example: module -->          the example is a module (a `main` is added)
//   <!-- example: body -->            its statements go into `main`; its functions, structs,
//                                     enums, types and imports stay at module level
//   ...; given: <decls>               declarations the example relies on (always last: it
//                                     may hold "; " itself)
//   ...; file: <name>                 a data file beside the example (16 bytes, 0..15), for
//                                     embed("<name>")
//   ...; in: <dir>                    the example sits in <dir> of the repository (e.g.
//                                     kernel-stub): its relative imports start there
//   ...; target: <target>             compile for this target (default x86_64-linux; an
//                                     `*-elf` target gets `main(arg: u64): void`)
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { repoRoot } from './toolchain';

export interface DocExample {
  doc: string;
  line: number;
  mode: string;
  given: string;
  file: string;
  dir: string;
  target: string;
  code: string;
}

const NOTE = /^<!-- example: (.*) -->$/;

/** Every ```ts block of `doc` (a path under the repository) with its note ('' mode when it has none). */
export function docExamples(doc: string): DocExample[] {
  const lines = fs.readFileSync(path.join(repoRoot, doc), 'utf8').split('\n');
  const out: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '```') j++;
    const note = NOTE.exec(lines[i - 1]?.trim() ?? '')?.[1] ?? '';
    const givenAt = note.indexOf('; given: ');
    const head = givenAt >= 0 ? note.slice(0, givenAt) : note;
    const parts = head.split('; ');
    const opt = (k: string) => parts.slice(1).find((p) => p.startsWith(`${k}: `))?.slice(k.length + 2) ?? '';
    out.push({
      doc, line: i + 1, mode: parts[0], given: givenAt >= 0 ? note.slice(givenAt + '; given: '.length) : '',
      file: opt('file'), dir: opt('in'), target: opt('target') || 'x86_64-linux', code: lines.slice(i + 1, j).join('\n'),
    });
    i = j;
  }
  return out;
}

const LIFTED = new Set([ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration, ts.SyntaxKind.EnumDeclaration, ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.ExportDeclaration]);

/** Relative import specifiers made absolute from `dir` of the repository (for `in:`). */
function anchorImports(code: string, dir: string): string {
  if (!dir) return code;
  const base = path.join(repoRoot, dir);
  return code.replace(/(from\s+")(\.{1,2}\/[^"]+)(")/g, (_m, a: string, spec: string, b: string) => a + path.join(base, spec) + b);
}

/** A value an example states in a comment: `let n: usize = "héllo".length;  // 6: ...`. */
export interface StatedValue { name: string; value: bigint; line: number }

/**
 * The values a body example states for its top-level declarations, as a number (decimal or
 * 0x with _ separators) right after `//`; words after a colon explain it.
 */
export function statedValues(ex: DocExample): StatedValue[] {
  if (ex.mode !== 'body') return [];
  const out: StatedValue[] = [];
  ex.code.split('\n').forEach((l, i) => {
    const m = /^(?:let|const) (\w+)\b[^=]*=[^;]*;\s*\/\/ (-?(?:0x[0-9a-fA-F_]+|\d[\d_]*))(?=:|$|\s)/.exec(l);
    if (m) out.push({ name: m[1], value: BigInt(m[2].replace(/_/g, '').replace(/^-(0x.*)$/, '-$1')), line: ex.line + 1 + i });
  });
  return out;
}

/** The program for an example; `after` (optional) is appended to a body example's `main`. */
export function exampleProgram(ex: DocExample, after = ''): string {
  const elf = ex.target.endsWith('-elf');
  const given = anchorImports(ex.given, ex.dir);
  const code = anchorImports(ex.code, ex.dir);
  const open = elf ? 'export function main(arg: u64): void {' : 'export function main(): i32 {';
  const close = elf ? '}' : '  return 0;\n}';
  if (ex.mode === 'module') {
    const main = /export function main\(/.test(code) ? '' : `\n${open}\n${close}\n`;
    return `${given}\n${code}\n${main}`;
  }
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const top: string[] = [];
  const body: string[] = [];
  for (const st of sf.statements) (LIFTED.has(st.kind) ? top : body).push(st.getFullText(sf));
  return `${given}\n${top.join('\n')}\n${open}\n${body.join('\n')}\n${after}\n${close}\n`;
}
