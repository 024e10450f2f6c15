// Rejected: async/await and generators (yield).
async function later(): Promise<u32> { return 1; }
function* gen(): Generator<u32> { yield 1; }
export function main(): i32 {
  return 0;
}
