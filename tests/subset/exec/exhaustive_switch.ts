// @exit 101
// A function may end with a switch that lists every member of an enum, as tsc allows; a
// value that is no member (made with `as`) panics there instead of running off the end.
enum Color { Red, Green, Blue }

function name(c: Color): cstr {
  switch (c) {
    case Color.Red: return "red";
    case Color.Green: return "green";
    case Color.Blue: return "blue";
  }
}

// Code after a switch that lists every member still runs for other values.
function code(c: Color): u32 {
  switch (c) {
    case Color.Red: return 1;
    case Color.Green: return 2;
    case Color.Blue: return 3;
  }
  return 99;
}

export function main(): i32 {
  print(name(Color.Red)); print(" "); print(name(Color.Blue)); print("\n");
  let raw: u32 = 7;
  printU(u64(code(raw as Color))); print("\n");
  print(name(raw as Color)); print("\n");
  return 0;
}
