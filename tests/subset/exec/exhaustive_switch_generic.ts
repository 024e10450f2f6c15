// @exit 101
// Whether a switch that lists every member is taken as exhaustive is decided per instance
// of a generic function: in pick<u8> the end is reached through `if (sizeof ...)` without
// relying on the switch, so a value that is no member goes on to it; in pick<u32> the
// switch alone ends the function, so the same value panics there.
enum Color { Red, Green }

function pick<T extends number>(c: Color): u32 {
  switch (c) {
    case Color.Red: return 1;
    case Color.Green: return 2;
  }
  if (sizeof<T>() == 1) return 9;
}

export function main(): i32 {
  const raw: u32 = 7;
  printU(pick<u8>(Color.Green)); print(" "); printU(pick<u32>(Color.Red)); print(" ");
  printU(pick<u8>(raw as Color)); print("\n");
  printU(pick<u32>(raw as Color)); print("\n");
  return 0;
}
