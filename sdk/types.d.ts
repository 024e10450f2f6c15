// `tsboot/types`: the subset's ambient declarations (machine types, pointers, structs,
// intrinsics, the std library's globals) for editors and `tsc --noEmit`. A project gets them
// with `"types": ["tsboot/types"]`, which tsboot/tsconfig.json sets.
/// <reference path="../toolchain/lib/core.d.ts" />
/// <reference path="../toolchain/lib/tsboot.d.ts" />
/// <reference path="../toolchain/lib/std.d.ts" />
