// Undoes linker/pack.ts's branch filter: call targets were made absolute before
// compression (calls to one function then repeat byte for byte, which LZMA finds); here
// they become relative again. The choice of which words to change depends only on bytes
// the filter leaves alone, so both directions change the same ones.

export const FILTER_X86_CALL: u8 = 1;
export const FILTER_A64_BL: u8 = 2;

/** The filter linker/pack.ts applies for this architecture. */
export function archFilter(): u8 {
  if (target.x86_64) return FILTER_X86_CALL;
  return FILTER_A64_BL;
}

/** x86_64: each E8 whose displacement's top byte is 0x00 or 0xFF has its low 24 bits
 *  made relative to the end of the call again; every E8 skips its four bytes. */
function x86Calls(b: Ptr<u8>, n: u64): void {
  let i: u64 = 0;
  while (i + 5 <= n) {
    if (b[i] != 0xE8) {
      i++;
      continue;
    }
    const top: u8 = b[i + 4];
    if (top == 0x00 || top == 0xFF) {
      const low: u32 = u32(b[i + 1]) | (u32(b[i + 2]) << 8) | (u32(b[i + 3]) << 16);
      const v: u32 = low - u32(i + 5);
      b[i + 1] = u8(v);
      b[i + 2] = u8(v >> 8);
      b[i + 3] = u8(v >> 16);
    }
    i += 5;
  }
}

/** aarch64: each BL's 26-bit field holds the target's word index, each ADRP's 21-bit
 *  immhi:immlo the target's page, counting from `bias` bytes before the file's start;
 *  make them relative again. */
function a64Calls(b: Ptr<u32>, words: u64, bias: u64): void {
  const first: u64 = bias / 4;
  for (let i: u64 = 0; i < words; i++) {
    const w: u32 = b[i];
    const pc: u64 = first + i;
    if ((w >> 26) == 0x25) {
      b[i] = 0x9400_0000 | ((w - u32(pc)) & 0x03FF_FFFF);
    } else if ((w & 0x9F00_0000) == 0x9000_0000) {
      const v: u32 = (((w >> 29) & 3) | (((w >> 5) & 0x7_FFFF) << 2)) - u32(pc >> 10);
      b[i] = (w & 0x9F00_001F) | ((v & 3) << 29) | ((v & 0x1F_FFFC) << 3);
    }
  }
}

/** Undoes archFilter() over the n decoded bytes at b (4-aligned); `bias` is the
 *  payload header's. */
export function unfilter(b: Ptr<u8>, n: u64, bias: u64): void {
  if (target.x86_64) x86Calls(b, n);
  else a64Calls(cast<u32>(b), n / 4, bias);
}
