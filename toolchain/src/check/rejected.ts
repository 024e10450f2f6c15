// The syntax outside the subset that has a message of its own: what the construct is and
// what to write instead. Every part of the checker that meets one of these kinds reports
// it from here, so a construct is named the same way wherever it appears.
import * as ts from 'typescript';

const TS = ts.SyntaxKind;

const OBJECT_TYPES = 'object types are not supported; declare a struct: `interface Name extends Struct { ... }`';
const EXCEPTIONS = 'exceptions are not supported; return a status code or call panic(msg)';

/**
 * The message for a declaration list that is not `let` or `const` (`var`, `using`), or
 * undefined; `statement` says whether it is a statement (a `for` head takes only `let`).
 */
export function declarationKeyword(flags: ts.NodeFlags, statement: boolean): string | undefined {
  if (flags & ts.NodeFlags.Using) {
    const kw = (flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing ? 'await using' : 'using';
    return `\`${kw}\` declarations are not supported (there are no disposable objects); use \`let\` or \`const\``;
  }
  if (flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) return undefined;
  return `\`var\` is not supported; use \`let\`${statement ? ' or `const`' : ''}`;
}

/** Rejected syntax (statements, expressions and types): what it is and what to use instead. */
export const REJECTED: Partial<Record<ts.SyntaxKind, string>> = {
  [TS.ClassExpression]: 'class expressions are not supported; declare the class at module level: `class Name { ... }`',
  [TS.ThrowStatement]: EXCEPTIONS,
  [TS.TryStatement]: EXCEPTIONS,
  [TS.NewExpression]: '`new` constructs class instances only (in place, no heap): `new C(...)` with C a class',
  [TS.ThisKeyword]: '`this` exists only in the methods, constructor and field initialisers of a class; '
    + 'elsewhere pass a Ptr<T> parameter',
  [TS.SuperKeyword]: '`super` is supported only as `super(...)` at the start of a derived class\'s constructor '
    + 'and in calls `super.m(...)` (statically the base class\'s method); read a base field as `this.x`',
  [TS.ImportKeyword]: 'dynamic `import()` is not supported; use a static `import { x } from "./m"`',
  [TS.MetaProperty]: '`import.meta` and `new.target` are not supported',
  [TS.ExpressionWithTypeArguments]:
    'instantiation expressions (`f<T>` without a call) are not supported: call the instance you need, e.g. `f<u32>(x)`',
  [TS.TaggedTemplateExpression]:
    'tagged templates are not supported; pass a plain template literal to a Fmt parameter: println(`x = ${x}`)',
  [TS.ForInStatement]: '`for...in` is not supported; use an index loop',
  [TS.TypeOfExpression]: '`typeof` is not supported: types are known at compile time',
  [TS.DeleteExpression]: '`delete` is not supported',
  [TS.VoidExpression]: '`void` expressions are not supported',
  [TS.AwaitExpression]: '`await` is not supported',
  [TS.YieldExpression]: '`yield` is not supported',
  [TS.SpreadElement]: 'spread is not supported; pass each value',
  [TS.ObjectBindingPattern]: 'destructuring is not supported; read each field',
  [TS.ArrayBindingPattern]: 'destructuring is not supported; read each element',
  [TS.RegularExpressionLiteral]: 'regular expressions are not supported',
  [TS.WithStatement]: '`with` is not supported',
  [TS.DebuggerStatement]: '`debugger` is not supported; use -g and a debugger',
  [TS.ModuleDeclaration]: 'namespaces are not supported in subset sources; use modules (import/export)',
  [TS.TypeAssertionExpression]:
    '`<T>x` casts are not supported; use a conversion function like u32(x) or cast<T>(p)',
  [TS.SatisfiesExpression]: '`satisfies` is not supported',
  [TS.BigIntLiteral]:
    'bigint literals are not supported; integer literals are exact at every width (write 123, not 123n)',
  [TS.ImportEqualsDeclaration]: '`import x = require()` is not supported; use `import { x } from "./m"`',
  [TS.ExportAssignment]: '`export =`/`export default` is not supported; use named exports',
  // types
  [TS.NumberKeyword]: '`number` is not a subset type; use a machine type such as u64, u32, i32 or usize',
  [TS.AnyKeyword]: '`any` is not supported; use a machine type, a struct or Ptr<void>',
  [TS.UnknownKeyword]: '`unknown` is not supported; use a machine type, a struct or Ptr<void>',
  [TS.StringKeyword]:
    '`string` values are run-time JS strings, which are not supported; use cstr (bytes) or wstr (UTF-16)',
  [TS.BigIntKeyword]: '`bigint` is not supported; use u64 or i64 (exact at 64 bits)',
  [TS.ObjectKeyword]: OBJECT_TYPES,
  [TS.TypeLiteral]: OBJECT_TYPES,
  [TS.UnionType]:
    'union types are not supported (only `Ptr<T> | null`); use separate variables, or a struct with a tag field',
  [TS.IntersectionType]: 'intersection types are not supported; declare a struct',
  [TS.ArrayType]: 'JavaScript arrays are not supported; use a fixed-size Arr<T, N> or a Ptr<T>',
  [TS.TupleType]: 'tuples are not supported; use a struct',
};
