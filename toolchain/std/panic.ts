// panic, assert and division by zero all end here, with the source position.

/** @symbol tsboot_halt */
declare function halt(): never;

let hook: (msg: cstr, file: cstr, line: u32) => void = null;
let panicking: bool = false;

export function setPanicHook(h: (msg: cstr, file: cstr, line: u32) => void): void {
  hook = h;
}

export function panicAt(msg: cstr, file: cstr, line: u32): never {
  print("panic at ");
  print(file);
  printChar(58);
  printU(u64(line));
  print(": ");
  print(msg);
  printChar(10);
  // A panic inside the hook must not recurse forever.
  if (hook != null && !panicking) {
    panicking = true;
    hook(msg, file, line);
  }
  halt();
}
