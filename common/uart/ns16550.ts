// 16550-compatible UART on x86 I/O ports (COM1 = 0x3F8 on PCs and QEMU), polled transmit.
// x86_64 only: every function body sits in a `target.x86_64` branch so this module can be
// imported by shared code that is also compiled for aarch64.

export const COM1: u16 = 0x3F8;

export const REG_DATA: u16 = 0;      // THR/RBR; DLL when DLAB=1
export const REG_IER: u16 = 1;       // interrupt enable; DLM when DLAB=1
export const REG_FCR: u16 = 2;       // FIFO control
export const REG_LCR: u16 = 3;       // line control
export const REG_MCR: u16 = 4;       // modem control
export const REG_LSR: u16 = 5;       // line status
export const LSR_THRE: u8 = 0x20;    // transmit holding register empty

/** Bound on the busy-wait for THRE so a missing UART cannot hang the caller forever. */
const TX_SPIN_LIMIT: u32 = 1_000_000;

/** 115200 baud, 8N1, FIFOs on, interrupts off (we only poll). */
export function ns16550Init(port: u16): void {
  if (target.x86_64) {
    outb(port + REG_IER, 0x00);
    outb(port + REG_LCR, 0x80);      // DLAB=1: the next two registers are the divisor
    outb(port + REG_DATA, 0x01);     // divisor 1 = 115200 baud
    outb(port + REG_IER, 0x00);
    outb(port + REG_LCR, 0x03);      // DLAB=0, 8 data bits, no parity, 1 stop bit
    outb(port + REG_FCR, 0xC7);      // enable + clear FIFOs, 14-byte threshold
    outb(port + REG_MCR, 0x03);      // DTR + RTS
  }
}

/** Writes one byte, waiting (bounded) for the transmitter. */
export function ns16550Putc(port: u16, c: u8): void {
  if (target.x86_64) {
    let spins: u32 = 0;
    while ((inb(port + REG_LSR) & LSR_THRE) == 0 && spins < TX_SPIN_LIMIT) {
      pause();
      spins++;
    }
    outb(port + REG_DATA, c);
  }
}

/** COM1 with "\n" sent as "\r\n" (terminals), usable as a console sink. */
export function com1Putc(c: u8): void {
  if (c == 0x0A) ns16550Putc(COM1, 0x0D);
  ns16550Putc(COM1, c);
}
