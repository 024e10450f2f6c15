// Type resolution: written types (annotations, type arguments, aliases) to subset types,
// the C layout of structs, and the members of enums.
import * as ts from 'typescript';
import {
  Type, FnType, StructInfo, EnumInfo, Field, INT_TYPES, BOOL, VOID, NEVER, ERROR, CSTR, WSTR, FMT, U32,
  ptrTo, typeName, sizeOf, alignOf, intMin, intMax,
} from './types';
import { REJECTED } from './rejected';
import { rejectByValue } from './aggregates';
import { alignTag, reprTag } from './attributes';
import { Conversions } from './convert';

const TS = ts.SyntaxKind;

type FieldSignature = ts.PropertySignature & { type: ts.TypeNode; name: ts.Identifier | ts.StringLiteral };

/** A struct field as written: `name: T`, the name an identifier or a string. */
function isFieldSignature(m: ts.TypeElement): m is FieldSignature {
  return ts.isPropertySignature(m) && !!m.type && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name));
}

/**
 * An interface that describes methods (not extending Struct or Packed): a contract that a
 * class `implements` (check/classes.ts), not a type of values.
 */
export function isContract(decl: ts.InterfaceDeclaration): boolean {
  const bases = (decl.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText()));
  return !bases.includes('Struct') && !bases.includes('Packed') && decl.members.some(ts.isMethodSignature);
}

export abstract class TypeResolver extends Conversions {
  /** The struct type of a class (check/classes.ts). */
  protected abstract classType(decl: ts.ClassDeclaration, args: readonly ts.TypeNode[], use: ts.Node): Type;
  /** A type parameter named inside a generic declaration: its type in the instance (generics.ts). */
  protected abstract typeParameter(node: ts.TypeReferenceNode, sym: ts.Symbol): Type;
  /** `Pair<u32>`: an instance of a generic struct (generics.ts). */
  protected abstract genericStruct(node: ts.TypeReferenceNode, decl: ts.InterfaceDeclaration,
    args: ts.NodeArray<ts.TypeNode>): Type;
  /** `Slice<T>` (slices.ts). */
  protected abstract sliceOf(elem: Type): Type;

  /** The aliases being resolved on the current path (a struct's fields start a new path). */
  private aliasBusy = new Set<ts.Node>();

  /** `Ptr<T> | null` (nullish.ts); undefined for any other union. */
  protected abstract nullableType(u: ts.UnionTypeNode): Type | undefined;

  resolveType(node: ts.TypeNode): Type {
    const nullable = ts.isUnionTypeNode(node) ? this.nullableType(node) : undefined;
    if (nullable) return nullable;
    switch (node.kind) {
      case TS.VoidKeyword: return VOID;
      case TS.NeverKeyword: return NEVER;
      case TS.BooleanKeyword: return BOOL;
      case TS.ParenthesizedType: return this.resolveType((node as ts.ParenthesizedTypeNode).type);
      case TS.FunctionType: return this.resolveFnType(node as ts.FunctionTypeNode, false);
      case TS.TypeReference: return this.resolveTypeRef(node as ts.TypeReferenceNode);
      default:
        this.d.error(node, REJECTED[node.kind] ?? 'this type is not supported in the subset; use a machine type, '
          + 'Ptr<T>, Arr<T, N>, a struct, an enum or a function type');
        return ERROR;
    }
  }

  /**
   * `Fmt` is a parameter type only: its value points into the caller's frame (the
   * arguments of a template literal), so it may be used or forwarded, never kept.
   */
  private fmtType(node: ts.TypeReferenceNode): Type {
    if (ts.isParameter(node.parent) && node.parent.type === node) return FMT;
    this.d.error(node, 'Fmt is a parameter type only (a formatted message lives in its caller\'s frame); '
      + 'declare a parameter `msg: Fmt` and pass the message on, or render it with format(buf, cap, msg)');
    return ERROR;
  }

  private resolveFnType(node: ts.FunctionTypeNode, efiapi: boolean): FnType | Type {
    if (node.typeParameters?.length) {
      this.d.error(node.typeParameters[0], `a function type cannot be generic: ${efiapi
        ? 'an Efiapi function (a protocol method too) is the firmware\'s, with one signature'
        : 'a function pointer is one address'}; write its parameter types, e.g. (x: u32) => u64`);
      return ERROR;
    }
    const params = node.parameters.map((p) => {
      if (!p.type) { this.d.error(p, 'function type parameters need types'); return ERROR; }
      return this.resolveType(p.type);
    });
    const t: FnType = { kind: 'fn', params, ret: this.resolveType(node.type), efiapi };
    if (efiapi) rejectByValue(this.d, t, 'an Efiapi', node.parameters.map((p) => p.type ?? p), node.type);
    return t;
  }

