// panic, assert and division by zero all end here, with the source position.

/** @symbol tsboot_halt */
declare function halt(): never;

let hook: (msg: Fmt, file: cstr, line: u32) => void = null;
let panicking: bool = false;

export function setPanicHook(h: (msg: Fmt, file: cstr, line: u32) => void): void {
  hook = h;
}

export function panicAt(msg: Fmt, file: cstr, line: u32): never {
  println(`panic at ${file}:${line}: ${msg}`);
  // A panic inside the hook must not recurse forever.
  if (hook != null && !panicking) {
    panicking = true;
    hook(msg, file, line);
  }
  halt();
}
