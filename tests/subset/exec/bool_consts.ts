// A module or static constant without an annotation has its value's type when that is a
// bool or an enum (an integer constant stays untyped): `const flag = true` is a bool that
// conditions, `!`, `&&` and bool variables take, folded at compile time.
enum Mode { Off = 0, On = 3 }
const flag = true;
const off = !flag;
const both = flag && off;
const mode = Mode.On;
class Cfg { static readonly verbose = false; }
export function main(): i32 {
  const b: bool = flag;
  let m: Mode = mode;
  if (flag && !off && !both && m == Mode.On && !Cfg.verbose) println(`ok ${b} ${off} ${u32(mode)}`);
  return both || Cfg.verbose ? 1 : 0;
}
