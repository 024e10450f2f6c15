// Diagnostics: every error and warning of a run is collected (never thrown) and reported
// together as `file:line:col: error: what is wrong; what to use instead`. Errors stop the
// build; warnings (code that compiles but very likely does not do what it says) do not.
import * as ts from 'typescript';
import * as path from 'path';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  severity?: Severity;
  /** The source file's full name and the node's span, when the error is about a node (for
   *  editors: the tsserver plugin turns them into TypeScript diagnostics). */
  fileName?: string;
  start?: number;
  length?: number;
}

/** Thrown only for failures outside the user's program (missing tools, I/O). */
export class ToolError extends Error {}

/** Whether an exception is V8's stack overflow (see check/nesting.ts). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private seen = new Set<string>();
  private errors = 0;
  /**
   * Added to every message while set: which generic instance is being checked or lowered
   * (`in min<bool> instantiated at a.ts:3:5`), since its body is shared by every instance.
   */
  context: string | undefined;

  constructor(private readonly cwd: string = process.cwd()) {}

  error(node: ts.Node, message: string): void {
    this.add({ ...this.position(node), message: this.inContext(message) });
  }

  warn(node: ts.Node, message: string): void {
    this.add({ ...this.position(node), message: this.inContext(message), severity: 'warning' });
  }

  private inContext(message: string): string { return this.context ? `${message} (${this.context})` : message; }

  /** `file:line:col` of a node, as messages name places. */
  where(node: ts.Node): string {
    const p = this.position(node);
    return `${p.file}:${p.line}:${p.col}`;
  }

  add(d: Diagnostic): void {
    const key = `${d.file}:${d.line}:${d.col}:${d.severity ?? 'error'}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
    if ((d.severity ?? 'error') === 'error') this.errors++;
  }

  /** The number of errors (warnings do not count). */
  get count(): number { return this.errors; }

  get warnings(): number { return this.list.length - this.errors; }

  rel(file: string): string {
    const r = path.relative(this.cwd, file);
    return r.startsWith('..') ? file : r;
  }

  format(): string {
    const sorted = [...this.list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    return sorted.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity ?? 'error'}: ${d.message}`).join('\n');
  }

  private position(node: ts.Node): Omit<Diagnostic, 'message'> {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    return { file: this.rel(sf.fileName), line: line + 1, col: character + 1, fileName: sf.fileName, start, length: node.getEnd() - start };
  }
}
