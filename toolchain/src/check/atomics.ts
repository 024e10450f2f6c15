// Type checking of the atomic builtins (the table is ATOMICS in builtins.ts):
//
//   atomicLoad(p, order)                     atomicStore(p, v, order)
//   atomicExchange(p, v, order)              atomicCompareExchange(p, expected, desired, success, failure?)
//   atomicFetchAdd/Sub/And/Or/Xor(p, v, order)   atomicFence(order)
//
// `p` is a Ptr<T> to the atomic object; T is an integer of any width, bool, an enum or a
// pointer (the read-modify-write arithmetic takes integers only). The orderings are
// string literals, so that the instruction is chosen at compile time, and each operation
// accepts only the orderings LLVM (and the C/C++ memory model) defines for it: a load has
// no release side, a store no acquire side, a fence must order something, and a failed
// compare-exchange is only a load.
import * as ts from 'typescript';
import { Diagnostics } from '../diagnostics';
import { Type, VOID, ERROR, sameType, typeName, sizeOf } from './types';
import { ATOMICS, ATOMIC_ORDERS, CMPXCHG_FAILURE_ORDERS, AtomicOrder, AtomicBuiltin } from './builtins';

/** What the atomic checks need from the checker. */
export interface AtomicCheckHost {
  expr(e: ts.Expression, ctx: Type | undefined): Type;
  assignable(e: ts.Expression, from: Type, to: Type, what?: string): boolean;
}

/** Why an ordering is refused, per operation: the message names what to write instead. */
function orderRefusal(b: AtomicBuiltin, name: string, o: AtomicOrder): string {
  const allowed = b.orders.join(', ');
  switch (b.op) {
    case 'load': return `${name} cannot have ${o} ordering: a load has no release side; use ${allowed}`;
    case 'store': return `${name} cannot have ${o} ordering: a store has no acquire side; use ${allowed}`;
    case 'fence': return `${name}("relaxed") orders nothing; use ${allowed}`;
    default: return `${name} cannot have ${o} ordering; use ${allowed}`;
  }
}

/** The ordering written as argument `a` (a string literal), or undefined after a diagnostic. */
function orderArg(d: Diagnostics, a: ts.Expression, name: string, allowed: AtomicOrder[], refuse: (o: AtomicOrder) => string): AtomicOrder | undefined {
  if (!ts.isStringLiteralLike(a)) {
    d.error(a, `the memory ordering of ${name} must be a string literal known at compile time, e.g. "acquire"`);
    return undefined;
  }
  const o = a.text as AtomicOrder;
  if (!ATOMIC_ORDERS.includes(o)) {
    d.error(a, `unknown memory ordering "${a.text}"; use one of ${ATOMIC_ORDERS.map((x) => `"${x}"`).join(', ')}`);
    return undefined;
  }
  if (!allowed.includes(o)) { d.error(a, refuse(o)); return undefined; }
  return o;
}

/** Why T cannot be the type of an atomic object (undefined: it can). */
function unsupported(t: Type, b: AtomicBuiltin): string | undefined {
  if (t.kind === 'error') return undefined;
  if (t.kind === 'int') return undefined;
  if (b.integerOnly) {
    if (t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn') return `${typeName(t)} is a pointer; keep the address in a usize for arithmetic`;
    if (t.kind === 'bool' || t.kind === 'enum') return `${typeName(t)} is not an integer; use a u8 or u32 field`;
  }
  if (t.kind === 'bool' || t.kind === 'enum' || t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn') return undefined;
  if (t.kind === 'struct' || t.kind === 'array') return `${typeName(t)} is ${sizeOf(t)} bytes; atomics work on 1, 2, 4 or 8 bytes: make one field a u64 and update it atomically`;
  return `${typeName(t)} has no value to update atomically`;
}

/**
 * Checks one call of an atomic builtin and returns its type. `typeArg` is an explicit
 * type argument (`atomicLoad<u64>(p, ...)`), which must match the pointee.
 */
export function checkAtomicCall(host: AtomicCheckHost, d: Diagnostics, e: ts.CallExpression, name: string, typeArg: Type | undefined): Type {
  const b = ATOMICS[name];
  const args = e.arguments;
  if (b.op === 'fence') {
    if (args.length !== 1) { d.error(e, `${name} takes one memory ordering, e.g. ${name}("acquire")`); return VOID; }
    orderArg(d, args[0], name, b.orders, (o) => orderRefusal(b, name, o));
    return VOID;
  }
  const minArgs = 1 + b.values + 1;
  const maxArgs = minArgs + (b.op === 'cmpxchg' ? 1 : 0);
  const usage = b.op === 'load' ? `${name}(p, "acquire")`
    : b.op === 'cmpxchg' ? `${name}(p, expected, desired, "acq_rel", "acquire")`
    : `${name}(p, value, "${b.op === 'store' ? 'release' : 'acq_rel'}")`;
  if (args.length < minArgs || args.length > maxArgs) {
    d.error(e, `${name} takes ${minArgs === maxArgs ? minArgs : `${minArgs} or ${maxArgs}`} arguments, not ${args.length}: ${usage}`);
    args.forEach((a) => host.expr(a, undefined));
    return ERROR;
  }
  const pt = host.expr(args[0], undefined);
  let elem: Type = ERROR;
  if (pt.kind === 'ptr') {
    elem = pt.to;
    const why = unsupported(elem, b);
    if (why) { d.error(args[0], `${name} cannot work on a Ptr<${typeName(elem)}>: ${why}`); elem = ERROR; }
  } else if (pt.kind !== 'error') {
    const hint = pt.kind === 'int' || pt.kind === 'enum' || pt.kind === 'bool'
      ? `; pass the variable's address, addressOf(x)${pt.kind === 'int' ? `, or ptr<T>(address) for an address held in an integer` : ''}`
      : '';
    d.error(args[0], `${name} needs a Ptr<T> to the atomic variable, not ${typeName(pt)}${hint}`);
  }
  if (typeArg && elem.kind !== 'error' && typeArg.kind !== 'error' && !sameType(typeArg, elem)) {
    d.error(e, `${name}<${typeName(typeArg)}> does not match the pointer's type Ptr<${typeName(elem)}>; drop the type argument`);
    elem = ERROR;
  }
  for (let i = 1; i <= b.values; i++) {
    const a = args[i];
    const t = host.expr(a, elem.kind === 'error' ? undefined : elem);
    if (elem.kind !== 'error') host.assignable(a, t, elem, 'argument');
  }
  orderArg(d, args[1 + b.values], name, b.orders, (o) => orderRefusal(b, name, o));
  const failArg = args[2 + b.values];
  if (failArg) {
    orderArg(d, failArg, name, CMPXCHG_FAILURE_ORDERS,
      (o) => `the failure ordering of ${name} cannot be ${o}: a failed compare-exchange only loads; use ${CMPXCHG_FAILURE_ORDERS.join(', ')}`);
  }
  if (b.op === 'store') return VOID;
  return elem;
}

/** The ordering of a failed compare-exchange when none is written: the success ordering
 *  without its release side (as C++ derives it). */
export function defaultFailureOrder(success: AtomicOrder): AtomicOrder {
  if (success === 'acq_rel') return 'acquire';
  if (success === 'release') return 'relaxed';
  return success;
}
