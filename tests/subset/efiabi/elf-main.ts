import { efiNot, efiCall } from './boolean';
export function main(arg: u64): void { efiCall(efiNot, u32(arg)); }
