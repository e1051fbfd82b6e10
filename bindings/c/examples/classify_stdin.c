/* Scores host names read from stdin, one per line, with the C API: a DNS sensor's loop.
 *
 *   cc -I bindings/c/include bindings/c/examples/classify_stdin.c \
 *      -L target/release -ldga_classifier_c -Wl,-rpath,"$PWD/target/release" -o classify_stdin
 *   printf 'mail.google.com\nzyxgifnjobqhzptuodmzov.ru\n' | ./classify_stdin
 *
 * Prints one tab-separated line per name: the name, then either `ok`, the label scored, its
 * suffix and suffix kind, the verdict, P(malicious) and the log-odds (%.17g: the exact doubles),
 * then `feature=value:contribution` for each term; or `unscored`, the label and suffix picked,
 * the reason's name and its sentence; or (the name's first 40 bytes, unprintable ones as `?`)
 * `error`, the status and the message.
 * Says which model it scores with on stderr; exits 1 if any line was not a host name. */
#define _POSIX_C_SOURCE 200809L /* getline */
#include "dga_classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char *line = NULL;
    size_t capacity = 0;
    ssize_t read;
    int invalid = 0;
    fprintf(stderr, "model %s\n", dga_model_name());
    /* getline, not fgets: a NUL inside a line is part of it, and the API is told its length. */
    while ((read = getline(&line, &capacity, stdin)) != -1) {
        size_t length = (size_t)read;
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) length--;
        DgaResult r;
        DgaStatus status = dga_classify(line, length, &r);
        if (status != DGA_OK) {
            /* The name may hold anything: echo at most 40 bytes of it, and only printable ones. */
            for (size_t i = 0; i < length && i < 40; i++)
                putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?');
            printf("\terror\t%d\t%s\n", status, r.message);
            invalid++;
            continue;
        }
        if (r.verdict == DGA_UNSCORED) {
            printf("%.*s\tunscored\t%s\t%s\t%s\t%s\n", (int)length, line, r.label, r.suffix,
                   dga_unscored_name(r.unscored), r.message);
            continue;
        }
        printf("%.*s\tok\t%s\t%s\t%s\t%s\t%.17g\t%.17g", (int)length, line, r.label, r.suffix,
               dga_suffix_kind_name(r.suffix_kind),
               r.verdict == DGA_MALICIOUS ? "malicious" : "legitimate", r.p_malicious, r.log_odds);
        for (size_t i = 0; i < r.term_count; i++)
            printf("\t%s=%.17g:%.17g", dga_feature_name(r.terms[i].feature), r.terms[i].value,
                   r.terms[i].contribution);
        putchar('\n');
    }
    free(line);
    return invalid ? 1 : 0;
}