  private resolveTypeRef(node: ts.TypeReferenceNode): Type {
    const sym = ts.isIdentifier(node.typeName) ? this.symbolOf(node.typeName) : this.qualifiedType(node.typeName);
    const decl = sym?.declarations?.[0];
    if (!sym || !decl) {
      const name = node.typeName.getText();
      const cls = ts.findAncestor(node, ts.isClassDeclaration);
      this.d.error(node, cls?.typeParameters?.some((tp) => tp.name.text === name)
        ? `a static member is one for every instance of ${cls.name?.text}, so it cannot use its type parameter `
          + `'${name}' (as in TypeScript); use a fixed type, or an instance member`
        : `cannot find type '${name}'`);
      return ERROR;
    }
    const args = node.typeArguments ?? ts.factory.createNodeArray<ts.TypeNode>();
    if (ts.isTypeParameterDeclaration(decl)) return this.typeParameter(node, sym);
    if (this.isLibDecl(decl)) {
      const name = sym.name;
      if (INT_TYPES[name]) return INT_TYPES[name];
      switch (name) {
        case 'bool': return BOOL;
        case 'cstr': return CSTR;
        case 'wstr': return WSTR;
        case 'Fmt': return this.fmtType(node);
        case 'Ptr': {
          if (args.length !== 1) { this.d.error(node, 'Ptr needs one type argument: Ptr<T>'); return ERROR; }
          const a = args[0];
          if (a.kind === TS.VoidKeyword) return ptrTo(VOID);
          return ptrTo(this.resolveType(a));
        }
        case 'Arr': {
          if (args.length !== 2) {
            this.d.error(node, 'Arr needs an element type and a length: Arr<u8, 16>');
            return ERROR;
          }
          const elem = this.resolveType(args[0]);
          if (elem.kind === 'void' || elem.kind === 'never') {
            this.d.error(args[0], `an Arr element has a size, ${typeName(elem)} has none; `
              + 'for raw bytes write Arr<u8, N>');
            return ERROR;
          }
          const n = args[1];
          let len = -1;
          if (ts.isLiteralTypeNode(n) && ts.isNumericLiteral(n.literal)) {
            len = Number(this.parseIntLiteral(n.literal) ?? -1n);
          } else if (ts.isTypeQueryNode(n) && ts.isIdentifier(n.exprName)) {
            // `Arr<u8, typeof N>` with `const N = 16`: a named constant as the length.
            const sym = this.symbolOf(n.exprName);
            const ent = sym && this.entities.get(sym);
            const v = ent?.kind === 'const' ? this.constInfoValue(ent, n.exprName) : undefined;
            if (v !== undefined && v >= 0n && v <= 0xFFFF_FFFFn) len = Number(v);
          }
          if (!(len >= 0)) {
            this.d.error(n, 'the length of an Arr must be an integer literal or `typeof N` of a constant N, '
              + 'e.g. Arr<u8, 16>');
            return ERROR;
          }
          return { kind: 'array', elem, len };
        }
        case 'Slice': {
          if (args.length !== 1) { this.d.error(node, 'Slice needs one type argument: Slice<u8>'); return ERROR; }
          return this.sliceOf(this.resolveType(args[0]));
        }
        case 'Efiapi': case 'EfiMethod': {
          const a = args[0];
          const t = !a ? ERROR : ts.isFunctionTypeNode(a) ? this.resolveFnType(a, true) : this.resolveType(a);
          if (t.kind !== 'fn') {
            // Efiapi<SomeAlias> resolves the alias and re-marks it.
            if (!a || t.kind !== 'error') {
              this.d.error(node, `${name} takes a function type: ${name}<(a: u64) => u64>`);
            }
            return ERROR;
          }
          if (!ts.isFunctionTypeNode(a)) rejectByValue(this.d, t, 'an Efiapi', t.params.map(() => a), a);
          if (name === 'Efiapi') return { ...t, efiapi: true };
          if (t.params[0]?.kind !== 'ptr') {
            this.d.error(node, 'EfiMethod takes a function whose first parameter is the protocol pointer: '
              + 'EfiMethod<(self: Ptr<Proto>, x: u64) => EfiStatus>');
            return ERROR;
          }
          return { ...t, efiapi: true, method: true };
        }
        default:
          // A struct the std library declares for every program (SpinLock): resolved below.
          if (ts.isInterfaceDeclaration(decl) && decl.heritageClauses) break;
          this.d.error(node, `'${name}' is not a type that subset values can have`); return ERROR;
      }
    }
    if (ts.isClassDeclaration(decl)) return this.classType(decl, args, node);
    if (ts.isInterfaceDeclaration(decl) && decl.typeParameters?.length) return this.genericStruct(node, decl, args);
    if (args.length) { this.d.error(node, `'${sym.name}' is not generic; write it without type arguments`); }
    if (ts.isTypeAliasDeclaration(decl)) {
      if (decl.typeParameters?.length) { this.d.error(decl, 'generic type aliases are not supported'); return ERROR; }
      if (this.aliasBusy.has(decl)) { this.d.error(node, `type alias '${sym.name}' refers to itself`); return ERROR; }
      this.aliasBusy.add(decl);
      const t = this.resolveType(decl.type);
      this.aliasBusy.delete(decl);
      return t;
    }
    if (ts.isInterfaceDeclaration(decl)) {
      if (isContract(decl)) {
        this.d.error(node, `interface '${sym.name}' has methods: it is a contract for \`class C implements `
          + `${sym.name}\`, not a type of values (there is no dynamic dispatch); use the class, or Ptr<the class>`);
        return ERROR;
      }
      const info = this.structOf(decl);
      return info ? { kind: 'struct', info } : ERROR;
    }
    if (ts.isEnumDeclaration(decl)) return { kind: 'enum', info: this.enumOf(decl) };
    this.d.error(node, `'${sym.name}' is not a type`);
    return ERROR;
  }

