// Architecture-neutral mapping attributes, shared by the loader and the kernel.
// The engine translates them into x86_64 or VMSAv8-64 descriptor bits (see x86_64.ts,
// aarch64.ts and docs/paging.md for the exact encodings).

export const enum Attr {
  Read = 1,            // required on every mapping: both architectures always allow reads
  Write = 2,
  Exec = 4,
  User = 8,            // accessible from ring 3 / EL0
  Global = 16,         // survives an address-space switch (x86 G, aarch64 nG clear)
  Device = 32,         // strongly ordered MMIO (x86 UC, aarch64 Device-nGnRnE); never executable
  Uncached = 64,       // normal memory, not cached (x86 UC-, aarch64 Normal non-cacheable)
  WriteCombining = 128, // framebuffers (x86 PAT entry 4 = WC, aarch64 Normal non-cacheable)
}

/** Every bit the engine understands; any other bit makes a call fail with PT_EINVAL. */
export const ATTR_ALL = 255;
/** The memory-type bits: at most one of them may be set. */
export const ATTR_MEMTYPE = 224;
