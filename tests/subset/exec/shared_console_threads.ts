// The kernel's shared console (kernel-stub/klog.ts) under real parallelism: Linux threads
// (raw clone; natively on x86_64, under qemu-aarch64, whose threads run in parallel too)
// write lines through one SharedConsole while another thread stops in the middle of its
// line, as a CPU that faults or a vCPU the host does not run would. The writers wait for
// the console together and so become late together: exactly one may take the console
// over, and neither the takeover nor the stuck thread's later newline may give it back
// twice (which the std SpinLock under the old console reported as a panic).
//
// Each thread writes with characters of its own, so the output can be checked byte by
// byte: every line comes from one thread, a line is cut short only where a takeover
// marker follows, and each thread's text arrives complete and in order.

import { SharedConsole } from "../../../kernel-stub/klog";
import { clockMs, spawnThread } from "../lib/linux";

const WRITERS: u32 = 3;
const LINES: u32 = 200;
/** Characters per line, before the newline. */
const WIDTH: u32 = 12;
const STACK: u64 = 16384;
const OUT_MAX: u64 = 65536;
const MARKER: cstr = "[console taken from a CPU stuck in mid-line] ";

let shared = new SharedConsole();
let out: Arr<u8, 65536>;
let outLen: u64 = 0;
let stalled: u32 = 0;
let released: u32 = 0;
let finished: u32 = 0;
let stacks: Arr<u64, 10240>; // (WRITERS + 1) * STACK bytes, 8-byte aligned

function collect(c: u8): void {
  const i: u64 = atomicFetchAdd(addressOf(outLen), 1, "relaxed");
  if (i < OUT_MAX) out[i] = c;
}

/** Thread `w`'s character for digit `d`: the staller (0) writes digits, the others letters. */
function glyph(w: u32, d: u32): u8 {
  if (w == 0) return u8(0x30 + d);
  if (w == 1) return u8(0x61 + d); // a..j
  if (w == 2) return u8(0x6B + d); // k..t
  return u8(0x41 + d); // A..J
}

/** Which thread writes `c`, or WRITERS + 1 for a byte none of them writes. */
function writerOf(c: u8): u32 {
  if (c >= 0x30 && c <= 0x39) return 0;
  if (c >= 0x61 && c <= 0x6A) return 1;
  if (c >= 0x6B && c <= 0x74) return 2;
  if (c >= 0x41 && c <= 0x4A) return 3;
  return WRITERS + 1;
}

/** Character j of thread w's line k: the line number's three digits, repeated. */
function lineChar(w: u32, k: u32, j: u32): u8 {
  const pos: u32 = j % 3;
  const d: u32 = pos == 0 ? k / 100 % 10 : pos == 1 ? k / 10 % 10 : k % 10;
  return glyph(w, d);
}

function writer(arg: u64): void {
  const w: u32 = u32(arg);
  while (atomicLoad(addressOf(stalled), "acquire") == 0) spinWaitHint();
  for (let k: u32 = 0; k < LINES; k++) {
    for (let j: u32 = 0; j < WIDTH; j++) shared.put(w, lineChar(w, k, j));
    shared.put(w, 0x0A);
  }
  atomicFetchAdd(addressOf(finished), 1, "release");
}

/** Writes half a line, stops until the writers are done, then finishes it. */
function staller(arg: u64): void {
  for (let j: u32 = 0; j < WIDTH / 2; j++) shared.put(0, lineChar(0, 0, j));
  atomicStore(addressOf(stalled), 1, "release");
  while (atomicLoad(addressOf(released), "acquire") == 0) spinWaitHint();
  for (let j: u32 = WIDTH / 2; j < WIDTH; j++) shared.put(0, lineChar(0, 0, j));
  shared.put(0, 0x0A);
  atomicFetchAdd(addressOf(finished), 1, "release");
}

/** Whether the output at `at` starts with the takeover marker. */
function markerAt(at: u64, end: u64): bool {
  const m: Ptr<u8> = cast<u8>(MARKER);
  for (let i: u64 = 0; m[i] != 0; i++) {
    if (at + i >= end || out[at + i] != m[i]) return false;
  }
  return true;
}

/** Checks the output as the head of this file says; prints what is wrong and returns false. */
function check(end: u64): bool {
  // Per thread: lines completed, and characters of the current line received so far.
  let done: Arr<u32, 4>;
  let pending: Arr<u32, 4>;
  let takeovers: u32 = 0;
  let at: u64 = 0;
  while (at < end) {
    if (markerAt(at, end)) {
      takeovers++;
      at += "[console taken from a CPU stuck in mid-line] ".length;
    }
    let eol: u64 = at;
    while (eol < end && out[eol] != 0x0A) eol++;
    if (eol == end) { println(`no newline after byte ${at}`); return false; }
    if (eol == at) { println(`an empty line at byte ${at}`); return false; }
    const w: u32 = writerOf(out[at]);
    if (w > WRITERS) { println(`byte ${out[at]} at ${at} is nobody's`); return false; }
    for (let i: u64 = at; i < eol; i++) {
      if (writerOf(out[i]) != w) { println(`a line mixes two threads at byte ${i}`); return false; }
      const want: u8 = lineChar(w, done[w], pending[w]);
      if (out[i] != want) { println(`thread ${w}: line ${done[w]} has a wrong or lost byte at ${i}`); return false; }
      pending[w]++;
      if (pending[w] > WIDTH) { println(`thread ${w}: line ${done[w]} is too long`); return false; }
    }
    at = eol + 1;
    // A line ends with its thread's own newline, unless a takeover cut it short: then
    // the marker follows at once and the thread's text goes on in a later line.
    if (markerAt(at, end)) continue;
    if (pending[w] != WIDTH) { println(`thread ${w}: line ${done[w]} cut short without a takeover`); return false; }
    done[w]++;
    pending[w] = 0;
  }
  for (let w: u32 = 0; w <= WRITERS; w++) {
    const want: u32 = w == 0 ? 1 : LINES;
    if (done[w] != want || pending[w] != 0) { println(`thread ${w}: ${done[w]} of ${want} lines`); return false; }
  }
  if (takeovers == 0) { println("the stalled line was never taken over"); return false; }
  return true;
}

export function main(): i32 {
  setConsoleSink(collect);
  shared.attach(clockMs, 1000);
  // The threads call put themselves; this thread's own prints bypass the shared console.
  setConsoleSink(null);
  const base: u64 = (addr(addressOf(stacks)) + 15) & ~u64(15);
  for (let t: u32 = 0; t <= WRITERS; t++) {
    const r: i64 = spawnThread(t == 0 ? staller : writer, u64(t), base + (u64(t) + 1) * STACK - 16);
    if (r <= 0) { println("clone failed"); return 1; }
  }
  while (atomicLoad(addressOf(finished), "acquire") != WRITERS) spinWaitHint();
  atomicStore(addressOf(released), 1, "release");
  while (atomicLoad(addressOf(finished), "acquire") != WRITERS + 1) spinWaitHint();
  const end: u64 = atomicLoad(addressOf(outLen), "acquire");
  if (end > OUT_MAX) { println("output overflow"); return 1; }
  if (!check(end)) return 1;
  println(`${WRITERS} threads x ${LINES} lines and a stalled line: every line from one thread, each cut only by a takeover, nothing lost`);
  return 0;
}
