// A bounds-checked little-endian reader over a file's bytes, shared by the ELF and PE
// readers. Every read names what it reads, so a truncated file gets a message saying which
// structure runs past the end; the format's own error class is used for it.

export class ByteReader {
  readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    /** "ELF" or "PE", for messages. */
    private readonly format: string,
    private readonly makeError: (message: string) => Error,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Throws the format's error when [off, off + len) is not inside the file. */
  need(off: number, len: number, what: string): void {
    if (off < 0 || off + len > this.buf.length) {
      throw this.makeError(`truncated ${this.format} file: ${what} at offset 0x${off.toString(16)} (+${len} bytes) is beyond the end of the file (${this.buf.length} bytes)`);
    }
  }

  u8(off: number, what: string): number {
    this.need(off, 1, what);
    return this.buf[off];
  }

  u16(off: number, what: string): number {
    this.need(off, 2, what);
    return this.view.getUint16(off, true);
  }

  u32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getUint32(off, true);
  }

  u64(off: number, what: string): bigint {
    this.need(off, 8, what);
    return this.view.getBigUint64(off, true);
  }
}
