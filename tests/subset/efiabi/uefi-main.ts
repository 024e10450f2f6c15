import { efiNot, efiCall } from './boolean';
export function main(image: Ptr<void>, systemTable: Ptr<void>): u64 { return u64(efiCall(efiNot, 1)); }
