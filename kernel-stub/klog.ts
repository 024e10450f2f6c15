// The kernel's console: `[kernel] ` lines (klog), and one console for several CPUs where
// every line goes out whole. The kernel prints a line with one or more print calls (the
// std console sends each byte to the sink chain: screen, then serial), so a lock per call
// would still interleave lines; instead the first byte of a line takes the std SpinLock
// for the calling CPU and its newline gives it back.
//
// Rules that follow: a CPU must not wait for another CPU in the middle of a line (the
// other could not print); and a CPU that stops in the middle of a line (a fault, a dead
// CPU) must not silence the others forever, so a waiter that sees no byte written by
// anyone for LOG_WAIT_MS takes the console anyway and says so at the start of its line.

import { cpuIndex } from "./smp/cpu";

/** How long a CPU waits for another CPU's unfinished line. */
const LOG_WAIT_MS: u64 = 500;
/** No CPU holds the console. */
const NOBODY: u32 = 0xFFFF_FFFF;

/** One line of the kernel's log: `[kernel] <msg>`. */
export function klog(msg: Fmt): void {
  println(`[kernel] ${msg}`);
}

/** The line lock in front of the console sink chain. */
export class SharedConsole {
  private lock: SpinLock;
  /** The CPU whose line is being written (atomically read by the others). */
  private owner: u32 = NOBODY;
  private next: (c: u8) => void = null;
  private ticksPerMs: u64 = 0;
  private now: () => u64 = null;
  /** Bytes written so far (any CPU): a waiter's sign that the writer is not stuck. */
  private progress: u64 = 0;

  /** Puts the line lock in front of the current console sink chain. `ticks` and `hz` are
   *  the clock for the bounded wait (hz 0: wait a fixed number of tries instead). */
  attach(ticks: () => u64, hz: u64): void {
    this.next = consoleSink();
    this.now = ticks;
    this.ticksPerMs = hz / 1000;
    setConsoleSink(klogSink);
  }

  /** One byte from CPU `me`: taken whole lines at a time. */
  put(me: u32, c: u8): void {
    if (atomicLoad(addressOf(this.owner), "relaxed") != me) this.take(me);
    this.next(c);
    atomicFetchAdd(addressOf(this.progress), 1, "relaxed");
    if (c == 0x0A) {
      atomicStore(addressOf(this.owner), NOBODY, "relaxed");
      spinUnlock(addressOf(this.lock));
    }
  }

  private take(me: u32): void {
    let t0: u64 = this.now();
    let seen: u64 = atomicLoad(addressOf(this.progress), "relaxed");
    let tries: u64 = 0;
    while (!spinTryLock(addressOf(this.lock))) {
      spinWaitHint();
      // Waiting behind other CPUs' lines is fine (a line takes long on a slow screen); only
      // a writer that stops writing for LOG_WAIT_MS counts as stuck.
      let p: u64 = atomicLoad(addressOf(this.progress), "relaxed");
      if (p != seen) {
        seen = p;
        t0 = this.now();
        tries = 0;
        continue;
      }
      tries++;
      let late: bool = this.ticksPerMs != 0 ? this.now() - t0 > LOG_WAIT_MS * this.ticksPerMs : tries > 100_000_000;
      if (late) {
        // Write anyway. The lock stays set and is now ours: our newline gives it back (the
        // stuck CPU, should it go on, takes it again first).
        atomicStore(addressOf(this.owner), me, "relaxed");
        this.next(0x0A);
        let s: Ptr<u8> = cast<u8>("[console taken from a CPU stuck in mid-line] ");
        for (let i: u64 = 0; s[i] != 0; i++) this.next(s[i]);
        return;
      }
    }
    atomicStore(addressOf(this.owner), me, "relaxed");
  }
}

/** The kernel's console (attached by main once the CPU records exist). */
export let sharedConsole = new SharedConsole();

function klogSink(c: u8): void {
  sharedConsole.put(cpuIndex(), c);
}
