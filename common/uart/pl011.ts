// Arm PrimeCell PL011 UART (QEMU virt: 0x0900_0000), polled transmit. Used by the aarch64
// loader (at its physical address, which the firmware maps as device memory) and the
// aarch64 kernel (at a kernel VA it maps as Device-nGnRnE). Registers are 32-bit MMIO and
// must be accessed with aligned 32-bit volatile loads and stores.
//
// The firmware already programmed the line (baud rate, 8N1), so nothing here changes it:
// reprogramming a UART the firmware is also writing to garbles both.

export const PL011_VIRT_BASE: u64 = 0x0900_0000;

export const UARTDR: u64 = 0x00;     // data
export const UARTFR: u64 = 0x18;     // flags
export const UARTCR: u64 = 0x30;     // control
export const FR_TXFF: u32 = 1 << 5;  // transmit FIFO full
export const CR_UARTEN: u32 = 1 << 0;
export const CR_TXE: u32 = 1 << 8;

/** Bound on the busy-wait for FIFO space so a missing UART cannot hang the caller forever. */
const TX_SPIN_LIMIT: u32 = 1_000_000;

/** Makes sure the UART and its transmitter are enabled (leaves the line settings alone). */
export function pl011Init(base: u64): void {
  let cr: u32 = loadVolatile<u32>(base + UARTCR);
  let want: u32 = cr | CR_UARTEN | CR_TXE;
  if (want != cr) storeVolatile<u32>(base + UARTCR, want);
}

/** Writes one byte, waiting (bounded) for room in the transmit FIFO. */
export function pl011Putc(base: u64, c: u8): void {
  let spins: u32 = 0;
  while ((loadVolatile<u32>(base + UARTFR) & FR_TXFF) != 0 && spins < TX_SPIN_LIMIT) spins++;
  storeVolatile<u32>(base + UARTDR, u32(c));
}
