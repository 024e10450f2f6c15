// The kernel's console: `[kernel] ` lines (klog), and one console for several CPUs where
// every line goes out whole. The kernel prints a line with one or more print calls (the
// std console sends each byte to the sink chain: screen, then serial), so a lock per call
// would still interleave lines; instead the first byte of a line makes the calling CPU the
// console's owner and its newline gives the console back.
//
// Rules that follow: a CPU must not wait for another CPU in the middle of a line (the
// other could not print); and a CPU that stops in the middle of a line (a fault, a dead
// CPU, a vCPU the host does not run for a while) must not silence the others forever, so
// a waiter that sees no byte written by anyone for LOG_WAIT_MS takes the console anyway
// and says so at the start of its line.
//
// The owner word is the lock. Taking, giving back and taking over are each one
// compare-exchange on it, so exactly one CPU wins a takeover, and a newline only gives the
// console back if the writing CPU still owns it: the CPU it was taken from may wake up and
// finish its line, but can neither release the taker's line nor the console twice. (With
// a lock beside an owner field, two late waiters could both take over, or the old owner's
// newline could release the lock the taker then released again.)

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
  /** The CPU whose line is being written, or NOBODY: the line lock itself. */
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
    if (atomicLoad(addressOf(this.owner), "acquire") != me) this.take(me);
    this.next(c);
    atomicFetchAdd(addressOf(this.progress), 1, "relaxed");
    // Given back only while still ours (see the head of this file).
    if (c == 0x0A) atomicCompareExchange(addressOf(this.owner), me, NOBODY, "release", "relaxed");
  }

  private take(me: u32): void {
    let t0: u64 = this.now();
    let seen: u64 = atomicLoad(addressOf(this.progress), "relaxed");
    let tries: u64 = 0;
    let waitingFor: u32 = NOBODY;
    for (;;) {
      let holder: u32 = atomicLoad(addressOf(this.owner), "relaxed");
      if (holder == NOBODY) {
        if (atomicCompareExchange(addressOf(this.owner), NOBODY, me, "acquire", "relaxed") == NOBODY) return;
        continue;
      }
      spinWaitHint();
      // Waiting behind other CPUs' lines is fine (a line takes long on a slow screen); only
      // a writer that stops writing for LOG_WAIT_MS counts as stuck, and each new holder
      // gets the full wait.
      let p: u64 = atomicLoad(addressOf(this.progress), "relaxed");
      if (p != seen || holder != waitingFor) {
        seen = p;
        waitingFor = holder;
        t0 = this.now();
        tries = 0;
        continue;
      }
      tries++;
      let late: bool = this.ticksPerMs != 0 ? this.now() - t0 > LOG_WAIT_MS * this.ticksPerMs : tries > 100_000_000;
      // Of several late waiters, the one whose exchange replaces the stuck holder wins;
      // the others find a new holder and wait for its line.
      if (late && atomicCompareExchange(addressOf(this.owner), holder, me, "acquire", "relaxed") == holder) {
        this.next(0x0A);
        let s: Ptr<u8> = cast<u8>("[console taken from a CPU stuck in mid-line] ");
        for (let i: u64 = 0; s[i] != 0; i++) this.next(s[i]);
        return;
      }
    }
  }
}

/** The kernel's console (attached by main once the CPU records exist). */
export let sharedConsole = new SharedConsole();

function klogSink(c: u8): void {
  sharedConsole.put(cpuIndex(), c);
}
