// Every construct is compiled or rejected, never ignored: for each TypeScript syntax kind
// that can appear in a statement, an expression or a type (and each modifier and member
// kind), one small program that contains it. A program marked `ok` must compile and print
// what it says; any other must be rejected with a diagnostic on the line of the construct
// that matches the given pattern (and never with an internal error). The test first checks
// that the table is complete (every kind has a sample or a reason it cannot occur in a
// subset source) and honest (each sample really contains its kind).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Arch, compilerBuilt, hostArch, makeTempDir, removeDir, repoRoot, runExecutable } from '../lib/toolchain';

const K = ts.SyntaxKind;

interface Sample {
  /** The kinds this program contains. */
  kinds: ts.SyntaxKind[];
  /** A whole module; `export function main` is added when it has none. */
  src: string;
  /** `ok:` and the expected stdout, or the pattern of the expected error. */
  expect: { ok: string } | RegExp;
  /** Other modules next to it (name → source). */
  files?: Record<string, string>;
}

const ok = (out: string) => ({ ok: out });
const main = (body: string) => `export function main(): i32 {\n${body}\n  return 0;\n}\n`;

const SAMPLES: Sample[] = [
  // ---- statements ----
  { kinds: [K.Block, K.VariableStatement, K.VariableDeclarationList, K.VariableDeclaration, K.ExpressionStatement],
    src: main('  { let a: u32 = 2; printU(u64(a)); print("\\n"); }'), expect: ok('2\n') },
  { kinds: [K.EmptyStatement], src: main('  ;'), expect: ok('') },
  { kinds: [K.IfStatement], src: main('  let a: u32 = 1;\n  if (a == 1) print("y\\n"); else print("n\\n");'), expect: ok('y\n') },
  { kinds: [K.DoStatement], src: main('  let i: u32 = 0;\n  do { i++; } while (i < 3);\n  printU(u64(i));'), expect: ok('3') },
  { kinds: [K.WhileStatement], src: main('  let i: u32 = 0;\n  while (i < 4) i++;\n  printU(u64(i));'), expect: ok('4') },
  { kinds: [K.ForStatement, K.ContinueStatement, K.BreakStatement],
    src: main('  let n: u32 = 0;\n  for (let i: u32 = 0; i < 10; i++) { if (i == 2) continue; if (i == 5) break; n += i; }\n  printU(u64(n));'),
    expect: ok('8') },
  { kinds: [K.ForInStatement], src: main('  let o: u32 = 0;\n  for (const k in o) {}'), expect: /`for\.\.\.in` is not supported/ },
  { kinds: [K.ForOfStatement], src: 'let xs: Arr<u32, 2> = [4, 5];\n' + main('  for (const x of xs) printU(u64(x));'), expect: ok('45') },
  { kinds: [K.ReturnStatement], src: 'function f(): u32 { return 6; }\n' + main('  printU(u64(f()));'), expect: ok('6') },
  { kinds: [K.WithStatement], src: 'let o: u32 = 0;\n' + main('  with (o) {}'), expect: /`with` is not supported/ },
  { kinds: [K.SwitchStatement, K.CaseBlock, K.CaseClause, K.DefaultClause],
    src: main('  let k: u32 = 2;\n  switch (k) { case 1: print("one"); break; case 2: print("two"); break; default: print("?"); }'),
    expect: ok('two') },
  { kinds: [K.LabeledStatement],
    src: main('  outer: for (let i: u32 = 0; i < 3; i++) { for (let j: u32 = 0; j < 3; j++) { if (j == 1) continue outer; printU(u64(i)); } }'),
    expect: ok('012') },
  { kinds: [K.ThrowStatement], src: main('  throw 1;'), expect: /exceptions are not supported/ },
  { kinds: [K.TryStatement, K.CatchClause], src: main('  try { print("x"); } catch (e) {}'), expect: /exceptions are not supported/ },
  { kinds: [K.DebuggerStatement], src: main('  debugger;'), expect: /`debugger` is not supported/ },
  // ---- declarations ----
  { kinds: [K.FunctionDeclaration, K.Parameter], src: 'function twice(x: u32): u32 { return x * 2; }\n' + main('  printU(u64(twice(4)));'), expect: ok('8') },
  { kinds: [K.ClassDeclaration, K.PropertyDeclaration, K.Constructor, K.MethodDeclaration, K.SemicolonClassElement,
    K.ThisKeyword, K.NewExpression],
  src: 'class B { x: u32 = 2; constructor(k: u32) { this.x *= k; } m(): u32 { return this.x; }; }\n'
      + main('  let b = new B(3);\n  printU(u64(b.m()));'), expect: ok('6') },
  { kinds: [K.PrivateIdentifier], src: 'class A { #x: u32 = 1; }\n' + main(''), expect: /private names are not supported/ },
  { kinds: [K.ClassStaticBlockDeclaration], src: 'class A { static {} }\n' + main(''), expect: /static blocks are not supported/ },
  { kinds: [K.InterfaceDeclaration, K.HeritageClause, K.ExpressionWithTypeArguments, K.PropertySignature],
    src: 'interface P extends Struct { x: u32 }\nlet p: P;\n' + main('  p.x = 5;\n  printU(u64(p.x));'), expect: ok('5') },
  { kinds: [K.TypeAliasDeclaration], src: 'type Count = u32;\n' + main('  let c: Count = 9;\n  printU(u64(c));'), expect: ok('9') },
  { kinds: [K.EnumDeclaration, K.EnumMember], src: 'enum E { A = 3, B }\n' + main('  printU(u64(E.B));'), expect: ok('4') },
  { kinds: [K.ModuleDeclaration, K.ModuleBlock], src: 'namespace N { }\n' + main(''), expect: /namespaces are not supported/ },
  { kinds: [K.ImportDeclaration, K.ImportClause, K.NamedImports, K.ImportSpecifier],
    src: 'import { seven } from "./lib";\n' + main('  printU(u64(seven()));'), files: { 'lib.ts': 'export function seven(): u32 { return 7; }\n' },
    expect: ok('7') },
  { kinds: [K.NamespaceImport], src: 'import * as lib from "./lib";\nlet b: lib.B = lib.A;\n'
    + main('  printU(u64(b));'), files: { 'lib.ts': 'export const A = 1;\nexport type B = u32;\n' }, expect: ok('1') },
  { kinds: [K.ExportDeclaration, K.NamedExports, K.ExportSpecifier],
    src: 'import { eight } from "./lib";\n' + main('  printU(u64(eight()));'),
    files: { 'lib.ts': 'function impl(): u32 { return 8; }\nexport { impl as eight };\n' }, expect: ok('8') },
  { kinds: [K.NamespaceExport], src: 'export * as ns from "./lib";\n' + main(''), files: { 'lib.ts': 'export const A = 1;\n' },
    expect: /`export \* as` is not supported/ },
  { kinds: [K.ExportAssignment], src: main('') + 'export default 1;\n', expect: /`export =`\/`export default` is not supported/ },
  { kinds: [K.ImportEqualsDeclaration, K.ExternalModuleReference], src: 'import lib = require("./lib");\n' + main(''),
    files: { 'lib.ts': 'export const A = 1;\n' }, expect: /`import x = require\(\)` is not supported/ },
  { kinds: [K.NamespaceExportDeclaration], src: 'export as namespace Lib;\n' + main(''), expect: /not allowed at module level/ },
  { kinds: [K.MissingDeclaration, K.Decorator], src: main('') + '@dec\n', expect: /Declaration expected|decorators are not supported/ },
  // ---- expressions ----
  { kinds: [K.NumericLiteral, K.Identifier], src: main('  let a: u32 = 0x2A;\n  printU(u64(a));'), expect: ok('42') },
  { kinds: [K.BigIntLiteral], src: main('  let a: u64 = 5n;'), expect: /bigint literals are not supported/ },
  { kinds: [K.StringLiteral], src: main('  print("s");'), expect: ok('s') },
  { kinds: [K.NoSubstitutionTemplateLiteral], src: main('  print(`t`);'), expect: ok('t') },
  { kinds: [K.RegularExpressionLiteral], src: main('  let r: u32 = /x/;'), expect: /regular expressions are not supported/ },
  { kinds: [K.TemplateExpression, K.TemplateHead, K.TemplateSpan, K.TemplateMiddle, K.TemplateTail],
    src: 'let a: u32 = 1;\n' + main('  print(`a${a}b${a}c`);'), expect: ok('a1b1c') },
  { kinds: [K.TaggedTemplateExpression], src: 'function tag(): void {}\n' + main('  tag`x`;'), expect: /tagged templates are not supported/ },
  { kinds: [K.ThisKeyword], src: 'function f(): u32 { return this; }\n' + main(''), expect: /`this` exists only in the methods/ },
  { kinds: [K.SuperKeyword], src: 'function f(): u32 { return super.x; }\n' + main(''), expect: /`super` is supported only as/ },
  { kinds: [K.NullKeyword, K.TrueKeyword, K.FalseKeyword],
    src: main('  let p: Ptr<u8> = null;\n  let t: bool = true;\n  let f: bool = false;\n  if (p == null && t && !f) print("ok");'), expect: ok('ok') },
  { kinds: [K.ImportKeyword], src: main('  import("./x");'), expect: /dynamic `import\(\)` is not supported/ },
  { kinds: [K.ArrayLiteralExpression], src: 'let a: Arr<u32, 3> = [1, 2, 3];\n' + main('  printU(u64(a[2]));'), expect: ok('3') },
  { kinds: [K.ObjectLiteralExpression, K.PropertyAssignment],
    src: 'interface Q extends Struct { a: u32; b: u32 }\nlet q: Q = { a: 1, b: 2 };\n' + main('  printU(u64(q.b));'), expect: ok('2') },
  { kinds: [K.ShorthandPropertyAssignment], src: 'interface Q extends Struct { a: u32 }\n' + main('  let a: u32 = 1;\n  let q: Q = { a };\n  printU(u64(q.a));'),
    expect: ok('1') },
  { kinds: [K.SpreadAssignment], src: 'interface Q extends Struct { a: u32 }\nlet r: Q;\n' + main('  let q: Q = { ...r };'),
    expect: /only `field: value` and `field` entries are supported/ },
  { kinds: [K.GetAccessor, K.SetAccessor], src: 'interface Q extends Struct { a: u32 }\n' + main('  let q: Q = { get a(): u32 { return 1; }, set a(v: u32) {} };'),
    expect: /only `field: value` and `field` entries are supported/ },
  { kinds: [K.ComputedPropertyName], src: 'interface Q extends Struct { a: u32 }\n' + main('  let q: Q = { ["a"]: 1 };'),
    expect: /only `field: value` and `field` entries are supported/ },
  { kinds: [K.PropertyAccessExpression, K.ElementAccessExpression, K.CallExpression, K.ParenthesizedExpression],
    src: 'interface R extends Struct { v: Arr<u32, 2> }\nlet r: R;\nfunction id(x: u32): u32 { return x; }\n'
      + main('  r.v[1] = 6;\n  printU(u64(id((r.v[1]))));'), expect: ok('6') },
  { kinds: [K.NewExpression], src: main('  let a: u32 = new Thing();'), expect: /`new` constructs class instances only/ },
  { kinds: [K.TypeAssertionExpression], src: main('  let a: u32 = <u32>1;'), expect: /`<T>x` casts are not supported/ },
  { kinds: [K.FunctionExpression], src: main('  let f: () => void = function (): void { print("f"); };\n  f();'), expect: ok('f') },
  { kinds: [K.ArrowFunction], src: main('  let f: (x: u32) => u32 = (x) => x + 1;\n  printU(u64(f(1)));'), expect: ok('2') },
  { kinds: [K.DeleteExpression], src: 'interface Q extends Struct { a: u32 }\nlet q: Q;\n' + main('  delete q.a;'), expect: /`delete` is not supported/ },
  { kinds: [K.TypeOfExpression], src: main('  let a: u32 = 1;\n  let b: bool = typeof a == "number";'), expect: /`typeof` is not supported/ },
  { kinds: [K.VoidExpression], src: main('  void 0;'), expect: /`void` expressions are not supported/ },
  { kinds: [K.AwaitExpression, K.AsyncKeyword], src: 'async function f(): void { await 1; }\n' + main(''), expect: /async functions are not supported|`await` is not supported/ },
  { kinds: [K.PrefixUnaryExpression, K.PostfixUnaryExpression, K.BinaryExpression],
    src: main('  let a: i32 = 5;\n  a++;\n  let b: i32 = -a * 2 + ~0;\n  printI(i64(b));'), expect: ok('-13') },
  { kinds: [K.ConditionalExpression], src: main('  let a: u32 = 3;\n  let b: u32 = a > 2 ? 10 : 20;\n  printU(u64(b));'), expect: ok('10') },
  { kinds: [K.YieldExpression], src: 'function* g(): void { yield 1; }\n' + main(''), expect: /generators are not supported|`yield` is not supported/ },
  { kinds: [K.SpreadElement], src: 'function f(a: u32): void {}\nlet xs: Arr<u32, 1>;\n' + main('  f(...xs);'), expect: /spread is not supported/ },
  { kinds: [K.ClassExpression], src: main('  let c: u32 = class {};'), expect: /class expressions are not supported/ },
  { kinds: [K.OmittedExpression], src: 'let a: Arr<u32, 3> = [1, , 3];\n' + main(''), expect: /spread and holes are not supported/ },
  { kinds: [K.AsExpression], src: 'enum E { A, B }\n' + main('  let r: u32 = 1;\n  let e: E = r as E;\n  printU(u64(e));'), expect: ok('1') },
  { kinds: [K.NonNullExpression], src: 'interface Q extends Struct { a: u32 }\nlet q: Q;\n'
    + main('  let p: Ptr<Q> = addressOf(q);\n  p!.a = 3;\n  printU(u64(p!.a));'), expect: ok('3') },
  { kinds: [K.MetaProperty], src: main('  let u: u32 = import.meta;'), expect: /not supported/ },
  { kinds: [K.SatisfiesExpression], src: main('  let a: u32 = 1 satisfies u32;'), expect: /`satisfies` is not supported/ },
  { kinds: [K.ObjectBindingPattern, K.BindingElement], src: 'interface Q extends Struct { a: u32 }\nlet q: Q;\n' + main('  q.a = 4;\n  const { a } = q;\n  printU(u64(a));'),
    expect: ok('4') },
  { kinds: [K.ArrayBindingPattern], src: 'let xs: Arr<u32, 2>;\n' + main('  xs[1] = 5;\n  const [a, b] = xs;\n  printU(u64(b));'),
    expect: ok('5') },
  { kinds: [K.ExpressionWithTypeArguments], src: 'function f(x: u32): u32 { return x; }\n' + main('  let g: (x: u32) => u32 = f<u32>;'),
    expect: /instantiation expressions .* are not supported/ },
  // ---- types ----
  { kinds: [K.TypeReference, K.FunctionType, K.ParenthesizedType, K.BooleanKeyword, K.VoidKeyword],
    src: 'function inc(x: u32): u32 { return x + 1; }\nlet f: ((x: u32) => u32) = inc;\nlet flag: boolean = true;\nfunction nop(): void {}\n'
      + main('  nop();\n  if (flag) printU(u64(f(1)));'), expect: ok('2') },
  { kinds: [K.NeverKeyword], src: 'function stop(): never { panic("stop"); }\n' + main('  print("a");'), expect: ok('a') },
  { kinds: [K.TypePredicate], src: 'function f(x: u32): x is u32 { return true; }\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.ConstructorType], src: 'let c: new () => u32;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.TypeQuery], src: 'let a: u32 = 1;\nlet b: typeof a = 2;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.TypeLiteral], src: 'let a: { x: u32 };\n' + main(''), expect: /object types are not supported/ },
  { kinds: [K.ArrayType], src: 'let a: u32[];\n' + main(''), expect: /JavaScript arrays are not supported/ },
  { kinds: [K.TupleType, K.OptionalType, K.RestType, K.NamedTupleMember],
    src: 'let a: [u32?];\nlet b: [...u32[]];\nlet c: [x: u32];\n' + main(''), expect: /tuples are not supported/ },
  { kinds: [K.UnionType], src: 'let a: u32 | u8;\n' + main(''), expect: /union types are not supported/ },
  { kinds: [K.IntersectionType], src: 'let a: u32 & u8;\n' + main(''), expect: /intersection types are not supported/ },
  { kinds: [K.ConditionalType, K.InferType], src: 'type X<T> = T extends Ptr<infer U> ? U : u8;\n' + main(''), expect: /generic type aliases are not supported/ },
  { kinds: [K.TypeParameter], src: 'function id<T>(x: T): T { return x; }\n' + main('  printU(id<u64>(5));'), expect: ok('5') },
  { kinds: [K.ThisType], src: 'let a: this;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.TypeOperator], src: 'interface Q extends Struct { a: u32 }\nlet a: keyof Q;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.IndexedAccessType], src: 'interface Q extends Struct { a: u32 }\nlet a: Q["a"];\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.MappedType], src: 'type M = { [k in "a"]: u32 };\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.LiteralType], src: 'let a: 5 = 5;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.TemplateLiteralType, K.TemplateLiteralTypeSpan], src: 'type T = `a${u32}`;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.ImportType], src: 'let a: import("./lib").X;\n' + main(''), files: { 'lib.ts': 'export type X = u32;\n' },
    expect: /this type is not supported/ },
  { kinds: [K.QualifiedName], src: 'let a: Lib.X;\n' + main(''), expect: /qualified type names are not supported|cannot find/ },
  { kinds: [K.AnyKeyword], src: 'let a: any;\n' + main(''), expect: /`any` is not supported/ },
  { kinds: [K.UnknownKeyword], src: 'let a: unknown;\n' + main(''), expect: /`unknown` is not supported/ },
  { kinds: [K.NumberKeyword], src: 'let a: number;\n' + main(''), expect: /`number` is not a subset type/ },
  { kinds: [K.BigIntKeyword], src: 'let a: bigint;\n' + main(''), expect: /`bigint` is not supported/ },
  { kinds: [K.StringKeyword], src: 'let a: string;\n' + main(''), expect: /`string` values are run-time JS strings/ },
  { kinds: [K.ObjectKeyword], src: 'let a: object;\n' + main(''), expect: /object types are not supported/ },
  { kinds: [K.SymbolKeyword], src: 'let a: symbol;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.UndefinedKeyword], src: 'let a: undefined;\n' + main(''), expect: /this type is not supported/ },
  { kinds: [K.IntrinsicKeyword], src: 'type I = intrinsic;\n' + main(''), expect: /this type is not supported/ },
  // ---- struct members ----
  { kinds: [K.MethodSignature], src: 'interface Q extends Struct { m(): void }\n' + main(''), expect: /a struct member must be a typed field/ },
  { kinds: [K.CallSignature], src: 'interface Q extends Struct { (): void }\n' + main(''), expect: /a struct member must be a typed field/ },
  { kinds: [K.ConstructSignature], src: 'interface Q extends Struct { new (): Q }\n' + main(''), expect: /a struct member must be a typed field/ },
  { kinds: [K.IndexSignature], src: 'interface Q extends Struct { [i: number]: u32 }\n' + main(''), expect: /a struct member must be a typed field/ },
  // ---- modifiers ----
  { kinds: [K.ExportKeyword, K.ConstKeyword], src: 'export const enum F { A = 2 }\n' + main('  printU(u64(F.A));'), expect: ok('2') },
  { kinds: [K.DeclareKeyword], src: '/** @symbol tsboot_test_ext */\ndeclare function ext(): void;\n' + main('  print("d");'), expect: ok('d') },
  { kinds: [K.ReadonlyKeyword], src: 'interface Q extends Struct { readonly a: u32 }\nlet q: Q = { a: 4 };\n' + main('  printU(u64(q.a));'), expect: ok('4') },
  { kinds: [K.DefaultKeyword], src: 'export default function f(): void {}\n' + main(''), expect: /`export default` is not supported/ },
  { kinds: [K.PublicKeyword], src: 'function f(public x: u32): void {}\n' + main(''), expect: /`public` is not supported on parameters/ },
  { kinds: [K.PrivateKeyword], src: 'function f(private x: u32): void {}\n' + main(''), expect: /`private` is not supported on parameters/ },
  { kinds: [K.ProtectedKeyword], src: 'function f(protected x: u32): void {}\n' + main(''), expect: /`protected` is not supported on parameters/ },
  { kinds: [K.StaticKeyword], src: 'static function f(): void {}\n' + main(''), expect: /`static` is not supported on functions|cannot appear/ },
  { kinds: [K.AbstractKeyword], src: 'abstract function f(): void {}\n' + main(''), expect: /`abstract` is not supported on functions|cannot appear/ },
  { kinds: [K.OverrideKeyword], src: 'function f(override x: u32): void {}\n' + main(''), expect: /`override` is not supported on parameters/ },
  { kinds: [K.AccessorKeyword], src: 'accessor function f(): void {}\n' + main(''), expect: /`accessor` is not supported on functions|cannot appear/ },
  { kinds: [K.InKeyword, K.OutKeyword], src: 'interface G<in I, out O> extends Struct { a: u32 }\n' + main(''), expect: /variance annotations .in\/out. are not supported/ },
];

