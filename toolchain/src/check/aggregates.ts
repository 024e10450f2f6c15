// Struct and array values at function boundaries (docs/language.md, "Structs and arrays as
// values"). Between the program's own functions a struct or `Arr` is passed and returned
// by value (lowered as C does: the result through a hidden pointer to the caller's
// storage, a parameter as a pointer to a copy the caller made). Across a C or UEFI
// boundary the platform ABI would decide how, and UEFI passes structs only by pointer, so
// there a struct by value is rejected.
import * as ts from 'typescript';
import { FnType, isAggregate, typeName } from './types';
import { Diagnostics } from '../diagnostics';

/**
 * Reports every struct or array parameter and result of a function type that crosses a
 * foreign boundary (`Efiapi`, `declare function`, `@symbol`). `paramNodes[i]` is where
 * parameter i is written, `retNode` where the result type is.
 */
export function rejectByValue(d: Diagnostics, t: FnType, boundary: string, paramNodes: readonly ts.Node[],
  retNode: ts.Node | undefined): void {
  t.params.forEach((p, i) => {
    if (!isAggregate(p)) return;
    const name = typeName(p);
    d.error(paramNodes[i], `${name} cannot be passed by value to ${boundary} function: ${why(boundary)}; `
      + `take a Ptr<${name}>`);
  });
  if (isAggregate(t.ret) && retNode) {
    const name = typeName(t.ret);
    d.error(retNode, `${name} cannot be returned by value from ${boundary} function: ${why(boundary)}; `
      + `fill in a Ptr<${name}> parameter`);
  }
}

function why(boundary: string): string {
  return boundary === 'an Efiapi' ? 'UEFI passes structs by pointer'
    : 'the C ABI, not tsboot, decides how such values travel';
}
