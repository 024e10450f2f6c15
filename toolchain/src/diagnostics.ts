// Diagnostics: every error of a run is collected (never thrown) and reported together as
// `file:line:col: error: what is wrong; what to use instead`.
import * as ts from 'typescript';
import * as path from 'path';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  /** The source file's full name and the node's span, when the error is about a node (for
   *  editors: the tsserver plugin turns them into TypeScript diagnostics). */
  fileName?: string;
  start?: number;
  length?: number;
}

/** Thrown only for failures outside the user's program (missing tools, I/O). */
export class ToolError extends Error {}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private seen = new Set<string>();

  constructor(private readonly cwd: string = process.cwd()) {}

  error(node: ts.Node, message: string): void {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    this.add({ file: this.rel(sf.fileName), line: line + 1, col: character + 1, message, fileName: sf.fileName, start, length: node.getEnd() - start });
  }

  add(d: Diagnostic): void {
    const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
    if (this.seen.has(key)) return; // the checker may visit a node twice (e.g. constant folding)
    this.seen.add(key);
    this.list.push(d);
  }

  get count(): number { return this.list.length; }

  rel(file: string): string {
    const r = path.relative(this.cwd, file);
    return r.startsWith('..') ? file : r;
  }

  format(): string {
    const sorted = [...this.list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    return sorted.map((d) => `${d.file}:${d.line}:${d.col}: error: ${d.message}`).join('\n');
  }
}
