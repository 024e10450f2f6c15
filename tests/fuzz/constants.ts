// Constant trees in BigInt: the value C computes (each operation wraps at the width, as the
// C prelude's helpers do) and the value tsboot folds when the tree is written with bare,
// untyped literals (exactly, no width, docs/language.md "The type of a literal"). The
// renderer writes a tree bare only where the two agree; elsewhere every literal gets its
// type, and tsboot folds with wrapping like C.
import { ArithOp, ConstTree, Ty, wrap, tyMin } from './model';

const CONST_MIN = -(1n << 63n);
const CONST_MAX = (1n << 64n) - 1n;

/** One operation of width t, as the C prelude defines it; undefined for a division by zero. */
export function cOp(op: ArithOp, a: bigint, b: bigint, t: Ty): bigint | undefined {
  const count = BigInt.asUintN(64, b) & BigInt(t.bits - 1);
  const unsigned = BigInt.asUintN(t.bits, a);
  switch (op) {
    case '+': return wrap(a + b, t);
    case '-': return wrap(a - b, t);
    case '*': return wrap(a * b, t);
    case '&': return wrap(a & b, t);
    case '|': return wrap(a | b, t);
    case '^': return wrap(a ^ b, t);
    case '<<': return wrap(a << count, t);
    case '>>': return wrap((t.signed ? a : unsigned) >> count, t);
    case '>>>': return wrap(unsigned >> count, t);
    case '/':
      if (b === 0n) return undefined;
      return t.signed && a === tyMin(t) && b === -1n ? a : wrap(a / b, t);
    case '%':
      if (b === 0n) return undefined;
      return t.signed && b === -1n ? 0n : wrap(a % b, t);
  }
}

/** The C value of a tree of width t; undefined when it divides by zero. */
export function cValue(tree: ConstTree, t: Ty): bigint | undefined {
  if (tree.k === 'leaf') return tree.v;
  if (tree.k === 'un') {
    const a = cValue(tree.a, t);
    if (a === undefined) return undefined;
    return wrap(tree.op === '~' ? ~a : -a, t);
  }
  const a = cValue(tree.a, t), b = cValue(tree.b, t);
  return a === undefined || b === undefined ? undefined : cOp(tree.op, a, b, t);
}

/** tsboot's exact fold of a tree written with untyped literals; undefined where it has none. */
export function exactValue(tree: ConstTree): bigint | undefined {
  const inRange = (v: bigint) => (v >= CONST_MIN && v <= CONST_MAX ? v : undefined);
  if (tree.k === 'leaf') return tree.v;
  const a = exactValue(tree.a);
  if (a === undefined) return undefined;
  if (tree.k === 'un') return inRange(tree.op === '~' ? ~a : -a);
  const b = exactValue(tree.b);
  if (b === undefined) return undefined;
  switch (tree.op) {
    case '+': return inRange(a + b);
    case '-': return inRange(a - b);
    case '*': return inRange(a * b);
    case '/': return b === 0n ? undefined : inRange(a / b);
    case '%': return b === 0n ? undefined : inRange(a % b);
    case '&': return inRange(a & b);
    case '|': return inRange(a | b);
    case '^': return inRange(a ^ b); // -256 ^ 0x9BA8... leaves the range
    // A literal count is a u32 and not negative.
    case '<<': return b < 0n || b > 64n ? undefined : inRange(a << b);
    case '>>': return b < 0n || b > 0xFFFF_FFFFn ? undefined : inRange(a >> b);
    case '>>>': return a < 0n || b < 0n || b > 0xFFFF_FFFFn ? undefined : inRange(a >> b);
  }
}

/**
 * Whether the tree may be written with bare literals in a context of type t: its exact
 * value exists, fits t (a negative value goes into an unsigned type only from a `~` at the
 * top), and is the value C computes.
 */
export function bareAgrees(tree: ConstTree, t: Ty): boolean {
  const exact = exactValue(tree);
  const c = cValue(tree, t);
  if (exact === undefined || c === undefined) return false;
  const lo = t.signed ? tyMin(t) : (tree.k === 'un' && tree.op === '~' ? -(1n << BigInt(t.bits - 1)) : 0n);
  const hi = t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
  return exact >= lo && exact <= hi && wrap(exact, t) === c;
}
