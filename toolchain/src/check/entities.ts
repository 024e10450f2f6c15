// What a name in the program can denote, as the checker records it for the lowering stage.
import * as ts from 'typescript';
import { FnType, Type } from './types';

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

export interface FuncInfo {
  kind: 'func';
  name: string;
  /** The LLVM global name, unquoted. */
  irName: string;
  /** A declaration, or an arrow function or function expression (check/nested.ts). */
  decl: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;
  type: FnType;
  params: ts.Symbol[];
  tags: FnTags;
  /** A `declare function`: defined outside this program. */
  external: boolean;
  exported: boolean;
  /** How many leading parameters have no default value (the rest are filled in at the call). */
  required: number;
}

export interface GlobalInfo {
  kind: 'global';
  name: string;
  irName: string;
  type: Type;
  decl: ts.VariableDeclaration;
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
