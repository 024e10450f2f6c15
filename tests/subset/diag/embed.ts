// embed takes one string literal naming an existing file, relative to the source file.
const NAME: cstr = "x.bin";
export function main(): i32 {
  const a = embed("no-such-file.bin");
  const b = embed(NAME);
  const c = embedSize("../diag");
  return 0;
}
