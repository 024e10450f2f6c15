// EfiMethod: a protocol function whose first parameter is the protocol. It is called with
// the protocol explicitly, or without it (then the object before `.` is passed, evaluated
// once); the call uses the UEFI calling convention either way. EfiMethod is for calling;
// code that implements a protocol stores its functions through an Efiapi view of the struct
// (tsc does not let a 3-parameter function stand for the 2-parameter form too).
type AddFn = EfiMethod<(self: Ptr<Proto>, x: u64, y: u64) => u64>;
type PokeFn = EfiMethod<(self: Ptr<Proto>) => void>;
interface Proto extends Struct { base: u64; Add: AddFn; Poke: PokeFn; pokes: u32 }
interface ProtoImpl extends Struct {
  base: u64;
  Add: Efiapi<(self: Ptr<Proto>, x: u64, y: u64) => u64>;
  Poke: Efiapi<(self: Ptr<Proto>) => void>;
  pokes: u32;
}

/** @efiapi */
function protoAdd(self: Ptr<Proto>, x: u64, y: u64): u64 { return self.base + x * 10 + y; }
/** @efiapi */
function protoPoke(self: Ptr<Proto>): void { self.pokes++; }

let table: Arr<Proto, 2>;
let fetched: u32 = 0;
function next(): Ptr<Proto> { fetched++; return addressOf(table[1]); }

export function main(): i32 {
  for (let i: u32 = 0; i < 2; i++) {
    const impl: Ptr<ProtoImpl> = cast<ProtoImpl>(addressOf(table[i]));
    impl.base = u64(i) * 1000;
    impl.Add = protoAdd;
    impl.Poke = protoPoke;
  }
  let p: Ptr<Proto> = addressOf(table[0]);
  printU(p.Add(p, 1, 2)); print(" "); printU(p.Add(3, 4)); print("\n");     // 12 34
  p.Poke();
  p.Poke(p);
  printU(p.pokes); print("\n");                                            // 2
  printU(next().Add(5, 6)); print(" "); printU(fetched); print("\n");      // 1056 1: next() runs once
  printU(table[1].Add(7, 8)); print("\n");                                 // 1078: a struct value passes its address
  let f: AddFn = p.Add;
  printU(f(p, 9, 9)); print("\n");                                         // 99
  return 0;
}
