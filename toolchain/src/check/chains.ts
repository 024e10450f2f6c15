// Optional chains: `p?.f`, `p?.[i]`, `p?.f?.g`, `p?.f.g`, `f?.(x)` and `p?.cb(x)`.
//
// A chain is a run of property accesses, element accesses and calls of which at least one
// is written with `?.`. Each `?.` tests the pointer (or function pointer) before it for
// null; when it is null, the rest of the chain is skipped and the whole chain is the zero
// of its type (0, false or null; nothing for a void call). docs/language.md, "Optional
// chaining". A chain is a value, never a place: it cannot be assigned or addressed.
import * as ts from 'typescript';

type ChainLink = ts.PropertyAccessExpression | ts.ElementAccessExpression | ts.CallExpression;

function isLink(n: ts.Node): n is ChainLink {
  return ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n);
}

/** Whether `n` is part of an optional chain (as a link after the first `?.`). */
export function inOptionalChain(n: ts.Node): boolean {
  return isLink(n) && (n.flags & ts.NodeFlags.OptionalChain) !== 0;
}

/** Whether `n` is the last link of an optional chain: where its value (or its zero) is taken. */
export function endsOptionalChain(n: ts.Node): boolean {
  if (!inOptionalChain(n)) return false;
  const parent = n.parent;
  return !(inOptionalChain(parent) && (parent as ChainLink).expression === n);
}
