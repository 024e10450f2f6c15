// Rejected: `unknown`. Use a machine type or Ptr<void>.
export function main(): i32 {
  let y: unknown = 1;
  return 0;
}
