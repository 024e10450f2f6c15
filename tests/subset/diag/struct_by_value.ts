// Rejected: struct and array values across a foreign boundary (UEFI passes structs by
// pointer; the C ABI, not tsboot, decides how they travel to a @symbol or external function).
interface Hdr extends Struct { a: u64; b: u32 }
/** @efiapi */
function handler(h: Hdr): u64 { return h.a; }
/** @efiapi */
function make(): Hdr { return zeroed<Hdr>(); }
/** @symbol ext_fill */
declare function fill(a: Arr<u8, 4>): void;
/** @symbol exported_hdr */
export function exportedHdr(): Hdr { return zeroed<Hdr>(); }
let cb: Efiapi<(h: Hdr) => Hdr>;
type Cb = (a: Arr<u16, 2>) => void;
let cb2: Efiapi<Cb>;
export function main(): i32 {
  return 0;
}
