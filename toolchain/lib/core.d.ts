// The minimal ECMAScript globals that the TypeScript checker needs when the subset is
// checked with `noLib`. They exist only so that editors and `tsc --noEmit` work; the
// subset has no run-time JavaScript objects, so nothing here has a body.
interface Array<T> {
  length: number;
  [n: number]: T;
  // for…of, `.ptr`, `.sub()` and `.entries()` over Arr<T, N> and Slice<T> (docs/language.md);
  // the iterator also lets tsc accept array destructuring (`const [lo, hi] = pair()`).
  [Symbol.iterator](): IterableIterator<T>;
  readonly ptr: Ptr<T>;
  sub(start: usize, end: usize): Slice<T>;
  entries(): Array<[usize, T]>;
}
interface IteratorResult<T> { done?: boolean; value: T }
interface Iterator<T> { next(): IteratorResult<T> }
interface IterableIterator<T> extends Iterator<T> { [Symbol.iterator](): IterableIterator<T> }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
// Only on literals, folded at compile time: "lit".length (UTF-8 bytes), "A".charCodeAt(0).
interface String { readonly length: number; charCodeAt(index: number): number }
interface Symbol {}
interface SymbolConstructor { readonly iterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface TemplateStringsArray extends ReadonlyArray<string> {}