/** Kinds that cannot appear in a subset source, and why. */
const UNREACHABLE: Partial<Record<ts.SyntaxKind, string>> = {
  [K.SyntheticExpression]: 'made by tsc while checking calls, never parsed',
  [K.PartiallyEmittedExpression]: 'made by tsc when emitting JavaScript',
  [K.CommaListExpression]: 'made by tsc when emitting JavaScript',
  [K.SyntheticReferenceExpression]: 'made by tsc when emitting JavaScript',
  [K.NotEmittedStatement]: 'made by tsc when emitting JavaScript',
  [K.NotEmittedTypeElement]: 'made by tsc when emitting JavaScript',
  [K.JsxElement]: 'JSX is parsed only in .tsx files', [K.JsxSelfClosingElement]: 'JSX is parsed only in .tsx files',
  [K.JsxOpeningElement]: 'JSX is parsed only in .tsx files', [K.JsxClosingElement]: 'JSX is parsed only in .tsx files',
  [K.JsxFragment]: 'JSX is parsed only in .tsx files', [K.JsxOpeningFragment]: 'JSX is parsed only in .tsx files',
  [K.JsxClosingFragment]: 'JSX is parsed only in .tsx files', [K.JsxAttribute]: 'JSX is parsed only in .tsx files',
  [K.JsxAttributes]: 'JSX is parsed only in .tsx files', [K.JsxSpreadAttribute]: 'JSX is parsed only in .tsx files',
  [K.JsxExpression]: 'JSX is parsed only in .tsx files', [K.JsxNamespacedName]: 'JSX is parsed only in .tsx files',
  [K.JsxText]: 'JSX is parsed only in .tsx files',
};

