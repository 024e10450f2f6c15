// Warned: a JSDoc tag that is nearly a tsboot tag is most likely a typo.
/** @nolnline */
function slow(x: u32): u32 { return x + 1; }
/** @symbl my_entry */
export function entry(): u32 { return slow(1); }
export function main(): i32 { return i32(entry()); }
