// cpio archives in the "newc" format (ASCII headers, magic 070701), the format the Linux
// kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
// Used to build the test initramfs (qemu/linux.ts). Each entry is a 110-byte header of
// eight-digit hex fields, the NUL-terminated name padded to a multiple of 4 (header
// included), then the data padded to a multiple of 4; `TRAILER!!!` ends the archive.

export interface CpioEntry {
  /** Path inside the archive, without a leading '/' (e.g. `dev/console`). */
  name: string;
  /** `file` (with data), `dir`, or `char` (a character device, rdev = major:minor). */
  kind: 'file' | 'dir' | 'char';
  /** Permission bits (e.g. 0o755). */
  perm: number;
  data?: Buffer;
  rdev?: [number, number];
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;

function hex8(v: number): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`cpio: field value ${v} does not fit 8 hex digits`);
  return v.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(name: string, mode: number, size: number, ino: number, nlink: number, rdev: [number, number]): Buffer {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  const fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const head = Buffer.from('070701' + fields.map(hex8).join(''), 'latin1');
  return Buffer.concat([head, nameBytes, Buffer.alloc(pad4(head.length + nameBytes.length))]);
}

/** The archive of `entries`, in order (parents before children), ending with the trailer. */
export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    if (e.name.startsWith('/') || e.name === '') throw new Error(`cpio: entry name ${JSON.stringify(e.name)} must be relative and non-empty`);
    const type = e.kind === 'file' ? S_IFREG : e.kind === 'dir' ? S_IFDIR : S_IFCHR;
    const data = e.kind === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(header(e.name, type | (e.perm & 0o7777), data.length, ino++, e.kind === 'dir' ? 2 : 1, e.rdev ?? [0, 0]));
    parts.push(data, Buffer.alloc(pad4(data.length)));
  }
  parts.push(header('TRAILER!!!', 0, 0, 0, 1, [0, 0]));
  return Buffer.concat(parts);
}

/** Reads a newc archive back (for tests): name, mode and data of every entry before the trailer. */
export function cpioList(buf: Buffer): { name: string; mode: number; data: Buffer; rdev: [number, number] }[] {
  const out: { name: string; mode: number; data: Buffer; rdev: [number, number] }[] = [];
  let off = 0;
  for (;;) {
    if (off + 110 > buf.length) throw new Error(`cpio: truncated header at ${off}`);
    const magic = buf.toString('latin1', off, off + 6);
    if (magic !== '070701') throw new Error(`cpio: bad magic ${JSON.stringify(magic)} at ${off}`);
    const f = (i: number) => parseInt(buf.toString('latin1', off + 6 + i * 8, off + 14 + i * 8), 16);
    const mode = f(1);
    const size = f(6);
    const nameSize = f(11);
    const name = buf.toString('utf8', off + 110, off + 110 + nameSize - 1);
    let p = off + 110 + nameSize;
    p += pad4(p);
    if (name === 'TRAILER!!!') return out;
    out.push({ name, mode, data: buf.subarray(p, p + size), rdev: [f(9), f(10)] });
    p += size;
    p += pad4(p);
    off = p;
  }
}
