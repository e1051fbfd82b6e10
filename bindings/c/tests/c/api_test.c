/* The C API from C: scores, explanations, every kind of bad input, operating points and threads.
 * Built and run by tests/c_programs.rs with the system cc against the static library; prints one
 * line per failed check and exits 1 if there was any. */
#include "dga_classifier.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(condition)                                                        \
    do {                                                                        \
        if (!(condition)) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static DgaStatus classify_text(const char *name, DgaResult *result) {
    return dga_classify(name, strlen(name), result);
}

static void scores_and_explains(void) {
    DgaResult r;
    CHECK(classify_text("mail.Google.com.", &r) == DGA_OK);
    CHECK(strcmp(r.label, "google") == 0);
    CHECK(strcmp(r.suffix, "com") == 0);
    CHECK(r.suffix_kind == DGA_ICANN);
    CHECK(strcmp(dga_suffix_kind_name(r.suffix_kind), "icann") == 0);
    CHECK(r.verdict == DGA_LEGITIMATE);
    CHECK(r.message[0] == '\0');
    CHECK(r.term_count >= 1 && r.term_count <= DGA_MAX_TERMS);
    /* The log-odds is the intercept plus each contribution, summed left to right: exactly. */
    double sum = r.intercept;
    for (size_t i = 0; i < r.term_count; i++) sum += r.terms[i].contribution;
    CHECK(sum == r.log_odds);
    /* Against a typical legitimate label, the terms add up to the same log-odds. */
    double typical_sum = r.typical_log_odds;
    for (size_t i = 0; i < r.term_count; i++) typical_sum += r.terms[i].versus_typical;
    CHECK(fabs(typical_sum - r.log_odds) < 1e-9);
    CHECK(r.flagged_at_false_positive_rate > 0.5 && r.flagged_at_false_positive_rate <= 1.0);
    CHECK(fabs(r.p_malicious + r.p_legitimate - 1.0) < 1e-15);
    CHECK(r.p_malicious < dga_default_threshold());
    CHECK(strcmp(dga_feature_name(r.terms[0].feature), "unknown feature") != 0);

    CHECK(classify_text("zyxgifnjobqhzptuodmzov.ru", &r) == DGA_OK);
    CHECK(r.verdict == DGA_MALICIOUS);
    CHECK(r.flagged_at_false_positive_rate > 0 && r.flagged_at_false_positive_rate <= 0.001);
    CHECK(r.p_malicious >= dga_default_threshold());

    CHECK(classify_text("x7kq2mz.duckdns.org", &r) == DGA_OK);
    CHECK(strcmp(r.label, "x7kq2mz") == 0 && r.suffix_kind == DGA_PRIVATE_USER_NAMED);
    CHECK(classify_text("github.io", &r) == DGA_OK);
    CHECK(strcmp(r.label, "github") == 0 && r.suffix_kind == DGA_IS_PUBLIC_SUFFIX);
}

static void bad_input_is_an_error_that_says_what(void) {
    DgaResult r;
    /* An embedded NUL: the length says where the name ends, the NUL is a character in it. */
    CHECK(dga_classify("exa\0mple.com", 12, &r) == DGA_INVALID_CHARACTER);
    CHECK(r.position == 3);
    CHECK(strstr(r.message, "at byte 3") != NULL);
    CHECK(r.label[0] == '\0');

    CHECK(dga_classify(NULL, 5, &r) == DGA_NULL_POINTER);
    CHECK(strcmp(r.message, "name is NULL") == 0);
    CHECK(dga_classify("example.com", 11, NULL) == DGA_NULL_POINTER);

    static char long_name[10 * 1024];
    memset(long_name, 'a', sizeof long_name);
    CHECK(dga_classify(long_name, sizeof long_name, &r) == DGA_NAME_TOO_LONG);
    CHECK(strcmp(r.message, "domain name is 10240 bytes long, over the limit of 253") == 0);

    CHECK(dga_classify("\xff" "abc.com", 7, &r) == DGA_NOT_UTF8);
    CHECK(r.position == 0);
    CHECK(classify_text("tab\there.com", &r) == DGA_INVALID_CHARACTER);
    CHECK(strstr(r.message, "invalid character '\\t' at byte 3") != NULL);
    CHECK(classify_text("", &r) == DGA_EMPTY);
    CHECK(classify_text("a..com", &r) == DGA_EMPTY_LABEL && r.position == 2);
    CHECK(classify_text("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", &r)
          == DGA_LABEL_TOO_LONG);

    /* Every status has a message of its own; a value that is no status says so. */
    for (int s = DGA_OK; s <= DGA_INTERNAL_ERROR; s++) {
        CHECK(strcmp(dga_status_message(s), "unknown status") != 0);
        if (s > DGA_OK) CHECK(strcmp(dga_status_message(s), dga_status_message(s - 1)) != 0);
    }
    CHECK(strcmp(dga_status_message(DGA_INTERNAL_ERROR + 1), "unknown status") == 0);
    CHECK(strcmp(dga_status_message(-1), "unknown status") == 0);
}

/* What a DNS log holds but no DGA can have made is answered, not refused: with the reason. */
static void names_not_scored_say_why(void) {
    DgaResult r;
    struct { const char *name; DgaUnscored why; } cases[] = {
        {".", DGA_ROOT},
        {"10.0.0.1", DGA_IP_ADDRESS},
        {"fe80::1", DGA_IP_ADDRESS},
        {"1.0.0.127.in-addr.arpa", DGA_REVERSE_LOOKUP},
        {"x.onion", DGA_SPECIAL_USE},
        {"printer.home.arpa", DGA_SPECIAL_USE},
        {"nas.lan", DGA_PRIVATE_TOP_LEVEL},
        {"xn--bcher-kva.de", DGA_INTERNATIONALISED},
        {"caf\xc3\xa9.com", DGA_INTERNATIONALISED},
        {"exa_mple.com", DGA_NOT_A_HOST_NAME},
        {"-a.com", DGA_NOT_A_HOST_NAME},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(classify_text(cases[i].name, &r) == DGA_OK);
        CHECK(r.verdict == DGA_UNSCORED);
        CHECK(r.unscored == cases[i].why);
        CHECK(r.message[0] != '\0');
    }
    CHECK(classify_text("exa_mple.com", &r) == DGA_OK && r.position == 3);
    CHECK(strcmp(dga_unscored_name(r.unscored), "not-a-host-name") == 0);
    CHECK(strstr(r.message, "'_' at byte 3") != NULL);
    /* The labels left of the one scored may hold anything. */
    CHECK(classify_text("_dmarc.wikipedia.org", &r) == DGA_OK && r.verdict != DGA_UNSCORED);
    CHECK(strcmp(r.label, "wikipedia") == 0 && r.unscored == DGA_SCORED && r.message[0] == '\0');
    /* An operating point leaves a name not scored as it is. */
    double rate, threshold;
    DgaVerdict verdict;
    CHECK(dga_operating_point(0, &rate, &threshold) == DGA_OK);
    classify_text("x.onion", &r);
    CHECK(dga_verdict_at(&r, rate, &verdict) == DGA_OK && verdict == DGA_UNSCORED);
}

static void operating_points(void) {
    size_t count = dga_operating_point_count();
    CHECK(count >= 2);
    double rate, threshold, previous = 0.0;
    for (size_t i = 0; i < count; i++) {
        CHECK(dga_operating_point(i, &rate, &threshold) == DGA_OK);
        CHECK(threshold > previous); /* strictest last */
        previous = threshold;
    }
    CHECK(dga_operating_point(count, &rate, &threshold) == DGA_UNKNOWN_OPERATING_POINT);
    CHECK(dga_operating_point(0, NULL, &threshold) == DGA_NULL_POINTER);

    /* A result between the loosest and the strictest point changes verdict with the choice. */
    double loose_rate, loose, strict_rate, strict;
    dga_operating_point(0, &loose_rate, &loose);
    dga_operating_point(count - 1, &strict_rate, &strict);
    DgaResult r;
    classify_text("wikipedia.org", &r);
    r.p_malicious = (loose + strict) / 2;
    DgaVerdict verdict;
    CHECK(dga_verdict_at(&r, loose_rate, &verdict) == DGA_OK && verdict == DGA_MALICIOUS);
    CHECK(dga_verdict_at(&r, strict_rate, &verdict) == DGA_OK && verdict == DGA_LEGITIMATE);
    CHECK(dga_verdict_at(&r, 0.5, &verdict) == DGA_UNKNOWN_OPERATING_POINT);
    CHECK(dga_verdict_at(NULL, loose_rate, &verdict) == DGA_NULL_POINTER);

    CHECK(strlen(dga_model_name()) > 0);
    double default_rate = dga_default_false_positive_rate();
    CHECK(default_rate < 0 || default_rate < 1);
}

/* Threads score the same names at once and must agree with the answers scored alone. */
static const char *const THREAD_NAMES[] = {
    "mail.google.com", "zyxgifnjobqhzptuodmzov.ru", "x7kq2mz.duckdns.org", "exa_mple.com",
    "www.wikipedia.org", "baglessvacuumcleaners.com", "qclbj.cn", "kzqvbw.com",
};
#define NAME_COUNT (sizeof THREAD_NAMES / sizeof THREAD_NAMES[0])
static DgaResult alone[NAME_COUNT];

static void *score_many_times(void *mismatches) {
    for (int round = 0; round < 20000; round++) {
        size_t i = (size_t)round % NAME_COUNT;
        DgaResult r;
        dga_classify(THREAD_NAMES[i], strlen(THREAD_NAMES[i]), &r);
        if (memcmp(&r.p_malicious, &alone[i].p_malicious, sizeof(double)) != 0 ||
            strcmp(r.label, alone[i].label) != 0 ||
            strcmp(r.message, alone[i].message) != 0)
            ++*(int *)mismatches;
    }
    return NULL;
}

static void thread_safe(void) {
    for (size_t i = 0; i < NAME_COUNT; i++) classify_text(THREAD_NAMES[i], &alone[i]);
    pthread_t threads[4];
    int mismatches[4] = {0};
    for (int t = 0; t < 4; t++) CHECK(pthread_create(&threads[t], NULL, score_many_times, &mismatches[t]) == 0);
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        CHECK(mismatches[t] == 0);
    }
}

int main(void) {
    scores_and_explains();
    bad_input_is_an_error_that_says_what();
    names_not_scored_say_why();
    operating_points();
    thread_safe();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all checks passed (model %s)\n", dga_model_name());
    return 0;
}
