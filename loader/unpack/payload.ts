// The payload linker/pack.ts puts in the self-extracting loader, and its unpacking: the
// LZMA stream decoded (lzma.ts), the branch filter undone (filter.ts), the result checked.
// The layout is fixed here, in linker/pack.ts and in docs/boot-protocol.md ("The
// self-extracting loader"); tests/subset/unpack runs the same unpacking as a Linux program.

import { lzmaDecode } from "./lzma";
import { archFilter, unfilter } from "./filter";

/** The payload's header, at the symbol tsboot_payload; the LZMA stream follows it. */
export interface PayloadHeader extends Struct {
  /** PAYLOAD_MAGIC: the stub was linked with a payload, not something else. */
  magic: u64;
  /** Bytes of the loader image (what the stream decodes to). */
  imageSize: u32;
  /** Bytes of the stream after this header. */
  streamSize: u32;
  /** LZMA properties: lc + 9 * (lp + 5 * pb). */
  props: u8;
  /** FILTER_X86_CALL or FILTER_A64_BL (loader/unpack/filter.ts). */
  filter: u8;
  /** The loader's .text RVA minus its file offset: where the aarch64 filter counts from. */
  pcBias: u16;
  /** payloadCheck of the image. */
  check: u32;
}

/** "tsbpack1", little-endian. */
export const PAYLOAD_MAGIC: u64 = 0x316B_6361_7062_7374;

/**
 * The check linker/pack.ts stores: two running sums over the image's u32 words, as in
 * Fletcher's checksum, folded to 32 bits. A damaged stream can still decode to something;
 * this catches it before LoadImage runs it.
 */
export function payloadCheck(p: Ptr<u32>, words: u64): u32 {
  let a: u32 = 0;
  let s: u32 = 0;
  for (let i: u64 = 0; i < words; i++) {
    a += p[i];
    s += a;
  }
  return a ^ ((s << 16) | (s >> 16));
}

/** Whether h, with `room` bytes from h on, is a payload for this machine's loader: the
 *  magic, the filter, an image of whole words, and a stream that ends inside the room (the
 *  decoder reads no further than the header says). */
export function payloadFits(h: Ptr<PayloadHeader>, room: u64): bool {
  if (room < sizeof<PayloadHeader>()) return false;
  return h.magic == PAYLOAD_MAGIC && h.filter == archFilter() && (h.imageSize & 3) == 0 &&
    u64(h.streamSize) <= room - sizeof<PayloadHeader>();
}

/** Unpacks the payload at h into dst (h.imageSize bytes): true when the stream decoded to
 *  exactly that many bytes and they pass the check. */
export function unpackPayload(h: Ptr<PayloadHeader>, dst: Ptr<u8>): bool {
  const size: u64 = u64(h.imageSize);
  const n: u64 = lzmaDecode(u32(h.props), ptrAdd(cast<u8>(h), sizeof<PayloadHeader>()), u64(h.streamSize), dst, size);
  if (n != size) return false;
  unfilter(dst, n, u64(h.pcBias));
  return payloadCheck(cast<u32>(dst), n / 4) == h.check;
}