/** The kinds the table must cover: statements, declarations, expressions, types, modifiers, members. */
function requiredKinds(): ts.SyntaxKind[] {
  const out = new Set<ts.SyntaxKind>();
  const range = (a: ts.SyntaxKind, b: ts.SyntaxKind) => { for (let k = a; k <= b; k++) out.add(k); };
  range(K.Block, K.LastStatement);                          // statements
  range(K.VariableDeclaration, K.MissingDeclaration);       // declarations and their parts
  range(K.ObjectBindingPattern, K.SatisfiesExpression);     // binding patterns and expressions
  range(K.TemplateSpan, K.TemplateSpan);
  range(K.FirstTypeNode, K.LastTypeNode);                   // types
  range(K.QualifiedName, K.ClassStaticBlockDeclaration);    // names, members, signatures
  range(K.PropertyAssignment, K.SpreadAssignment);          // object literal members
  range(K.CaseClause, K.CatchClause); out.add(K.EnumMember); out.add(K.ExternalModuleReference);
  for (const k of [K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.RegularExpressionLiteral,
    K.NoSubstitutionTemplateLiteral, K.TemplateHead, K.TemplateMiddle, K.TemplateTail, K.Identifier,
    K.PrivateIdentifier, K.ThisKeyword, K.SuperKeyword, K.NullKeyword, K.TrueKeyword, K.FalseKeyword, K.ImportKeyword,
    K.AnyKeyword, K.BigIntKeyword, K.BooleanKeyword, K.IntrinsicKeyword, K.NeverKeyword, K.NumberKeyword,
    K.ObjectKeyword, K.StringKeyword, K.SymbolKeyword, K.UndefinedKeyword, K.UnknownKeyword, K.VoidKeyword,
    K.AbstractKeyword, K.AccessorKeyword, K.AsyncKeyword, K.ConstKeyword, K.DeclareKeyword, K.DefaultKeyword,
    K.ExportKeyword, K.InKeyword, K.OutKeyword, K.OverrideKeyword, K.PrivateKeyword, K.ProtectedKeyword,
    K.PublicKeyword, K.ReadonlyKeyword, K.StaticKeyword, K.Decorator]) out.add(k);
  // Kinds of tsc's own that the ranges include but no parser produces.
  for (const k of [K.JSDocTypeExpression]) out.delete(k);
  for (const k of [...out]) if (k >= K.FirstJSDocNode && k <= K.LastJSDocNode) out.delete(k);
  return [...out].sort((a, b) => a - b);
}

