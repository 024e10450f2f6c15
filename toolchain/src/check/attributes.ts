// Layout attributes written as JSDoc tags on declarations (docs/language.md, "Layout
// attributes"): `/** @align N */` on a global or a struct raises its alignment to N (a
// power of two), as C's `_Alignas` / `__attribute__((aligned(N)))` do; `/** @repr T */` on
// an enum picks its backing integer type.
import * as ts from 'typescript';
import { Diagnostics } from '../diagnostics';
import { IntType, INT_TYPES } from './types';

/** The largest alignment accepted: 1 GiB, the largest page a page table maps. */
const MAX_ALIGN = 1 << 30;

/** The text of a JSDoc tag on a declaration, and the tag, if it is there. */
export function tagText(node: ts.Node, name: string): { tag: ts.JSDocTag; text: string } | undefined {
  const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === name);
  return tag && { tag, text: typeof tag.comment === 'string' ? tag.comment.trim() : '' };
}

/** `@align N` on a declaration: N, or undefined when absent (or wrong, which is reported). */
export function alignTag(node: ts.Node, d: Diagnostics): number | undefined {
  const t = tagText(node, 'align');
  if (!t) return undefined;
  const n = /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t.text) ? Number(t.text) : NaN;
  if (!(n >= 1 && n <= MAX_ALIGN && (n & (n - 1)) === 0)) {
    d.error(t.tag, `@align needs a power of two from 1 to ${MAX_ALIGN}, e.g. \`@align 4096\``);
    return undefined;
  }
  return n;
}

/** `@repr T` on an enum: its backing integer type (u8 … u64, i8 … i64). */
export function reprTag(node: ts.Node, d: Diagnostics): IntType | undefined {
  const t = tagText(node, 'repr');
  if (!t) return undefined;
  const type = INT_TYPES[t.text];
  if (!type || t.text === 'usize' || t.text === 'isize') {
    d.error(t.tag, '@repr needs an integer type: u8, u16, u32, u64, i8, i16, i32 or i64, e.g. `@repr u8`');
    return undefined;
  }
  return type;
}
