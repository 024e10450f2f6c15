// UEFI's BOOLEAN across an Efiapi boundary, defined (a callback given to firmware) and
// called (through a firmware function pointer). tests/compiler/efiapi-abi.test.ts compares
// the IR signatures with clang's for the twin boolean.c.
export type BoolFn = Efiapi<(flag: bool, x: u64) => bool>;

/** @efiapi @symbol efi_not */
export function efiNot(flag: bool, x: u64): bool { return !flag && x != 0; }

/** @symbol efi_call */
export function efiCall(f: BoolFn, a: u32): u32 { return f(a != 0, 1) ? 1 : 0; }