/** The kinds that occur in a source (tokens included: modifiers and keyword types are tokens). */
function kindsIn(src: string): Set<ts.SyntaxKind> {
  const sf = ts.createSourceFile('sample.ts', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const seen = new Set<ts.SyntaxKind>();
  const visit = (n: ts.Node): void => {
    seen.add(n.kind);
    for (const c of n.getChildren(sf)) visit(c);
  };
  visit(sf);
  return seen;
}

/** The line (1-based) of the first node of a kind in a source. */
function lineOf(src: string, kind: ts.SyntaxKind): number {
  const sf = ts.createSourceFile('sample.ts', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let found = 0;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (n.kind === kind) { found = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1; return; }
    for (const c of n.getChildren(sf)) visit(c);
  };
  visit(sf);
  return found;
}

const name = (k: ts.SyntaxKind) => K[k];

test('syntax kinds: every kind has a sample or a reason it cannot occur', () => {
  const covered = new Set(SAMPLES.flatMap((s) => s.kinds));
  const missing = requiredKinds().filter((k) => !covered.has(k) && !(k in UNREACHABLE));
  assert.equal(missing.map(name), [], `kinds without a sample: ${missing.map(name).join(', ')}`);
});

test('syntax kinds: each sample contains the kinds it claims', () => {
  const wrong: string[] = [];
  for (const s of SAMPLES) {
    const seen = kindsIn([s.src, ...Object.values(s.files ?? {})].join('\n'));
    for (const k of s.kinds) if (!seen.has(k)) wrong.push(`${name(k)} is not in: ${s.src.split('\n')[0]}`);
  }
  assert.equal(wrong, [], wrong.join('\n'));
});

// The driver is loaded in this process (as the benchmark does), so that a hundred small
// compiles take seconds; `ok` samples are also linked and run.
const work = makeTempDir('kinds');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');

SAMPLES.forEach((s, i) => {
  const label = s.kinds.map(name).join(', ');
  test(`syntax kinds: ${label}`, async () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    const dir = path.join(work, `s${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'main.ts');
    fs.writeFileSync(entry, s.src);
    for (const [f, text] of Object.entries(s.files ?? {})) fs.writeFileSync(path.join(dir, f), text);
    const isOk = !(s.expect instanceof RegExp);
    const arch: Arch = hostArch ?? 'x86_64';
    let result: Awaited<ReturnType<typeof driver.compile>>;
    try {
      result = await driver.compile({ entry, target: `${arch}-linux`, output: path.join(dir, 'main'), emit: isOk ? 'exe' : 'll', optLevel: 0 });
    } catch (e) {
      assert.unreachable(`the compiler threw (an internal error) on:\n${s.src}\n${(e as Error).stack}`);
      return;
    }
    const diags = result.diagnostics.format();
    if (s.expect instanceof RegExp) {
      assert.ok(!result.ok, `accepted, but it should be rejected with ${s.expect}:\n${s.src}`);
      const line = lineOf(s.src, s.kinds[0]);
      const hit = result.diagnostics.list.some((d) => (d.severity ?? 'error') === 'error'
        && d.file.endsWith('main.ts') && d.line === line && (s.expect as RegExp).test(d.message));
      assert.ok(hit, `no error matching ${s.expect} on line ${line}; got:\n${diags}\nfor:\n${s.src}`);
    } else {
      assert.ok(result.ok, `rejected, but it should compile:\n${diags}\nfor:\n${s.src}`);
      const r = runExecutable(path.join(dir, 'main'), arch);
      assert.is(r.stdout, s.expect.ok, `wrong output for:\n${s.src}\nstderr: ${r.stderr}`);
      assert.is(r.status, 0);
    }
  });
});

test.after(() => removeDir(work));
test.run();
