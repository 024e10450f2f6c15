// Generic integer helpers: one instance per integer type used (check/generics.ts).

export function min<T extends number>(a: T, b: T): T {
  return a < b ? a : b;
}

export function max<T extends number>(a: T, b: T): T {
  return a > b ? a : b;
}

/**
 * x rounded up to a multiple of `align`, a power of two. A constant alignment that is not
 * one is a compile-time error at the call; a computed one panics here.
 */
export function alignUp<T extends number>(x: T, align: T): T {
  if (align <= 0 || (align & (align - 1)) != 0) panic("alignUp: the alignment is not a power of two");
  return ((x + (align - 1)) & ~(align - 1)) as T;
}

/** x rounded down to a multiple of `align`, a power of two (as alignUp). */
export function alignDown<T extends number>(x: T, align: T): T {
  if (align <= 0 || (align & (align - 1)) != 0) panic("alignDown: the alignment is not a power of two");
  return (x & ~(align - 1)) as T;
}

/** Exchanges the values at two places of any type. */
export function swap<T>(a: Ptr<T>, b: Ptr<T>): void {
  const t: T = a[0];
  a[0] = b[0];
  b[0] = t;
}
