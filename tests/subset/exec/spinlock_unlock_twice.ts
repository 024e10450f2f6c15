// @exit 101
// Giving back a SpinLock that is not held is a bug the std catches: it panics.
let lock: SpinLock;

export function main(): i32 {
  spinLock(addressOf(lock));
  spinUnlock(addressOf(lock));
  print("unlocked once\n");
  spinUnlock(addressOf(lock));
  print("not reached\n");
  return 0;
}
