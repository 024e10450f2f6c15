// Rejected: try/catch/finally.
export function main(): i32 {
  let r: i32 = 0;
  try {
    r = 1;
  } catch (e) {
    r = 2;
  } finally {
    r = 3;
  }
  return r;
}
