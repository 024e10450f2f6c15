// A kernel for booting the memory manager alone in QEMU (tests/mm/boot.ts builds it with
// the real loader): mmInit, the self-test, reclaim of loader memory, the self-test again,
// then `[kernel] PASS` or `[kernel] FAIL: ...`. This is the call sequence docs/memory.md
// gives for kernel-stub/main.ts.

import { type BootInfo } from "../../../common/bootinfo";
import { archConsoleInit, archExit, archName } from "../../../kernel-stub/arch/index";
import { mmInit, mmReclaimLoader } from "../../../kernel-stub/mm/kmem";
import { mmSelfTest } from "../../../kernel-stub/mm/selftest";

export function main(bi: Ptr<BootInfo>): never {
  archConsoleInit(bi);
  print("[kernel] mm boot test (");
  print(archName());
  println(")");
  if (!mmInit(bi)) {
    println("[kernel] FAIL: mmInit");
    archExit(false);
  }
  if (!mmSelfTest()) {
    println("[kernel] FAIL: memory self-test before reclaim");
    archExit(false);
  }
  // From here on `bi` must not be read: its memory goes back to the frame allocator.
  if (!mmReclaimLoader()) {
    println("[kernel] FAIL: mmReclaimLoader");
    archExit(false);
  }
  if (!mmSelfTest()) {
    println("[kernel] FAIL: memory self-test after reclaim");
    archExit(false);
  }
  println("[kernel] PASS");
  archExit(true);
}
