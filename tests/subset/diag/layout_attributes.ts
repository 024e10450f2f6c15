// `@align` takes a power of two; `@repr` an integer type that every member fits.
/** @align 3 */
let a: u32;
/** @align big */
interface S extends Struct { x: u8 }
/** @repr usize */
enum E1 { A }
/** @repr u8 */
enum E2 { A = 255, B }
/** @repr i8 */
enum E3 { A = -129 }
export function main(): i32 {
  let s: S = { x: 1 };
  return i32(s.x) + i32(E1.A) + i32(E2.A) + i32(E3.A) + i32(a);
}
