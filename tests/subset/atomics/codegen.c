/* The C twin of codegen.ts: the same operations and orderings through clang's __atomic
   builtins (tests/compiler/atomics.test.ts compares the atomic instructions). */
#include <stdint.h>

uint64_t at_load_relaxed(uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
uint64_t at_load_acquire(uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
uint32_t at_load_seq_cst(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
void at_store_release(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
void at_store_seq_cst(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
uint32_t at_xchg_acquire(uint32_t *p, uint32_t v) { return __atomic_exchange_n(p, v, __ATOMIC_ACQUIRE); }
uint64_t at_cas64_acq_rel(uint64_t *p, uint64_t e, uint64_t n) {
  __atomic_compare_exchange_n(p, &e, n, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  return e;
}
uint8_t at_cas8_seq_cst(uint8_t *p, uint8_t e, uint8_t n) {
  __atomic_compare_exchange_n(p, &e, n, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return e;
}
uint64_t at_add_relaxed(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
int16_t at_sub16_release(int16_t *p, int16_t v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELEASE); }
uint32_t at_or_old_acq_rel(uint32_t *p, uint32_t v) { return __atomic_fetch_or(p, v, __ATOMIC_ACQ_REL); }
void at_or_unused_seq_cst(uint32_t *p, uint32_t v) { __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
uint64_t at_and_acquire(uint64_t *p, uint64_t v) { return __atomic_fetch_and(p, v, __ATOMIC_ACQUIRE); }
uint8_t at_xor_seq_cst(uint8_t *p, uint8_t v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }
void at_fence_acquire(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
void at_fence_release(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
void at_fence_seq_cst(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
