// A child's stdout as a regular file that the parent reads back as it grows.
//
// Why not a pipe: QEMU writes its serial output one byte per write(2), non-blocking. A
// pipe (Node's child stdio is a Unix socket pair) takes only about 280 such writes before
// it refuses one with EAGAIN. QEMU's 16550 then keeps the byte and reports its transmitter
// busy until its main loop retries, and the guest's bounded waits turn that into loss:
// OVMF's serial driver gives up on a character after a 1 s timeout and its terminal driver
// drops the rest of the string, and a bare-metal driver that stops waiting for THRE
// overwrites the 16-byte FIFO (docs/firmware.md, "Serial output under load"). Whenever the
// reader was late by a few seconds (a loaded machine, a busy event loop) lines went
// missing or arrived with stray bytes. A write to a regular file never fails that way, so
// the guest never sees a busy transmitter, however late the reader gets to it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { promisify } from 'util';

const read = promisify(fs.read);

/** How often a growing file is checked for new bytes (milliseconds). */
const TAIL_INTERVAL_MS = 10;
const CHUNK = 64 * 1024;

/** The file asked for the output cannot be written (a user error, reported without a stack). */
export class OutputFileError extends Error {}

export interface OutputFile {
  /** For the child (pass in its stdio array, then close it with fs.closeSync). */
  writeFd: number;
  /** For the reader (tailFd). */
  readFd: number;
}

/**
 * Opens a file for a child's output: `keepAt` (truncated) when given, else a temporary file
 * that is unlinked at once, so nothing is left behind even when this process is killed.
 */
export function openOutputFile(keepAt?: string): OutputFile {
  if (keepAt !== undefined) {
    let writeFd: number;
    try {
      writeFd = fs.openSync(keepAt, 'w');
    } catch (e) {
      throw new OutputFileError(`cannot write ${keepAt}: ${(e as Error).message}`);
    }
    return { writeFd, readFd: fs.openSync(keepAt, 'r') };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-out-'));
  const file = path.join(dir, 'stdout');
  try {
    const writeFd = fs.openSync(file, 'w');
    return { writeFd, readFd: fs.openSync(file, 'r') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface FileTail {
  /** Every byte written to the file, in order, as it appears. */
  stream: Readable;
  /**
   * Call once the writer has exited: reads the file to its end, ends the stream and closes
   * the descriptor. Resolves after the last 'data' event when the stream is being read.
   */
  finish(): Promise<void>;
}

/** Follows the file open at `fd` from its start, polling every `intervalMs`. */
export function tailFd(fd: number, intervalMs = TAIL_INTERVAL_MS): FileTail {
  const stream = new Readable({ read() {} });
  const scratch = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let reading: Promise<void> | undefined;

  // Reads until the current end of the file. One read at a time: positions must not overlap.
  const drain = async (): Promise<void> => {
    for (;;) {
      const { bytesRead } = await read(fd, scratch, 0, CHUNK, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      stream.push(Buffer.from(scratch.subarray(0, bytesRead)));
    }
  };
  const poll = (): Promise<void> => {
    reading ??= drain()
      .catch((e: Error) => { stream.destroy(e); })
      .finally(() => { reading = undefined; });
    return reading;
  };

  // Unref'd: the child process, not this timer, keeps the event loop alive.
  const timer = setInterval(poll, intervalMs).unref();
  poll();

  let finished: Promise<void> | undefined;
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      clearInterval(timer);
      await reading;
      await poll();
      fs.closeSync(fd);
      if (stream.destroyed) return;
      const ended = stream.readableFlowing ? new Promise<void>((resolve) => stream.once('end', resolve)) : undefined;
      stream.push(null);
      await ended;
    })();
    return finished;
  };
  return { stream, finish };
}
