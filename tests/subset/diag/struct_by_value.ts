// Rejected: struct parameters and results by value. Pass Ptr<T>.
interface Hdr extends Struct { a: u64; b: u32 }
function size(h: Hdr): u64 { return h.a; }
function make(): Hdr { return zeroed<Hdr>(); }
export function main(): i32 {
  return 0;
}
