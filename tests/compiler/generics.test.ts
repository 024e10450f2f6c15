// Monomorphisation: one instance per distinct list of type arguments, under a readable
// symbol (`min<u32>` is `min$u32`), however often and from wherever it is called; a
// generic function that is never called emits nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compileSubset, compilerBuilt, describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const work = makeTempDir('generics');

function ir(src: string): string {
  const file = path.join(work, 'g.ts');
  fs.writeFileSync(file, src);
  const out = path.join(work, 'g.ll');
  const r = compileSubset(file, { target: 'x86_64-linux', opt: 'O0', out, emit: 'll' });
  assert.is(r.status, 0, describe(r));
  return fs.readFileSync(out, 'utf8');
}

const defines = (ll: string, name: string) => ll.split('\n').filter((l) => l.startsWith('define') && l.includes(name));

test('one instance per type-argument list, named readably', () => {
  assert.ok(compilerBuilt(), 'the compiler is not built');
  const ll = ir(`
function twice<T extends number>(x: T): T { return (x + x) as T; }
function unused<T>(x: T): T { return x; }
function viaGeneric<T extends number>(x: T): T { return min(x, twice(x)); }
export function main(): i32 {
  const a: u32 = 3;
  const b: u64 = 4;
  const s: u32 = min(a, 9) + min<u32>(a, a) + viaGeneric(a) + twice(a);
  const t: u64 = min(b, 1) + twice(b);
  return i32(s + u32(t));
}
`);
  assert.is(defines(ll, '"std/math.min$u32"(').length, 1, 'min<u32> once');
  assert.is(defines(ll, '"std/math.min$u64"(').length, 1, 'min<u64> once');
  assert.is(defines(ll, '@g.twice$u32(').length, 1);
  assert.is(defines(ll, '@g.twice$u64(').length, 1);
  assert.is(defines(ll, '@g.viaGeneric$u32(').length, 1);
  assert.is(defines(ll, 'unused').length, 0, 'an uncalled generic emits nothing');
  assert.ok(/define internal i32 @g\.twice\$u32\(i32 %p0\)/.test(ll), 'the instance has the machine types of u32');
});

test('instances of a generic struct are laid out per type argument', () => {
  const ll = ir(`
interface Pair<T> extends Struct { a: T; b: T }
function sum<T extends number>(p: Ptr<Pair<T>>): T { return (p.a + p.b) as T; }
export function main(): i32 {
  let x: Pair<u8> = { a: 1, b: 2 };
  let y: Pair<u64> = { a: 3, b: 4 };
  let z: Pair<u8> = x;
  swap(addressOf(x), addressOf(z));
  return i32(u64(sum(addressOf(x))) + sum(addressOf(y)) + sizeof<Pair<u8>>() + sizeof<Pair<u64>>());
}
`);
  // T is inferred through Ptr<Pair<T>>: u8 and u64.
  assert.ok(/define internal i8 @g\.sum\$u8\(ptr %p0\)/.test(ll));
  assert.ok(/define internal i64 @g\.sum\$u64\(ptr %p0\)/.test(ll));
  assert.is(defines(ll, '@"std/math.swap$Pair<u8>"(').length, 1, 'a struct instance as a type argument');
});

test.after(() => removeDir(work));
test.run();
