// `embed("file.bin")`: a file's bytes as read-only data in the image (docs/language.md,
// "Embedded files"), and `embedSize("file.bin")`, their count as a constant. The path is a
// string literal relative to the source file that names it; the file is read when the
// program is compiled.
//
// The result is a Ptr<u8> today. Once Slice<T> exists, `embed` is meant to give a
// Slice<u8> (pointer and length in one value): change EMBED_RESULT below, and the lowering
// in lower/builtins.ts (case 'embed') to build the slice from the same constant.
import * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { Type, U8, ptrTo } from './types';
import { Diagnostics } from '../diagnostics';

/** What `embed(...)` gives (see above). */
export const EMBED_RESULT: Type = ptrTo(U8);

/** The largest file embedded: an image over this size is almost certainly a mistake. */
const MAX_EMBED = 64 << 20;

/** Reads the file an `embed`/`embedSize` call names; undefined (reported) when it cannot. */
export function readEmbedded(e: ts.CallExpression, d: Diagnostics): Uint8Array | undefined {
  const name = e.expression.getText();
  const a = e.arguments[0];
  if (e.arguments.length !== 1 || !ts.isStringLiteral(a) && !ts.isNoSubstitutionTemplateLiteral(a)) {
    d.error(a ?? e, `${name} takes one string literal: the path of the file, relative to this source file`);
    return undefined;
  }
  const sf = e.getSourceFile();
  const file = path.resolve(path.dirname(sf.fileName), a.text);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    d.error(a, `there is no file '${a.text}' next to ${path.basename(sf.fileName)} to embed; `
      + 'the path is relative to the source file');
    return undefined;
  }
  if (!st.isFile()) { d.error(a, `'${a.text}' is not a file; embed takes a file`); return undefined; }
  if (st.size > MAX_EMBED) {
    d.error(a, `'${a.text}' has ${st.size} bytes, more than ${MAX_EMBED} can be embedded; load it at run time`);
    return undefined;
  }
  return fs.readFileSync(file);
}
