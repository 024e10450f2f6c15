// Names by number without a switch. A list is one string literal holding the names in
// order, each followed by a NUL ("zero\0one\0two\0"; the literal's own NUL then ends the
// list with an empty name). Long lists are written one name per line, each line ended by a
// backslash (a line continuation inside the literal). A switch of N `return "..."` cases
// compiles to a table or a jump per case (about 9 bytes each on x86_64, 12 on aarch64,
// and LLVM may copy the whole switch into callers); a list is just the text and the loop
// below, which matters in a loader that must stay under 32 KiB.

/** The i-th name of `list`, or `other` when the list has fewer than i + 1 names. */
export function nameAt(list: cstr, i: u64, other: cstr): cstr {
  let p: Ptr<u8> = cast<u8>(list);
  for (; i != 0; i--) {
    if (p[0] == 0) return other;
    while (p[0] != 0) p = ptrAdd(p, 1);
    p = ptrAdd(p, 1);
  }
  if (p[0] == 0) return other;
  return asCstr(p);
}
