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

/** A use of a class's accessor (`c.value`): its getter and setter, and the object. */
export interface AccessorUse { get?: FuncInfo; set?: FuncInfo; self: ts.Expression }

/**
 * The facts the checker records per node for the lowering. A generic body is checked once
 * per instance, so an instance has maps of its own over the program's (check/generics.ts).
 */
export interface NodeFacts {
  types: Map<ts.Node, Type>;
  consts: Map<ts.Node, bigint>;
  calls: Map<ts.CallExpression, CallKind>;
  entities: Map<ts.Symbol, Entity>;
  formats: Map<ts.Node, FmtPart[]>;
  /** Class member uses (check/class-members.ts): accessors, static members, `new` expressions. */
  accessors: Map<ts.Node, AccessorUse>;
  staticRefs: Map<ts.Node, FuncInfo | GlobalInfo | ConstInfo>;
  news: Map<ts.NewExpression, ClassInfo>;
  /**
   * Switches over an enum that list every member, have no default and end a function with
   * a result (as tsc allows): a value that is no member (made with `as`) panics there.
   */
  exhaustive: Set<ts.SwitchStatement>;
  /** Every switch over an enum that lists every member and has no default. */
  allMembers: Set<ts.SwitchStatement>;
}

/**
 * One instance of a generic declaration (a function, a class, a struct): the declaration,
 * its type arguments, where it was first instantiated, and the facts its body was checked
 * with (check/generics.ts).
 */
export interface Instance extends NodeFacts {
  decl: ts.Declaration;
  args: Type[];
  /** The type parameters' symbols bound to `args`. */
  bindings: Map<ts.Symbol, Type>;
  /** `in min<u32> instantiated at a.ts:3:5`, as diagnostics name it. */
  label: string;
  /** The expression or type reference that first needed this instance. */
  site: ts.Node;
  /** 1 for an instance made from ordinary code, n + 1 for one made from an instance of depth n. */
  depth: number;
  /** `file:line:col` of the ordinary (not generic) code that led to this instance. */
  origin: string;
}

/** How many hidden parameters come before the written ones: 1 (`this`) for instance members. */
export function selfParams(f: FuncInfo): number { return f.member && f.member.role !== 'static' ? 1 : 0; }

/**
 * A class: a struct (its layout, base fields first) with statically dispatched members.
 * One ClassInfo per (declaration, type arguments): a generic class has one per list of
 * type arguments, each with its own layout and members, all sharing one table of static
 * members (check/classes.ts).
 */
export interface ClassInfo {
  name: string;
  decl: ts.ClassDeclaration;
  typeArgs: Type[];
  /** An instance of a generic class: its bindings and the maps its members are checked in. */
  instance?: Instance;
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

/**
 * The constructor `new C(...)` runs: the declared one, else the nearest base class's
 * (a class without a constructor takes its base's arguments); undefined when none has one.
 */
export function ctorOf(cls: ClassInfo): FuncInfo | undefined {
  let c: ClassInfo | undefined = cls;
  while (c && !c.ctor) c = c.base;
  return c?.ctor;
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
