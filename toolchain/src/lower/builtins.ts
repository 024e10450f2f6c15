// Lowering of builtin calls: generic ones by name, intrinsics from the table in
// check/builtins.ts.
import * as ts from 'typescript';
import { OperatorLowerer as Lowerer } from './operators';
import { INTRINSICS, ATOMICS } from '../check/builtins';
import { lowerAtomic } from './atomics';
import { Type, U64, VOID, FMT, sizeOf, alignOf, irType, irMemType, isAggregate, isIntegral } from '../check/types';

export function lowerBuiltin(L: Lowerer, e: ts.CallExpression, name: string, typeArg: Type | undefined, t: Type): string {
  const b = L.b;
  const args = e.arguments;
  switch (name) {
    case 'ptr': return b.cast('inttoptr', 'i64', L.value(args[0], U64), 'ptr');
    case 'addr': return b.cast('ptrtoint', 'ptr', L.value(args[0]), 'i64');
    case 'cast': case 'asCstr': case 'asWstr': return L.value(args[0]);
    case 'ptrAdd': case 'byteAdd': {
      const p = L.value(args[0]);
      const n = L.index(args[1]);
      const pt = L.c.types.get(args[0])!;
      const elem = name === 'byteAdd' || pt.kind !== 'ptr' ? 'i8' : L.elemType(pt.to);
      return b.elemOffset(elem, p, n);
    }
    case 'ptrDiff': {
      const pt = L.c.types.get(args[0])!;
      const a = b.cast('ptrtoint', 'ptr', L.value(args[0]), 'i64');
      const c = b.cast('ptrtoint', 'ptr', L.value(args[1]), 'i64');
      const d = b.binop('sub', 'i64', a, c);
      const size = pt.kind === 'ptr' ? Math.max(1, sizeOf(pt.to)) : 1;
      return size === 1 ? d : b.binop('sdiv exact', 'i64', d, String(size));
    }
    case 'addressOf': {
      const a = args[0];
      if (ts.isIdentifier(a)) {
        const ent = L.c.entityOf(a);
        if (ent?.kind === 'func') return L.want(ent);
      }
      return L.place(a).addr;
    }
    case 'embed': return L.mod.stringConstant([...L.c.embedded.get(e)!], 8);
    case 'zeroed': {
      // A scalar's zero is a constant (zeroed<T>() in a generic body may be one).
      if (!isAggregate(t)) return t.kind === 'bool' ? 'false' : isIntegral(t) ? '0' : 'null';
      const tmp = b.alloca(irMemType(t), Math.max(1, alignOf(t)));
      L.zero(tmp, t);
      return tmp;
    }
    case 'load': case 'loadVolatile': {
      const p = b.cast('inttoptr', 'i64', L.value(args[0], U64), 'ptr');
      return L.loadScalar(typeArg!, p, name === 'loadVolatile');
    }
    case 'store': case 'storeVolatile': {
      const p = b.cast('inttoptr', 'i64', L.value(args[0], U64), 'ptr');
      L.storeScalar(typeArg!, L.value(args[1], typeArg!), p, name === 'storeVolatile');
      return '';
    }
    case 'asm': {
      const tmpl = (args[0] as ts.StringLiteral).text;
      const cons = (args[1] as ts.StringLiteral).text;
      const ops = args.slice(2).map((a) => {
        const at = L.c.types.get(a)!;
        return `${irType(at)} ${L.value(a)}`;
      });
      return b.asm(irType(typeArg ?? VOID), tmpl, cons, ops);
    }
    case 'mrs': case 'msr': {
      if (!archOk(L, e, name, 'aarch64')) return name === 'mrs' ? '0' : '';
      const reg = (args[0] as ts.StringLiteral).text;
      if (name === 'mrs') return b.asm('i64', `mrs $0, ${reg}`, '=r,~{memory}', []);
      b.asm('void', `msr ${reg}, $0`, 'r,~{memory}', [`i64 ${L.value(args[1], U64)}`]);
      return '';
    }
    case 'sizeof': case 'alignof': case 'offsetof': return '0'; // folded by the checker
    case 'slice': case 'slice.sub': return L.sliceCall(e, name, t);
    case 'panic': {
      L.panicAt('', e, L.value(args[0], FMT));
      return '';
    }
    case 'assert': {
      const ok = b.label('assert.ok'), bad = b.label('assert.fail');
      L.condBranch(args[0], ok, bad);
      b.startBlock(bad);
      if (args[1]) L.panicAt('', e, L.value(args[1], FMT));
      else L.panicAt(`assertion failed: ${args[0].getText()}`, e);
      b.startBlock(ok);
      return '';
    }
  }
  if (ATOMICS[name]) return lowerAtomic(L, e, name);
  const intr = INTRINSICS[name];
  if (!intr) return 'poison';
  if (intr.arch && !archOk(L, e, name, intr.arch)) return intr.ret.kind === 'void' || intr.ret.kind === 'never' ? '' : '0';
  if (intr.llvm === 'fence') { b.fence(); return ''; }
  if (intr.llvm === 'unreachable') { b.unreachable(); return ''; }
  if (intr.llvm === 'trap') {
    L.mod.declareRaw('llvm.trap', 'declare void @llvm.trap() cold noreturn nounwind');
    b.call('void', '@llvm.trap', []);
    b.unreachable();
    return '';
  }
  const [tmpl, cons] = intr.asm!;
  const ops = intr.params.map((p, i) => `${irType(p)} ${L.value(args[i], p)}`);
  return b.asm(irType(intr.ret), tmpl, cons, ops);
}

function archOk(L: Lowerer, e: ts.Node, name: string, arch: string): boolean {
  if (L.target.arch === arch) return true;
  L.d.error(e, `${name} is an ${arch} intrinsic and the target is ${L.target.name}; put it under \`if (target.${arch})\``);
  return false;
}

