// What the self-extracting loader's stub (main.ts) hands on to the loader it unpacked, as
// that loader's LoadOptions (the loader takes no options of its own).

/**
 * So that the loader's clock starts at the stub's entry and its time report shows the
 * unpacking: `[loader] time: unpack <n> us, load <n> us, console ...` (loader/clock.ts).
 */
export interface UnpackRecord extends Struct {
  /** UNPACK_MAGIC. */
  magic: u64;
  /** Time stamp counter at the stub's entry and after decoding. */
  entryTicks: u64;
  decodedTicks: u64;
}

/** "tsbunpk1", little-endian. */
export const UNPACK_MAGIC: u64 = 0x316B_706E_7562_7374;

/** The record the stub left in a loaded image's LoadOptions, or null when it was not
 *  started by the stub (the firmware, or `tsboot run` of the loader itself). */
export function unpackRecord(options: Ptr<void>, size: u32): Ptr<UnpackRecord> {
  if (options == null || size != u32(sizeof<UnpackRecord>())) return null;
  const r: Ptr<UnpackRecord> = cast<UnpackRecord>(options);
  return r.magic == UNPACK_MAGIC ? r : null;
}

