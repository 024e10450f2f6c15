// An error inside an imported module is reported at that module's file:line:col.
import { helper } from "./mod/bad_helper";
export function main(): i32 {
  return i32(helper(1));
}
