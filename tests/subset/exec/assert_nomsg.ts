// @exit 101
// assert(cond) without a message still names the file and line.
export function main(): i32 {
  let p: Ptr<u8> = null;
  assert(p == null);
  assert(p != null);
  return 0;
}
