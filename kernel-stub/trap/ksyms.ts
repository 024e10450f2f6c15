// The kernel's function symbol table, as linker/ksyms.ts embeds it between __ksyms_start
// and __ksyms_end (linker/kernel.ld): a header, entries sorted by address, then the names.
// Used by the exception report to name the functions of a backtrace. Every read is
// bounds-checked against the table, so a damaged table gives no name rather than a fault.

const KSYMS_MAGIC: u32 = 0x534B_5354; // "TSKS"
const KSYMS_VERSION: u32 = 1;
const HEADER_BYTES: u64 = 16;
const ENTRY_BYTES: u64 = 16;

export interface KsymsHeader extends Struct { magic: u32; version: u32; count: u32; strBytes: u32 }
export interface KsymsEntry extends Struct { addr: u64; size: u32; name: u32 }

/** What ksymsLookup found: the function's name (NUL-terminated; null when no function
 *  contains the address) and the offset into it. */
export interface KsymsHit extends Struct { name: Ptr<u8>; offset: u64 }

function tableStart(): u64 {
  if (target.x86_64) return asm<u64>("leaq __ksyms_start(%rip), $0", "=r");
  return asm<u64>("adrp $0, __ksyms_start\n\tadd $0, $0, :lo12:__ksyms_start", "=r");
}

function tableEnd(): u64 {
  if (target.x86_64) return asm<u64>("leaq __ksyms_end(%rip), $0", "=r");
  return asm<u64>("adrp $0, __ksyms_end\n\tadd $0, $0, :lo12:__ksyms_end", "=r");
}

/** The table's header when it is present and consistent, else null. */
function table(): Ptr<KsymsHeader> {
  let start: u64 = tableStart();
  let bytes: u64 = tableEnd() - start;
  if (bytes < HEADER_BYTES) return null;
  let h: Ptr<KsymsHeader> = ptr<KsymsHeader>(start);
  if (h.magic != KSYMS_MAGIC || h.version != KSYMS_VERSION) return null;
  if (HEADER_BYTES + u64(h.count) * ENTRY_BYTES + u64(h.strBytes) > bytes) return null;
  return h;
}

/** Number of functions in the table (0 when the kernel has none). */
export function ksymsCount(): u32 {
  let h: Ptr<KsymsHeader> = table();
  return h == null ? 0 : h.count;
}

const NO_HIT: KsymsHit = { name: null, offset: 0 };

/**
 * The function containing `pc`: the last entry at or below it, if `pc` is inside its size
 * (or the size is unknown and `pc` is below the next entry). `name` is null when no
 * function contains it.
 */
export function ksymsLookup(pc: u64): KsymsHit {
  let h: Ptr<KsymsHeader> = table();
  if (h == null || h.count == 0) return NO_HIT;
  let entries: Ptr<KsymsEntry> = ptr<KsymsEntry>(addr(h) + HEADER_BYTES);
  // Binary search for the last entry with addr <= pc.
  let lo: u64 = 0;
  let hi: u64 = u64(h.count);
  while (hi - lo > 1) {
    let mid: u64 = lo + (hi - lo) / 2;
    if (entries[mid].addr <= pc) lo = mid; else hi = mid;
  }
  let e: Ptr<KsymsEntry> = ptrAdd(entries, lo);
  if (e.addr > pc) return NO_HIT;
  if (e.size != 0 && pc - e.addr >= u64(e.size)) return NO_HIT;
  if (e.size == 0 && lo + 1 < u64(h.count) && pc >= entries[lo + 1].addr) return NO_HIT;
  if (u64(e.name) >= u64(h.strBytes)) return NO_HIT;
  return { name: ptr<u8>(addr(h) + HEADER_BYTES + u64(h.count) * ENTRY_BYTES + u64(e.name)), offset: pc - e.addr };
}
