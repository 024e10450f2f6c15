// Spin locks for code that runs on several CPUs at once (kernels, SMP bring-up), built on
// the atomic builtins. SpinLock is declared in toolchain/lib/std.d.ts so that every
// program can name it; zero is unlocked, so a global or a zeroed<SpinLock>() is ready.
//
// Test-and-test-and-set: a waiter reads the word (relaxed, so it stays in its own cache)
// until it looks free, and only then tries the exchange that takes it. Under contention
// this keeps the cache line shared instead of bouncing it with every attempt, and unlike a
// ticket lock it degrades gracefully when the CPU next in line is descheduled (as vCPUs of
// a loaded host are). It is not fair: a waiter can lose many times in a row.
//
// Acquire on taking the lock and release on giving it back: what the holder wrote inside
// is visible to the next holder. Interrupts are not touched; a lock taken by an interrupt
// handler must only be taken with interrupts off elsewhere.

/** A pause for spin-wait loops: `pause` on x86_64, `yield` on aarch64. */
export function spinWaitHint(): void {
  if (target.x86_64) pause();
  else asm("yield", "~{memory}");
}

export function spinLock(l: Ptr<SpinLock>): void {
  const s: Ptr<u32> = addressOf(l.state);
  while (atomicExchange(s, 1, "acquire") != 0) {
    while (atomicLoad(s, "relaxed") != 0) spinWaitHint();
  }
}

/** Takes the lock if it is free; never waits. */
export function spinTryLock(l: Ptr<SpinLock>): bool {
  const s: Ptr<u32> = addressOf(l.state);
  if (atomicLoad(s, "relaxed") != 0) return false;
  return atomicExchange(s, 1, "acquire") == 0;
}

/** Gives the lock back; unlocking a lock that is not held is a bug and panics. */
export function spinUnlock(l: Ptr<SpinLock>): void {
  if (atomicExchange(addressOf(l.state), 0, "release") == 0) panic("spinUnlock of a SpinLock that is not locked");
}

/** Whether the lock is held right now (by anyone): for assertions and reports only. */
export function spinIsLocked(l: Ptr<SpinLock>): bool {
  return atomicLoad(addressOf(l.state), "relaxed") != 0;
}
