// Classes: construction in place, method and accessor calls, `super(...)`, and EfiMethod
// calls that pass the protocol pointer implicitly. Everything is a direct call with the
// object's address as the first argument (check/classes.ts describes the model).
//
// `new C(args)` into storage at A: the arguments are evaluated, A is zeroed, then the
// class is initialised at A: its constructor is called if it declares one (which
// initialises its own fields first, or right after `super(...)`); otherwise its base is
// initialised the same way with the same arguments and its field initialisers run inline.
import * as ts from 'typescript';
import { CallKind } from '../check/state';
import { ClassInfo, ctorOf } from '../check/entities';
import { Type, structOf } from '../check/types';
import { irParam } from './abi';
import { FormatLowerer } from './format';

const TS = ts.SyntaxKind;

export abstract class ClassLowerer extends FormatLowerer {
  /** The address of the object before `.m(...)`: `this`, a Ptr's value, or a struct's place. */
  private selfPtr(obj: ts.Expression): string {
    if (obj.kind === TS.ThisKeyword || obj.kind === TS.SuperKeyword) return this.thisPtr;
    return this.c.types.get(obj)!.kind === 'ptr' ? this.value(obj) : this.place(obj).addr;
  }

  protected memberCall(e: ts.CallExpression, k: CallKind): string {
    if (k.kind === 'super') {
      this.initialise(k.cls, this.thisPtr, this.ctorArgs(k.cls, e.arguments, this.thisPtr));
      this.initFields(this.fn.member!.cls, this.thisPtr);
      return '';
    }
    const callee = e.expression as ts.PropertyAccessExpression;
    const self = this.selfPtr(callee.expression);
    if (callee.questionDotToken) this.nullExit(self);
    if (k.kind === 'method') return this.emitCall(this.want(k.f), k.f.type, e.arguments, k.f, [self]);
    if (k.kind !== 'indirect') return 'poison';
    // An EfiMethod field: the object is evaluated once, for the field and as the argument.
    const f = this.c.field(structOf(this.c.types.get(callee.expression)!)!, callee.name.text)!;
    const fp = this.loadScalar(f.type, f.offset ? this.b.byteOffset(self, String(f.offset), true) : self);
    if (e.questionDotToken) this.nullExit(fp);
    return this.emitCall(fp, k.type, e.arguments, undefined, [self]);
  }

  /** A getter's value or a static method as a function pointer; undefined for a field. */
  protected memberValue(e: ts.PropertyAccessExpression, _t: Type): string | undefined {
    const s = this.c.staticRefs.get(e);
    if (s?.kind === 'func') return this.want(s);
    const acc = this.c.accessors.get(e);
    if (!acc?.get) return undefined;
    const self = this.selfPtr(acc.self);
    if (e.questionDotToken) this.nullExit(self);
    return this.emitCall(this.want(acc.get), acc.get.type, [], undefined, [self]);
  }

  protected setterAssign(e: ts.BinaryExpression): string {
    const acc = this.c.accessors.get(e.left)!;
    const set = acc.set!;
    const self = this.selfPtr(acc.self);
    const t = set.type.params[1];
    // The value is the assignment's too: a struct is copied once, and its copy passed.
    const v = this.argument(e.right, t);
    this.b.call('void', this.want(set), [`ptr ${self}`, `${irParam(t)} ${v}`], this.cc(set.type));
    return v;
  }

  construct(addr: string, e: ts.NewExpression): void {
    const cls = this.c.news.get(e)!;
    const vals = this.ctorArgs(cls, e.arguments ?? [], addr);
    this.zero(addr, { kind: 'struct', info: cls.struct });
    this.initialise(cls, addr, vals);
  }

  /**
   * The values of the arguments of the constructor that runs for `cls` (a struct: the
   * address of a copy), defaults filled in; `addr` is the object's (not yet built) address.
   */
  private ctorArgs(cls: ClassInfo, args: readonly ts.Expression[], addr: string): string[] {
    const ctor = ctorOf(cls);
    return ctor ? this.argValues(ctor.type, args, ctor, [addr]).slice(1) : [];
  }

  /** Initialises zeroed storage at addr as a `cls` (see the top of this file). */
  private initialise(cls: ClassInfo, addr: string, vals: string[]): void {
    const ctor = cls.ctor;
    if (ctor) {
      const args = ctor.type.params.map((p, i) => `${irParam(p)} ${i === 0 ? addr : vals[i - 1]}`);
      this.b.call('void', this.want(ctor), args, this.cc(ctor.type));
      return;
    }
    if (cls.base) this.initialise(cls.base, addr, vals);
    this.initFields(cls, addr);
  }

  /**
   * Runs the field initialisers of `cls` itself (not its bases') on the object at addr, in
   * the maps they were checked in (an instance of a generic class has its own).
   */
  protected initFields(cls: ClassInfo, addr: string): void {
    const saved = this.thisPtr;
    this.thisPtr = addr;
    this.inMaps(cls.instance, () => {
      for (const m of cls.inits) {
        const f = this.c.field(cls.struct, m.name.getText())!;
        const at = f.offset ? this.b.byteOffset(addr, String(f.offset), true) : addr;
        this.assignTo({ addr: at, type: f.type }, m.initializer!);
      }
    });
    this.thisPtr = saved;
  }
}
