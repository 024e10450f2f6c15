// Inline assembly with target branches: the other architecture's branch is dropped, so
// it may hold assembly that would not assemble here. Outputs, inputs, tied operands, clobbers.
function addAsm(a: u64, b: u64): u64 {
  if (target.x86_64) {
    return asm<u64>("lea ($1,$2), $0", "=r,r,r", a, b);
  } else {
    return asm<u64>("add $0, $1, $2", "=r,r,r", a, b);
  }
}

function rotl13(x: u64): u64 {
  if (target.x86_64) {
    return asm<u64>("rolq $$13, $0", "=r,0", x);
  } else {
    return asm<u64>("ror $0, $1, #51", "=r,r", x);
  }
}

function byteswap32(x: u32): u32 {
  if (target.x86_64) {
    return asm<u32>("bswapl $0", "=r,0", x);
  } else {
    return asm<u32>("rev ${0:w}, ${1:w}", "=r,r", x);
  }
}

let cell: u64 = 0;

export function main(): i32 {
  printU(addAsm(40, 2)); print("\n");
  printHex(rotl13(0x8000_0000_0000_0001)); print("\n");
  printHex(u64(byteswap32(0x1122_3344))); print("\n");
  // A statement asm with a memory clobber and no outputs.
  let p: u64 = addr(addressOf(cell));
  if (target.x86_64) {
    asm("movq $$7, ($0)", "r,~{memory}", p);
  } else {
    asm("mov x9, #7\n str x9, [$0]", "r,~{x9},~{memory}", p);
  }
  printU(cell); print("\n");
  if (target.x86_64) print("x86_64\n");
  if (target.aarch64) print("aarch64\n");
  if (target.linux && !target.uefi && !target.elf) print("linux\n");
  return 0;
}