  /** `ns.T` after `import * as ns from "./m"`: the type T of module m. */
  private qualifiedType(q: ts.QualifiedName): ts.Symbol | undefined {
    const base = ts.isIdentifier(q.left) ? this.symbolOf(q.left) : undefined;
    if (!base || !(base.flags & ts.SymbolFlags.ValueModule)) {
      this.d.error(q, 'a qualified type name is only supported after `import * as ns`: `ns.T`');
      return undefined;
    }
    let s = this.tc.getSymbolAtLocation(q.right);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.tc.getAliasedSymbol(s);
    return s;
  }

  /** Checks a type alias where it is declared, so that an unused alias is checked too. */
  protected checkAlias(decl: ts.TypeAliasDeclaration): void {
    if (decl.typeParameters?.length) { this.d.error(decl, 'generic type aliases are not supported'); return; }
    if (this.aliasBusy.has(decl)) return;
    this.aliasBusy.add(decl);
    this.resolveType(decl.type);
    this.aliasBusy.delete(decl);
  }

  protected structOf(decl: ts.InterfaceDeclaration): StructInfo | undefined {
    // A struct that points at itself is fine (its layout is 'busy' then); one that holds
    // itself by value is caught where the field's type is resolved.
    const known = this.structs.get(decl);
    if (known) return known;
    const first = this.declSymbol(decl)?.declarations?.[0];
    if (first && first !== decl) {
      this.d.error(decl.name, `'${decl.name.text}' is declared twice; declaration merging is not supported: `
        + 'declare each struct once');
      return undefined;
    }
    const packed = this.structBase(decl);
    // A generic struct is laid out per instance (generics.ts).
    if (packed === undefined || decl.typeParameters?.length) return undefined;
    const info: StructInfo = {
      name: decl.name.text, packed, fields: [], size: 0, align: 1, node: decl, state: 'busy',
    };
    this.structs.set(decl, info);
    this.layoutStruct(decl, info);
    return info;
  }

