// EfiMethod misuse: a wrong argument count, a first parameter that is not the protocol
// pointer, and an object of another type passed as the protocol.
type ReadFn = EfiMethod<(self: Ptr<File>, size: Ptr<u64>, buf: Ptr<void>) => u64>;
type BadFn = EfiMethod<(size: u64) => u64>;
interface File extends Struct { Read: ReadFn; Bad: BadFn }
interface Other extends Struct { Read: ReadFn }
export function main(): i32 {
  let f: Ptr<File> = null;
  let o: Ptr<Other> = null;
  let n: u64 = 0;
  f.Read(addressOf(n));
  o.Read(addressOf(n), null);
  return 0;
}
