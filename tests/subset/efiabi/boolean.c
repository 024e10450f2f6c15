// The C twin of boolean.ts: UEFI's BOOLEAN (a UINT8) in an EFIAPI callback and call.
typedef unsigned char BOOLEAN;
#if defined(__x86_64__)
#define EFIAPI __attribute__((ms_abi))
#else
#define EFIAPI
#endif
typedef BOOLEAN (EFIAPI *BoolFn)(BOOLEAN flag, unsigned long long x);

BOOLEAN EFIAPI efi_not(BOOLEAN flag, unsigned long long x) { return !flag && x != 0; }

unsigned efi_call(BoolFn f, unsigned a) { return f(a != 0, 1) ? 1 : 0; }
