/*
 * crt.h: a tiny freestanding C runtime for test oracles (the differential fuzzer and any
 * C reference program). Debian's clang-16 has no aarch64 libc/sysroot on these machines,
 * so oracles are built the same way on both architectures:
 *
 *   clang-16 -O2 -static -nostdlib -ffreestanding -fno-builtin -fuse-ld=lld \
 *            -target {x86_64,aarch64}-linux-gnu prog.c -o prog
 *
 * The program defines `int tb_main(void)`; _start calls it and exits with its result.
 * Output helpers print exactly what the tsboot std library prints (docs/language.md):
 * printHex = "0x" + lower-case digits without leading zeros, printHexW = exactly N digits,
 * printU/printI decimal. tb_panic prints "panic at <file>:<line>: <msg>\n" and exits 101,
 * like the subset's panic on *-linux.
 */
#ifndef TSBOOT_TEST_CRT_H
#define TSBOOT_TEST_CRT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long long i64;
typedef unsigned long tb_size;

#if defined(__x86_64__)
#define TB_SYS_WRITE 1
#define TB_SYS_EXIT_GROUP 231
#elif defined(__aarch64__)
#define TB_SYS_WRITE 64
#define TB_SYS_EXIT_GROUP 94
#else
#error "crt.h supports x86_64 and aarch64 only"
#endif

static inline long tb_syscall3(long n, long a, long b, long c) {
#if defined(__x86_64__)
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
#else
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
#endif
}

/* Output is buffered (the fuzzer prints thousands of short lines) and flushed at exit. */
static char tb_outbuf[1 << 16];
static tb_size tb_outlen;

static void tb_flush(void) {
  tb_size off = 0;
  while (off < tb_outlen) {
    long n = tb_syscall3(TB_SYS_WRITE, 1, (long)(tb_outbuf + off), (long)(tb_outlen - off));
    if (n <= 0) break;
    off += (tb_size)n;
  }
  tb_outlen = 0;
}

__attribute__((noreturn)) static void tb_exit(int status) {
  tb_flush();
  for (;;) tb_syscall3(TB_SYS_EXIT_GROUP, status, 0, 0);
}

static void tb_putc(char c) {
  if (tb_outlen == sizeof tb_outbuf) tb_flush();
  tb_outbuf[tb_outlen++] = c;
}

static void tb_print(const char *s) {
  while (*s) tb_putc(*s++);
}

static void tb_print_u(u64 v) {
  char d[20];
  int n = 0;
  do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0);
  while (n > 0) tb_putc(d[--n]);
}

static void tb_print_i(i64 v) {
  if (v < 0) { tb_putc('-'); tb_print_u(0 - (u64)v); }
  else tb_print_u((u64)v);
}

static void tb_print_hex(u64 v) {
  static const char digits[] = "0123456789abcdef";
  char d[16];
  int n = 0;
  do { d[n++] = digits[v & 15]; v >>= 4; } while (v != 0);
  tb_putc('0'); tb_putc('x');
  while (n > 0) tb_putc(d[--n]);
}

static void tb_print_hexw(u64 v, unsigned digits) {
  static const char hex[] = "0123456789abcdef";
  tb_putc('0'); tb_putc('x');
  for (int i = (int)digits - 1; i >= 0; i--) tb_putc(hex[(v >> (4 * i)) & 15]);
}

__attribute__((noreturn)) static void tb_panic(const char *file, int line, const char *msg) {
  tb_print("panic at "); tb_print(file); tb_putc(':'); tb_print_u((u64)line);
  tb_print(": "); tb_print(msg); tb_putc('\n');
  tb_exit(101);
}

/* clang may emit calls to these even with -ffreestanding (struct copies, loop idioms). */
void *memset(void *d, int c, tb_size n) {
  volatile u8 *p = (volatile u8 *)d;
  while (n--) *p++ = (u8)c;
  return d;
}
void *memcpy(void *d, const void *s, tb_size n) {
  volatile u8 *p = (volatile u8 *)d;
  const volatile u8 *q = (const volatile u8 *)s;
  while (n--) *p++ = *q++;
  return d;
}
void *memmove(void *d, const void *s, tb_size n) {
  volatile u8 *p = (volatile u8 *)d;
  const volatile u8 *q = (const volatile u8 *)s;
  if (p < q) { while (n--) *p++ = *q++; }
  else { p += n; q += n; while (n--) *--p = *--q; }
  return d;
}
int memcmp(const void *a, const void *b, tb_size n) {
  const u8 *p = (const u8 *)a, *q = (const u8 *)b;
  for (; n; n--, p++, q++) if (*p != *q) return *p < *q ? -1 : 1;
  return 0;
}

int tb_main(void);

__attribute__((used)) static void tb_start_c(void) { tb_exit(tb_main()); }

/* The kernel enters _start with the stack 16-byte aligned and no return address pushed. */
#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n  xor %ebp, %ebp\n  and $-16, %rsp\n  call tb_start_c\n  ud2\n");
#else
__asm__(".text\n.globl _start\n_start:\n  mov x29, #0\n  mov x30, #0\n  bl tb_start_c\n  brk #0\n");
#endif

#endif
