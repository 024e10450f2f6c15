// Rejected: classes. Use an interface extending Struct and functions taking Ptr<T>.
class Counter {
  n: u32 = 0;
  bump(): void { this.n++; }
}
export function main(): i32 {
  return 0;
}
