/*
 * The smallest useful EFI application for aarch64 (QEMU virt): prints one line on the
 * PL011 UART at 0x09000000 and powers off with PSCI SYSTEM_OFF through HVC (virt without
 * EL3 has its PSCI conduit at the hypervisor call). QEMU then exits 0. Used to measure the
 * firmware floor (QEMU launch to the first line an application can print).
 */
typedef unsigned long long u64;

#define PL011_BASE 0x09000000UL
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)
#define PSCI_SYSTEM_OFF 0x84000008UL

/* AAVMF maps the UART as device memory for its own console; wait while the FIFO is full. */
static void put(char c) {
  volatile unsigned int *fr = (volatile unsigned int *)(PL011_BASE + PL011_FR);
  volatile unsigned int *dr = (volatile unsigned int *)(PL011_BASE + PL011_DR);
  while (*fr & PL011_FR_TXFF) {
  }
  *dr = (unsigned char)c;
}

u64 efi_main(void *image, void *system_table) {
  (void)image;
  (void)system_table;
  for (const char *s = "[floor] trivial EFI application aarch64\r\n"; *s; s++) put(*s);
  register u64 x0 __asm__("x0") = PSCI_SYSTEM_OFF;
  __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
  for (;;) __asm__ volatile("wfi");
}
