// Rejected: an intrinsic of the other architecture outside a `target` branch
// (compiled for x86_64-linux: cntvct is aarch64-only; inside `if (target.aarch64)` it is fine).
export function main(): i32 {
  let t: u64 = cntvct();
  if (target.aarch64) { let u: u64 = cntvct(); }
  return 0;
}
