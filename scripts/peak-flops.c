/* This machine's float32 peak for scripts/bench --peak: a loop of independent fused multiply-adds (12 accumulator
 * registers per thread, enough to cover the FMA latency on two FMA pipes), AVX-512 and AVX2, on 1..N threads at
 * once. Prints CSV rows peak_<isa>,-,<threads>,-,<GFLOP/s>,GFLOP/s (1 FMA = 2 FLOP), the best of 5 repetitions of
 * ~0.3 s, counted over each thread's own CPU time (so another process's load does not lower the peak) and over
 * wall time. Build: gcc -O2 -mavx512f -mavx2 -mfma -pthread peak-flops.c -o peak-flops */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITERS 20000000L

static double now(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile float sink;

#define BODY(T, FMA, SET1, ADD, STORE, LANES)                                                    \
    T a = SET1(1.0000001f), b = SET1(0.9999999f);                                              \
    T x0 = SET1(0), x1 = SET1(1), x2 = SET1(2), x3 = SET1(3), x4 = SET1(4), x5 = SET1(5);       \
    T x6 = SET1(6), x7 = SET1(7), x8 = SET1(8), x9 = SET1(9), x10 = SET1(10), x11 = SET1(11);   \
    for (long i = 0; i < iters; i++) {                                                         \
        x0 = FMA(x0, a, b); x1 = FMA(x1, a, b); x2 = FMA(x2, a, b); x3 = FMA(x3, a, b);         \
        x4 = FMA(x4, a, b); x5 = FMA(x5, a, b); x6 = FMA(x6, a, b); x7 = FMA(x7, a, b);         \
        x8 = FMA(x8, a, b); x9 = FMA(x9, a, b); x10 = FMA(x10, a, b); x11 = FMA(x11, a, b);     \
    }                                                                                          \
    T s = ADD(ADD(ADD(x0, x1), ADD(x2, x3)), ADD(ADD(x4, x5), ADD(x6, x7)));                    \
    s = ADD(s, ADD(ADD(x8, x9), ADD(x10, x11)));                                               \
    float out[LANES];                                                                          \
    STORE(out, s);                                                                             \
    sink = out[0];                                                                             \
    return 12.0 * LANES * 2 * iters;

__attribute__((target("avx512f"))) static double fma512(long iters) {
    BODY(__m512, _mm512_fmadd_ps, _mm512_set1_ps, _mm512_add_ps, _mm512_storeu_ps, 16)
}

__attribute__((target("avx2,fma"))) static double fma256(long iters) {
    BODY(__m256, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
}

typedef struct { int isa; double flops, cpu; } job;

static void *work(void *p) {
    job *j = p;
    double c0 = now(CLOCK_THREAD_CPUTIME_ID);
    j->flops = j->isa == 512 ? fma512(ITERS) : fma256(ITERS);
    j->cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
    return NULL;
}

int main(int argc, char **argv) {
    int maxThreads = argc > 1 ? atoi(argv[1]) : 2;
    int isas[] = {512, 256};
    for (int k = 0; k < 2; k++) {
        if (isas[k] == 512 && !__builtin_cpu_supports("avx512f")) continue;
        if (isas[k] == 256 && !__builtin_cpu_supports("fma")) continue;
        for (int n = 1; n <= maxThreads; n++) {
            double bestCpu = 0, bestWall = 0;
            for (int rep = 0; rep < 5; rep++) {
                pthread_t t[64];
                job jobs[64];
                double w0 = now(CLOCK_MONOTONIC);
                for (int i = 0; i < n; i++) {
                    jobs[i].isa = isas[k];
                    pthread_create(&t[i], NULL, work, &jobs[i]);
                }
                double flops = 0, perCpu = 0;
                for (int i = 0; i < n; i++) {
                    pthread_join(t[i], NULL);
                    flops += jobs[i].flops;
                    perCpu += jobs[i].flops / jobs[i].cpu; /* each thread's rate on its own core */
                }
                double wall = flops / (now(CLOCK_MONOTONIC) - w0);
                if (perCpu > bestCpu) bestCpu = perCpu;
                if (wall > bestWall) bestWall = wall;
            }
            printf("peak_avx%d,-,%d,-,%.1f,GFLOP/s\n", isas[k] == 512 ? 512 : 2, n, bestCpu / 1e9);
            printf("peak_avx%d_wall,-,%d,-,%.1f,GFLOP/s\n", isas[k] == 512 ? 512 : 2, n, bestWall / 1e9);
        }
    }
    return 0;
}
