// The freestanding runtime for *-elf kernels: no console of its own (the kernel sets a
// sink), and halting stops the CPU with interrupts masked.

/** @symbol tsboot_halt */
export function halt(): never {
  while (true) {
    if (target.x86_64) { cli(); hlt(); }
    if (target.aarch64) { asm("msr daifset, #0xf", "~{memory}"); wfi(); }
  }
}
