// Rejected: a function declared `never` that can return.
function stop(code: u32): never {
  if (code == 0) return;
  panic("stop");
}
export function main(): i32 {
  stop(1);
}