  /** Whether a struct declaration is packed (extends Packed) or C (Struct); undefined if neither. */
  protected structBase(decl: ts.InterfaceDeclaration): boolean | undefined {
    const bases = (decl.heritageClauses ?? []).flatMap((h) => h.types);
    const base = bases[0];
    const baseName = base && ts.isIdentifier(base.expression) ? base.expression.text : '';
    if (baseName !== 'Struct' && baseName !== 'Packed') {
      this.d.error(decl,
        `interface '${decl.name.text}' must extend Struct (C layout) or Packed (no padding) to describe memory`);
      return undefined;
    }
    if (bases.length > 1) {
      this.d.error(bases[1], `a struct extends exactly one of Struct or Packed; '${decl.name.text}' cannot also `
        + `extend '${bases[1].getText()}' (to embed a struct, declare a field of its type)`);
    }
    return baseName === 'Packed';
  }

  /** Lays out the fields of a struct (or of an instance of a generic one, its type arguments bound). */
  protected layoutStruct(decl: ts.InterfaceDeclaration, info: StructInfo): void {
    // An alias met again inside the fields refers to itself only through this struct, which
    // is fine behind a pointer (the struct is 'busy' then) and caught by value.
    const outerAliases = this.aliasBusy;
    this.aliasBusy = new Set();
    const pos = { off: 0, align: 1 };
    for (const m of decl.members) {
      if (!isFieldSignature(m)) {
        this.d.error(m,
          'a struct member must be a typed field like `Revision: u32`; for functions use a function-typed field');
        continue;
      }
      if (m.questionToken) this.d.error(m, 'optional fields are not supported: every field has a place in memory');
      this.modifiers(m, [TS.ReadonlyKeyword], 'struct fields');
      if (info.fields.some((f) => f.name === m.name.text)) {
        this.d.error(m.name, `struct ${info.name} already has a field '${m.name.text}'`);
        continue;
      }
      const readonly = !!ts.getModifiers(m)?.some((x) => x.kind === TS.ReadonlyKeyword);
      this.layoutField(info, pos, m.type, { name: m.name.text, node: m, readonly });
    }
    this.aliasBusy = outerAliases;
    pos.align = Math.max(pos.align, alignTag(decl, this.d) ?? 1);
    this.finishLayout(info, pos);
  }

  /**
   * Resolves a field's type and appends the field to a struct being laid out (C rules, or
   * packed), at the running offset `pos.off`; `pos.align` collects the largest alignment.
   * False (after an error) when the field cannot be stored.
   */
  protected layoutField(
    info: StructInfo, pos: { off: number; align: number }, typeNode: ts.TypeNode, field: Omit<Field, 'type' | 'offset'>,
  ): boolean {
    const t = this.resolveType(typeNode);
    if (t.kind === 'struct' && t.info.state === 'busy') {
      this.d.error(typeNode, `struct '${t.info.name}' contains itself by value; use Ptr<${t.info.name}>`);
      return false;
    }
    if (t.kind === 'void' || t.kind === 'never') {
      this.d.error(typeNode, `a field cannot have type ${typeName(t)}`);
      return false;
    }
    const a = info.packed ? 1 : alignOf(t);
    pos.off = Math.ceil(pos.off / a) * a;
    info.fields.push({ ...field, type: t, offset: pos.off });
    pos.off += sizeOf(t);
    pos.align = Math.max(pos.align, a);
    return true;
  }

  /** Ends a layout: the size is rounded up to the alignment. */
  protected finishLayout(info: StructInfo, pos: { off: number; align: number }): void {
    info.align = pos.align;
    info.size = Math.ceil(pos.off / pos.align) * pos.align;
    info.state = 'done';
  }

  protected enumOf(decl: ts.EnumDeclaration): EnumInfo {
    let info = this.enums.get(decl);
    if (info) return info;
    info = { name: decl.name.text, members: new Map(), node: decl, repr: reprTag(decl, this.d) ?? U32 };
    const repr = info.repr;
    this.enums.set(decl, info);
    let next = 0n;
    for (const m of decl.members) {
      const name = m.name.getText();
      let v = next;
      if (m.initializer) {
        this.fn = undefined;
        const t = this.expr(m.initializer, repr);
        const c = this.consts.get(m.initializer);
        if (c === undefined) { this.d.error(m.initializer, 'an enum member must be a compile-time integer constant'); }
        else { v = c; this.assignable(m.initializer, t, repr); }
      }
      if (v < intMin(repr) || v > intMax(repr)) {
        this.d.error(m, `enum member ${name} = ${v} does not fit the enum's ${repr.name} representation`
          + (m.initializer ? '' : ' (it follows the member before it)'));
      }
      info.members.set(name, v);
      next = v + 1n;
    }
    return info;
  }
}
