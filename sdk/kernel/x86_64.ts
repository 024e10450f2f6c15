// x86_64 half of the kernel runtime (sdk/kernel/platform.ts): COM1 as the console, QEMU's
// isa-debug-exit device as the way out, hlt. Every function is called only from
// `target.x86_64` branches.

import { COM1, ns16550Init, com1Putc } from "../../common/uart/ns16550";

/** QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04):
 *  writing V makes QEMU exit with status (V << 1) | 1. */
const DEBUG_EXIT_PORT: u16 = 0xF4;
const EXIT_PASS: u8 = 0x10; // QEMU exit status 33
const EXIT_FAIL: u8 = 0x11; // QEMU exit status 35

/** COM1 at 115200 8N1, and the std console's sink on it. The loader logged to the same
 *  port (BootInfo.uartBase); PCs and QEMU put it at 0x3F8. */
export function x64ConsoleInit(): void {
  ns16550Init(COM1);
  setConsoleSink(com1Putc);
}

export function x64PowerOff(pass: bool): never {
  outb(DEBUG_EXIT_PORT, pass ? EXIT_PASS : EXIT_FAIL);
  // Without the device (a real machine) there is nothing to exit to: stop here quietly.
  x64Halt();
}

/** Stops this CPU for good (interrupts off; an NMI wakes it only into hlt again). */
export function x64Halt(): never {
  while (true) {
    cli();
    hlt();
  }
}
