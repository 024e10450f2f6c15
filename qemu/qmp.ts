// A small QMP (QEMU Machine Protocol) client over a unix socket: connect (retrying until
// QEMU has created the socket), negotiate capabilities, run commands, take screenshots
// with `screendump` (PPM) and quit. Used by the framebuffer-console screen test
// (tests/fbcon/screen.test.ts) to read what the kernel drew on the GOP framebuffer.
//
// Start QEMU with qmpArgs(socketPath) (e.g. through QemuOptions.extraArgs); QEMU then
// listens on the socket without waiting for a client (wait=off), so the guest boots at its
// normal pace whether or not anyone connects.
//
// Protocol (QEMU docs/interop/qmp-spec): JSON objects, one per line. The server greets with
// {"QMP": {...}}; the client must send {"execute": "qmp_capabilities"} before anything else;
// each command gets {"return": ...} or {"error": {"class", "desc"}} carrying the command's
// "id"; {"event": ...} messages may arrive at any time and are collected in `events`.
import * as net from 'net';

export class QmpError extends Error {
  constructor(message: string, readonly errorClass?: string) {
    super(message);
    this.name = 'QmpError';
  }
}

/** QEMU arguments that create a QMP server on `socketPath`. */
export function qmpArgs(socketPath: string): string[] {
  return ['-qmp', `unix:${socketPath.replace(/,/g, ',,')},server=on,wait=off`];
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  command: string;
}

export interface QmpEvent {
  event: string;
  data?: unknown;
  timestamp?: { seconds: number; microseconds: number };
}

export class QmpClient {
  readonly events: QmpEvent[] = [];
  /** The greeting's QEMU version, e.g. "7.2.x". */
  version = '';
  private buf = '';
  private nextId = 1;
  private pending = new Map<string, Pending>();
  private closed = false;
  private closeReason = 'the QMP connection closed';
  private greeting?: (v: unknown) => void;

  private constructor(private readonly sock: net.Socket, private readonly socketPath: string) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.onData(d));
    sock.on('error', (e) => this.shutdown(`QMP socket ${socketPath}: ${e.message}`));
    sock.on('close', () => this.shutdown('QEMU closed the QMP connection (did it exit?)'));
  }

  /**
   * Connects to QEMU's QMP socket, retrying while it does not exist yet, then negotiates
   * capabilities. Rejects after `timeoutMs` with what was tried.
   */
  static async connect(socketPath: string, opts: { timeoutMs?: number } = {}): Promise<QmpClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    for (;;) {
      try {
        const sock = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection(socketPath);
          s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
          s.once('error', reject);
        });
        const c = new QmpClient(sock, socketPath);
        try {
          await c.handshake(Math.max(1000, deadline - Date.now()));
        } catch (e) {
          c.close();
          throw e;
        }
        return c;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        lastError = (e as Error).message;
        // The socket appears a moment after QEMU starts; anything else is a real error.
        if ((code === 'ENOENT' || code === 'ECONNREFUSED') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        throw new QmpError(`cannot connect to QEMU's QMP socket ${socketPath} within ${timeoutMs} ms: ${lastError}`);
      }
    }
  }

  private async handshake(timeoutMs: number): Promise<void> {
    const greeting = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new QmpError(`no QMP greeting on ${this.socketPath} within ${timeoutMs} ms`)), timeoutMs);
      this.greeting = (v) => { clearTimeout(timer); resolve(v); };
      if (this.closed) { clearTimeout(timer); reject(new QmpError(this.closeReason)); }
    });
    const q = (greeting as { QMP?: { version?: { qemu?: { major: number; minor: number; micro: number } } } }).QMP;
    const v = q?.version?.qemu;
    if (v) this.version = `${v.major}.${v.minor}.${v.micro}`;
    await this.execute('qmp_capabilities');
  }

  private onData(d: string): void {
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line);
      } catch {
        this.shutdown(`QMP sent a line that is not JSON: ${line.slice(0, 200)}`);
        return;
      }
      if ('QMP' in msg) {
        this.greeting?.(msg);
        this.greeting = undefined;
      } else if ('event' in msg) {
        this.events.push(msg as unknown as QmpEvent);
      } else if ('return' in msg || 'error' in msg) {
        const id = String(msg.id ?? '');
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        clearTimeout(p.timer);
        if ('error' in msg) {
          const err = msg.error as { class?: string; desc?: string };
          p.reject(new QmpError(`QMP ${p.command} failed: ${err.desc ?? 'unknown error'}${err.class ? ` (${err.class})` : ''}`, err.class));
        } else {
          p.resolve(msg.return);
        }
      }
    }
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new QmpError(`QMP ${p.command}: ${reason}`));
    }
    this.pending.clear();
    this.sock.destroy();
  }

  /** Runs a QMP command and returns its "return" value. */
  execute(command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
    if (this.closed) return Promise.reject(new QmpError(`QMP ${command}: ${this.closeReason}`));
    const id = `tsboot-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpError(`QMP ${command}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, command });
      this.sock.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id }) + '\n');
    });
  }

  /**
   * Writes the current screen of the primary display to `file` as a binary PPM (P6). QEMU
   * answers after the file is written. Needs a display device (x86_64: the default VGA;
   * aarch64 virt: e.g. `-device ramfb`); works with `-display none`.
   */
  async screendump(file: string): Promise<void> {
    await this.execute('screendump', { filename: file });
  }

  /** Stops the guest's CPUs (the screen stays as it is). */
  async stop(): Promise<void> {
    await this.execute('stop');
  }

  /** Asks QEMU to exit; resolves once it has answered or closed the connection. */
  async quit(): Promise<void> {
    try {
      await this.execute('quit');
    } catch (e) {
      // QEMU may close the socket before its answer arrives; that is a successful quit.
      if (!/closed|exit/.test((e as Error).message)) throw e;
    }
  }

  close(): void {
    this.shutdown('closed by the client');
  }
}
