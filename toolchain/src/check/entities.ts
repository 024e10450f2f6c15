// What a name in the program can denote, as the checker records it for the lowering stage.
import * as ts from 'typescript';
import { FnType, Type, StructInfo } from './types';
import { FmtPart } from './fmt-plan';

export interface FnTags {
  symbol?: string;
  efiapi: boolean;
  inline: boolean;
  noinline: boolean;
  naked: boolean;
  nobuiltins: boolean;
  /** Optimised for size (LLVM minsize): code that is not on a hot path. */
  minsize: boolean;
  /** Rarely run (error paths): never inlined, optimised for size, laid out apart. */
  cold: boolean;
  /** Optimised for speed even under -Oz (inner loops: table zeroing, hashing). */
  hot: boolean;
}

/** What declares a function: a function, or a class's method, constructor or accessor. */
export type FnDecl = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.AccessorDeclaration;

export interface FuncInfo {
  kind: 'func';
  name: string;
  /** The LLVM global name, unquoted. */
  irName: string;
  /** A declaration (a function or a class member), or an arrow function or function expression
   *  (check/nested.ts). For an instance member, params[0] is the hidden `this` (see selfParams). */
  decl: FnDecl | ts.ArrowFunction | ts.FunctionExpression;
  type: FnType;
  /** The symbols of the written parameters (without the hidden `this`). */
  params: ts.Symbol[];
  /** A class member: its class and its role. */
  member?: { cls: ClassInfo; role: 'method' | 'ctor' | 'get' | 'set' | 'static' };
  tags: FnTags;
  /** A `declare function`: defined outside this program. */
  external: boolean;
  exported: boolean;
  /** How many leading parameters have no default value (the rest are filled in at the call). */
  required: number;
  /** A generic function as declared: never emitted itself, only its instances (generics.ts). */
  generic?: boolean;
  /** One instance of a generic function: its type arguments and its own checker maps. */
  instance?: Instance;
}

/**
 * One instance of a generic declaration (a function, a struct; classes can use the same
 * machinery): the declaration, its type arguments, where it was first instantiated, and the
 * facts its body was checked with. A generic body is checked once per instance, so the
 * types, constants and calls of its nodes live in maps of the instance's own, which fall
 * back to the program's (check/generics.ts).
 */
export interface Instance {
  decl: ts.Declaration;
  args: Type[];
  /** The type parameters' symbols bound to `args`. */
  bindings: Map<ts.Symbol, Type>;
  /** `min<u32>`, as diagnostics name it. */
  label: string;
  /** The expression or type reference that first needed this instance. */
  site: ts.Node;
  /** 1 for an instance made from ordinary code, n + 1 for one made from an instance of depth n. */
  depth: number;
  /** `file:line:col` of the ordinary (not generic) code that led to this instance. */
  origin: string;
  types: Map<ts.Node, Type>;
  consts: Map<ts.Node, bigint>;
  calls: Map<ts.CallExpression, CallKind>;
  entities: Map<ts.Symbol, Entity>;
  formats: Map<ts.Node, FmtPart[]>;
}

/** How many hidden parameters come before the written ones: 1 (`this`) for instance members. */
export function selfParams(f: FuncInfo): number { return f.member && f.member.role !== 'static' ? 1 : 0; }

/**
 * A class: a struct (its layout, base fields first) with statically dispatched members.
 * One ClassInfo per (declaration, type arguments), so that a generic class can have one
 * instance per list of type arguments (check/classes.ts).
 */
export interface ClassInfo {
  name: string;
  decl: ts.ClassDeclaration;
  typeArgs: Type[];
  struct: StructInfo;
  base: ClassInfo | undefined;
  /** Instance methods and accessors declared by this class (a lookup walks the bases). */
  methods: Map<string, FuncInfo>;
  getters: Map<string, FuncInfo>;
  setters: Map<string, FuncInfo>;
  /** Static methods (func), static fields (global) and static readonly constants (const). */
  statics: Map<string, FuncInfo | GlobalInfo | ConstInfo>;
  /** The declared constructor, if any (field initialisers run without one too). */
  ctor: FuncInfo | undefined;
  /** The instance fields with an initialiser, in declaration order. */
  inits: ts.PropertyDeclaration[];
  /** Written `private`/`protected` (members of the class, for access checks). */
  access: Map<string, 'private' | 'protected'>;
}

export interface GlobalInfo {
  kind: 'global';
  name: string;
  irName: string;
  type: Type;
  /** A module variable, or a class's static field. */
  decl: ts.VariableDeclaration | ts.PropertyDeclaration;
  isConst: boolean;
  /** Written `@align N` (check/attributes.ts). */
  align?: number;
}

/** A named compile-time constant: an untyped `const X = 5`, a typed scalar const, or an enum member. */
export interface ConstInfo {
  kind: 'const';
  name: string;
  /** undefined for untyped constants. */
  type: Type | undefined;
  init: ts.Expression | undefined;
  value: bigint | undefined;
  state: 'new' | 'busy' | 'done';
  decl: ts.Node;
}

export interface LocalInfo {
  kind: 'local';
  name: string;
  type: Type;
  decl: ts.Node;
}

export type Entity = FuncInfo | GlobalInfo | ConstInfo | LocalInfo;

/** The parameters `new C(...)` takes: the declared constructor's, else the base class's. */
export function ctorParams(cls: ClassInfo): Type[] {
  if (cls.ctor) return cls.ctor.type.params.slice(1);
  return cls.base ? ctorParams(cls.base) : [];
}

/** What a call calls, as the checker records it for the lowering. */
export type CallKind =
  | { kind: 'direct'; f: FuncInfo }
  | { kind: 'indirect'; type: FnType; self?: ts.Expression }
  /** An instance method: `self` is the object (a struct place or a Ptr), or `this`/`super`. */
  | { kind: 'method'; f: FuncInfo; self: ts.Expression }
  /** `super(...)` in a constructor: constructs the base class `cls` in place. */
  | { kind: 'super'; cls: ClassInfo }
  | { kind: 'builtin'; name: string; typeArg?: Type }
  | { kind: 'convert'; to: Type };
