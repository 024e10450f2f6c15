// Every declaration is checked, used or not.
import { helperValue, notExported } from "./mod/helper";
const x = new Uint8Array([1]);
const S = "x";
let T = "y";
type Name = string;
function unused(): u32 { return "no"; }
export function main(): i32 { return 0; }
