// @exit 200
// main's i32 result is the process exit status.
export function main(): i32 {
  let x: i32 = 100;
  return x * 2;
}
