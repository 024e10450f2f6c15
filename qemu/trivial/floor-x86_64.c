/*
 * The smallest useful EFI application for x86_64: prints one line on COM1 by port I/O and
 * exits QEMU through isa-debug-exit. It measures the firmware floor (QEMU launch to the
 * first line an application can print) and is the harness's real-QEMU smoke test.
 * It uses no UEFI service, so nothing but the firmware's own boot path is timed.
 */
typedef unsigned long long u64;

#define COM1 0x3F8
#define LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xF4

static inline void outb(unsigned short port, unsigned char v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline unsigned char inb(unsigned short port) {
  unsigned char v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

/* OVMF already programmed the UART for its own console; wait for room and send. */
static void put(char c) {
  while ((inb(COM1 + 5) & LSR_THR_EMPTY) == 0) {
  }
  outb(COM1, (unsigned char)c);
}

u64 efi_main(void *image, void *system_table) {
  (void)image;
  (void)system_table;
  for (const char *s = "[floor] trivial EFI application x86_64\r\n"; *s; s++) put(*s);
  /* 0x10 -> QEMU exits with (0x10 << 1) | 1 = 33, the PASS convention. */
  outb(DEBUG_EXIT_PORT, 0x10);
  for (;;) __asm__ volatile("hlt");
}
