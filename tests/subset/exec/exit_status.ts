// @exit 42
// exit(status) ends the process from anywhere; main's result is the exit status otherwise.
function finish(code: i32): never {
  print("finishing\n");
  exit(code);
}
export function main(): i32 {
  finish(42);
}
