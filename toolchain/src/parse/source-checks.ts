// Checks on source text that TypeScript does not make: that a file is valid UTF-8 (tsc
// silently replaces bad bytes, which would put U+FFFD into string literals), and, when
// TypeScript's own recursive parser or binder runs out of stack on deeply nested code,
// where that nesting is (found without recursion).
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as ts from 'typescript';
import { Diagnostic } from '../diagnostics';

/** Line and column (1-based) of a byte offset in UTF-8 text known to be valid up to it. */
function position(bytes: Buffer, offset: number): { line: number; col: number } {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) { line++; lineStart = i + 1; }
  return { line, col: bytes.subarray(lineStart, offset).toString('utf8').length + 1 };
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n === 0 ? 1 : 0)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
    if ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0)
      || (c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90)) return i;
    i += n + 1;
  }
  return -1;
}

/** A diagnostic for the first invalid UTF-8 in a source file, or undefined if it is valid. */
export function checkUtf8(file: string, shownAs: string): Diagnostic | undefined {
  let bytes: Buffer;
  try { bytes = fs.readFileSync(file); } catch { return undefined; } // tsc reports unreadable files
  if (isUtf8(bytes)) return undefined;
  const at = firstInvalidUtf8(bytes);
  if (at < 0) return undefined;
  const { line, col } = position(bytes, at);
  const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  return {
    file: shownAs, line, col,
    message: `invalid UTF-8 (byte 0x${hex}): source files are UTF-8; save the file as UTF-8 `
      + '(bytes that are not text belong in an Arr<u8, N>, not in a string literal)',
  };
}

/**
 * Where the brackets of a source nest deepest, by scanning its tokens (the scanner is not
 * recursive, so it copes with any depth).
 */
export function deepestBracket(text: string): { offset: number; depth: number } {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  let depth = 0;
  let best = { offset: 0, depth: 0 };
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    const K = ts.SyntaxKind;
    if (t === K.OpenParenToken || t === K.OpenBracketToken || t === K.OpenBraceToken) {
      if (++depth > best.depth) best = { offset: scanner.getTokenStart(), depth };
    } else if (t === ts.SyntaxKind.CloseParenToken || t === ts.SyntaxKind.CloseBracketToken
      || t === ts.SyntaxKind.CloseBraceToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return best;
}

/** The diagnostic for a file whose nesting TypeScript's parser or binder could not take. */
export function tooDeepToParse(file: string, shownAs: string, text?: string): Diagnostic {
  let source = text;
  if (source === undefined) {
    try { source = fs.readFileSync(file, 'utf8'); } catch { source = ''; }
  }
  const { offset, depth } = deepestBracket(source);
  const split = 'split the expression, for example into named constants or local variables';
  if (depth < SHALLOW_BRACKETS) {
    // Not the brackets: a chain the parser (or binder) recurses into once per link
    // (`a && b && ...`, `a ? b : c ? ...`), most likely on the longest line.
    const lines = source.split('\n');
    const longest = lines.reduce((best, l, i) => (l.length > lines[best].length ? i : best), 0);
    return {
      file: shownAs, line: longest + 1, col: 1,
      message: 'an expression on this line chains more operators than TypeScript\'s parser can take (a long '
        + `\`a && b && ...\`, \`a ? b : c ? ...\` or \`x = y = ...\`); ${split}`,
    };
  }
  const before = source.slice(0, offset).split('\n');
  return {
    file: shownAs, line: before.length, col: before[before.length - 1].length + 1,
    message: `brackets nested ${depth} levels deep here are more than TypeScript's parser can take; ${split}`,
  };
}

/** Brackets nested less deeply than this cannot be what exhausted the parser's stack. */
const SHALLOW_BRACKETS = 100;
