// Rejected: && || ! and conditions on integers; arithmetic on bool.
export function main(): i32 {
  let x: u32 = 1;
  let t: bool = true;
  let y: u32 = x && 1;
  let z: bool = t + t;
  return 0;
}
