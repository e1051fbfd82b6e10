/* Nanoseconds per dga_classify call from C, on host names read from stdin:
 *
 *   cargo build --release -p dga-classifier-c
 *   cc -O2 -I bindings/c/include bindings/c/examples/bench.c target/release/libdga_classifier_c.a \
 *      -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o c_bench
 *   tail -n +2 ../shared/data/h2o-split/valid.csv | cut -d, -f1 | tr -d '"' | ./c_bench
 *
 * Scores every name 21 times over and prints the median round's ns per call (rounds, not single
 * calls, are timed: the clock costs more than a call). The machine is shared: compare with a
 * baseline measured in the same run, as the README does. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "dga_classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 21

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    size_t capacity = 1 << 16, count = 0;
    char (*names)[256] = malloc(capacity * sizeof *names);
    if (!names) return 2;
    while (fgets(names[count], sizeof names[count], stdin)) {
        names[count][strcspn(names[count], "\r\n")] = '\0';
        if (++count == capacity) {
            capacity *= 2;
            names = realloc(names, capacity * sizeof *names);
            if (!names) return 2;
        }
    }
    if (count == 0) return 2;
    size_t *lengths = malloc(count * sizeof *lengths);
    if (!lengths) return 2;
    for (size_t i = 0; i < count; i++) lengths[i] = strlen(names[i]);

    double per_call[ROUNDS];
    volatile double sink = 0;
    DgaResult r;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (size_t i = 0; i < count; i++)
            if (dga_classify(names[i], lengths[i], &r) == DGA_OK) sink += r.p_malicious;
        clock_gettime(CLOCK_MONOTONIC, &end);
        per_call[round] =
            ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / (double)count;
    }
    qsort(per_call, ROUNDS, sizeof per_call[0], by_value);
    printf("%zu names, %d rounds: median %.1f ns per dga_classify call (min %.1f, max %.1f)\n",
           count, ROUNDS, per_call[ROUNDS / 2], per_call[0], per_call[ROUNDS - 1]);
    free(lengths);
    free(names);
    return 0;
}
