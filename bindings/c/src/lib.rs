//! The C API of dga-classifier: `include/dga_classifier.h`, generated from this file by cbindgen
//! (`tests/header.rs` holds the committed header to it).
//!
//! One call scores a host name into a result the caller owns: nothing is allocated, nothing is
//! kept between calls, so every function may be called from any thread at once. Every outcome is
//! a `DgaStatus`; a panic, which the library is built never to raise, would be caught here and
//! reported as `DgaStatus::DGA_INTERNAL_ERROR` rather than unwind into C.
//!
//! This crate is where the project's `unsafe` lives: reading the caller's bytes and writing its
//! result, each behind a null check.
#![deny(missing_docs)]
#![allow(non_camel_case_types)] // C's spelling of the enums' variants: DGA_OK, DGA_EMPTY...

use core::ffi::{c_char, c_int, CStr};
use core::fmt::Write;
use dga_classifier::{
    classify, DomainError, Feature, Outcome, SuffixKind, Unscored, Verdict, FEATURE_COUNT,
    MAX_LABEL_LEN, MAX_NAME_LEN, MODEL,
};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Most terms a model can have: every feature once. `DgaResult::term_count` says how many the
/// compiled-in model uses.
pub const DGA_MAX_TERMS: usize = 9;
/// Bytes in `DgaResult::label`: the longest label and its NUL.
pub const DGA_LABEL_CAPACITY: usize = 64;
/// Bytes in `DgaResult::suffix`: the longest host name and its NUL.
pub const DGA_SUFFIX_CAPACITY: usize = 254;
/// Bytes in `DgaResult::error_message`, its NUL included: every message fits.
pub const DGA_MESSAGE_CAPACITY: usize = 192;

// The header carries these as numbers; the library's limits must agree with them.
const _: () = assert!(Feature::ALL.len() == DGA_MAX_TERMS && FEATURE_COUNT <= DGA_MAX_TERMS);
const _: () = assert!(DGA_LABEL_CAPACITY == MAX_LABEL_LEN + 1);
const _: () = assert!(DGA_SUFFIX_CAPACITY == MAX_NAME_LEN + 1);

/// What became of a call. `DGA_OK` is 0: the name was answered, scored or not
/// (`DgaResult::verdict`); every other value is an error, described by `dga_status_message`
/// and, for a name, in detail by `DgaResult::message`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DgaStatus {
    /// Scored.
    DGA_OK = 0,
    /// A pointer argument was NULL.
    DGA_NULL_POINTER,
    /// The bytes are not UTF-8 (a host name is ASCII).
    DGA_NOT_UTF8,
    /// Nothing to score: empty.
    DGA_EMPTY,
    /// Longer than 253 bytes, one trailing dot aside.
    DGA_NAME_TOO_LONG,
    /// A label is longer than 63 bytes.
    DGA_LABEL_TOO_LONG,
    /// Two dots in a row, or a dot at the start.
    DGA_EMPTY_LABEL,
    /// A control character (a NUL among them).
    DGA_INVALID_CHARACTER,
    /// The model has no operating point for that false-positive rate.
    DGA_UNKNOWN_OPERATING_POINT,
    /// A bug: the library panicked. Please report it with the input.
    DGA_INTERNAL_ERROR,
}

/// What a name was judged to be.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DgaVerdict {
    /// Below the threshold: an ordinary name.
    DGA_LEGITIMATE = 0,
    /// At or above the threshold: machine-generated.
    DGA_MALICIOUS = 1,
    /// Not scored: `DgaResult::unscored` says why.
    DGA_UNSCORED = 2,
}

/// Why a name was answered without a score; `dga_unscored_name` spells it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DgaUnscored {
    /// It was scored.
    DGA_SCORED = 0,
    /// The DNS root, `.`.
    DGA_ROOT,
    /// An IP address written as a name (`10.0.0.1`, `fe80::1`).
    DGA_IP_ADDRESS,
    /// A reverse look-up, under `in-addr.arpa` or `ip6.arpa`.
    DGA_REVERSE_LOOKUP,
    /// Under a special-use domain (`local`, `onion`, `home.arpa`, ...).
    DGA_SPECIAL_USE,
    /// Its top-level domain is not one of the DNS root's: a local name.
    DGA_PRIVATE_TOP_LEVEL,
    /// The label to score is internationalised (punycode or not ASCII).
    DGA_INTERNATIONALISED,
    /// The label to score has a character no registry takes (`_`, `*`), or a `-` at an edge.
    DGA_NOT_A_HOST_NAME,
}

/// A feature of the label, as a term of the model; `dga_feature_name` spells it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DgaFeature {
    /// Length in bytes.
    DGA_LENGTH = 0,
    /// Shannon entropy of the bytes, in bits.
    DGA_ENTROPY,
    /// Share of vowels.
    DGA_P_VOWELS,
    /// Count of English-word substrings.
    DGA_NUM_WORDS,
    /// How much better than random bytes the 4-gram model of legitimate names predicts it, in bits.
    DGA_NGRAM_BITS,
    /// Share of bytes inside words.
    DGA_WORD_COVERAGE,
    /// Longest word, in bytes.
    DGA_LONGEST_WORD,
    /// Fewest pieces (words or single bytes) it splits into.
    DGA_SEGMENTS,
    /// Log-odds of DGA the discriminative model of its character 1- to 4-grams gives.
    DGA_NGRAM_LOG_ODDS,
}

/// Why the scored label was the one scored; `dga_suffix_kind_name` spells it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DgaSuffixKind {
    /// The label left of an ICANN public suffix.
    DGA_ICANN = 0,
    /// The label left of a private suffix where anyone may register (dynamic DNS, hosting).
    DGA_PRIVATE_USER_NAMED,
    /// The provider's own label: a cloud or CDN provider names the hosts under the suffix.
    DGA_PRIVATE_PROVIDER_NAMED,
    /// The name is a public suffix itself; its operator's label is scored.
    DGA_IS_PUBLIC_SUFFIX,
    /// A single label, scored as it is.
    DGA_SINGLE_LABEL,
}

/// One term of the log-odds.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DgaTerm {
    /// Which feature.
    pub feature: DgaFeature,
    /// Its value for the scored label.
    pub value: f64,
    /// Its contribution to the log-odds: the model's coefficient times `value`.
    pub contribution: f64,
    /// Its contribution against a typical legitimate label: the coefficient times (`value` -
    /// the typical value); what a person reads as the explanation.
    pub versus_typical: f64,
}

/// A host name's score, or what was wrong with it: filled by `dga_classify`, owned by the caller.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DgaResult {
    /// At the model's default threshold; `dga_verdict_at` judges at another operating point.
    pub verdict: DgaVerdict,
    /// Probability that the label was machine-generated.
    pub p_malicious: f64,
    /// Probability that it was not, computed apart so it keeps its precision near 0.
    pub p_legitimate: f64,
    /// `ln(p_malicious / p_legitimate)`: `intercept` plus each term's contribution, in order.
    pub log_odds: f64,
    /// The model's intercept.
    pub intercept: f64,
    /// A typical legitimate label's log-odds: with each term's `versus_typical` it sums to
    /// `log_odds`, up to rounding.
    pub typical_log_odds: f64,
    /// How unusual the name is among legitimate names: the share of legitimate validation names
    /// scoring at least as high, the false-positive rate at which it would be flagged; negative
    /// when the model lists no such shares.
    pub flagged_at_false_positive_rate: f64,
    /// How many of `terms` the model uses.
    pub term_count: usize,
    /// The model's terms, in its order; those past `term_count` are zero.
    pub terms: [DgaTerm; DGA_MAX_TERMS],
    /// The label scored, lowercased, NUL-terminated.
    pub label: [c_char; DGA_LABEL_CAPACITY],
    /// What stands right of it (`co.uk`), lowercased, NUL-terminated; empty for a single label.
    pub suffix: [c_char; DGA_SUFFIX_CAPACITY],
    /// What kind of suffix that is: why this label was scored.
    pub suffix_kind: DgaSuffixKind,
    /// `DGA_SCORED`, or why the name was not scored (`verdict` is then `DGA_UNSCORED`).
    pub unscored: DgaUnscored,
    /// The byte offset an error, or a character no registry takes, is at (0 when none is).
    pub position: usize,
    /// On an error, what was wrong; for a name not scored, why; in a sentence, NUL-terminated.
    /// Empty for a scored name.
    pub message: [c_char; DGA_MESSAGE_CAPACITY],
}

const EMPTY_TERM: DgaTerm = DgaTerm {
    feature: DgaFeature::DGA_LENGTH,
    value: 0.0,
    contribution: 0.0,
    versus_typical: 0.0,
};

const EMPTY_RESULT: DgaResult = DgaResult {
    verdict: DgaVerdict::DGA_LEGITIMATE,
    p_malicious: 0.0,
    p_legitimate: 0.0,
    log_odds: 0.0,
    intercept: 0.0,
    typical_log_odds: 0.0,
    flagged_at_false_positive_rate: -1.0,
    term_count: 0,
    terms: [EMPTY_TERM; DGA_MAX_TERMS],
    label: [0; DGA_LABEL_CAPACITY],
    suffix: [0; DGA_SUFFIX_CAPACITY],
    suffix_kind: DgaSuffixKind::DGA_ICANN,
    unscored: DgaUnscored::DGA_SCORED,
    position: 0,
    message: [0; DGA_MESSAGE_CAPACITY],
};

/// Answers for the name in `name[0..length]` (not NUL-terminated: its length says where it ends,
/// and a NUL inside it is an invalid character) into `*result`: its score, or why it was not
/// scored (an IP address, a reverse look-up, a local name...: `result->unscored`).
///
/// Returns `DGA_OK`, or the error, with `result->message` and `result->position` saying what
/// was wrong; `DGA_NULL_POINTER` when `name` or `result` is NULL (`*result` is then
/// left as it was when `result` is NULL, and cleared when `name` is).
///
/// # Safety
///
/// `name` must point to `length` readable bytes, `result` to a writable `DgaResult`.
#[no_mangle]
pub unsafe extern "C" fn dga_classify(
    name: *const c_char,
    length: usize,
    result: *mut DgaResult,
) -> DgaStatus {
    // SAFETY: the caller passes a `DgaResult` it owns, or NULL.
    let Some(result) = (unsafe { result.as_mut() }) else {
        return DgaStatus::DGA_NULL_POINTER;
    };
    *result = EMPTY_RESULT;
    if name.is_null() {
        return fail(
            result,
            DgaStatus::DGA_NULL_POINTER,
            0,
            format_args!("name is NULL"),
        );
    }
    // SAFETY: the caller promises `length` readable bytes at `name`, which is not NULL.
    let bytes = unsafe { core::slice::from_raw_parts(name.cast::<u8>(), length) };
    catch_unwind(AssertUnwindSafe(|| classify_into(bytes, result))).unwrap_or_else(|_| {
        fail(
            result,
            DgaStatus::DGA_INTERNAL_ERROR,
            0,
            format_args!("internal error: the library panicked"),
        )
    })
}

fn classify_into(bytes: &[u8], result: &mut DgaResult) -> DgaStatus {
    let name = match core::str::from_utf8(bytes) {
        Ok(name) => name,
        Err(e) => {
            let at = e.valid_up_to();
            return fail(
                result,
                DgaStatus::DGA_NOT_UTF8,
                at,
                format_args!("byte {at} is not UTF-8"),
            );
        }
    };
    let classification = match classify(name) {
        Ok(classification) => classification,
        Err(error) => {
            let position = error.position().unwrap_or(0);
            return fail(result, status_of(error), position, format_args!("{error}"));
        }
    };
    copy_text(&mut result.label, &classification.label);
    copy_text(&mut result.suffix, &classification.suffix);
    result.suffix_kind = suffix_kind_of(classification.suffix_kind);
    let score = match classification.outcome {
        Outcome::Scored(score) => score,
        Outcome::Unscored(why) => {
            result.verdict = DgaVerdict::DGA_UNSCORED;
            result.unscored = unscored_of(why);
            let position = match why {
                Unscored::NotHostName { position, .. } => position,
                _ => 0,
            };
            fail(result, DgaStatus::DGA_OK, position, format_args!("{why}"));
            return DgaStatus::DGA_OK;
        }
    };
    result.verdict = verdict_of(score.verdict);
    result.p_malicious = score.p_malicious;
    result.p_legitimate = score.p_legitimate;
    result.log_odds = score.log_odds;
    result.intercept = score.intercept;
    result.typical_log_odds = score.typical_log_odds;
    result.flagged_at_false_positive_rate = score.flagged_at_false_positive_rate().unwrap_or(-1.0);
    result.term_count = score.terms.len();
    for (slot, term) in result.terms.iter_mut().zip(score.terms) {
        *slot = DgaTerm {
            feature: feature_of(term.feature),
            value: term.value,
            contribution: term.contribution,
            versus_typical: term.versus_typical,
        };
    }
    DgaStatus::DGA_OK
}

/// Records an error, or why a name was not scored, in `result`: the message is cut at the
/// buffer's end, on a character boundary.
fn fail(
    result: &mut DgaResult,
    status: DgaStatus,
    position: usize,
    message: core::fmt::Arguments,
) -> DgaStatus {
    let mut text = heapless::String::<{ DGA_MESSAGE_CAPACITY - 1 }>::new();
    let _ = Truncating(&mut text).write_fmt(message);
    copy_text(&mut result.message, &text);
    result.position = position;
    status
}

/// Writes as much as fits, whole characters only, and never fails.
struct Truncating<'a, const N: usize>(&'a mut heapless::String<N>);

impl<const N: usize> Write for Truncating<'_, N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            if self.0.push(c).is_err() {
                break;
            }
        }
        Ok(())
    }
}

/// Copies ASCII-or-UTF-8 `text` into a C buffer with its NUL; callers size buffers to fit.
fn copy_text<const N: usize>(buffer: &mut [c_char; N], text: &str) {
    for (slot, &byte) in buffer.iter_mut().zip(text.as_bytes().iter().take(N - 1)) {
        *slot = byte as c_char;
    }
    buffer[text.len().min(N - 1)] = 0;
}

fn status_of(error: DomainError) -> DgaStatus {
    match error {
        DomainError::Empty => DgaStatus::DGA_EMPTY,
        DomainError::NameTooLong { .. } => DgaStatus::DGA_NAME_TOO_LONG,
        DomainError::LabelTooLong { .. } => DgaStatus::DGA_LABEL_TOO_LONG,
        DomainError::EmptyLabel { .. } => DgaStatus::DGA_EMPTY_LABEL,
        DomainError::InvalidCharacter { .. } => DgaStatus::DGA_INVALID_CHARACTER,
    }
}

fn unscored_of(why: Unscored) -> DgaUnscored {
    match why {
        Unscored::Root => DgaUnscored::DGA_ROOT,
        Unscored::IpAddress => DgaUnscored::DGA_IP_ADDRESS,
        Unscored::ReverseLookup => DgaUnscored::DGA_REVERSE_LOOKUP,
        Unscored::SpecialUse { .. } => DgaUnscored::DGA_SPECIAL_USE,
        Unscored::PrivateTopLevel => DgaUnscored::DGA_PRIVATE_TOP_LEVEL,
        Unscored::Internationalised => DgaUnscored::DGA_INTERNATIONALISED,
        Unscored::NotHostName { .. } => DgaUnscored::DGA_NOT_A_HOST_NAME,
    }
}

fn verdict_of(verdict: Verdict) -> DgaVerdict {
    match verdict {
        Verdict::Legitimate => DgaVerdict::DGA_LEGITIMATE,
        Verdict::Malicious => DgaVerdict::DGA_MALICIOUS,
    }
}

fn feature_of(feature: Feature) -> DgaFeature {
    match feature {
        Feature::Length => DgaFeature::DGA_LENGTH,
        Feature::Entropy => DgaFeature::DGA_ENTROPY,
        Feature::PVowels => DgaFeature::DGA_P_VOWELS,
        Feature::NumWords => DgaFeature::DGA_NUM_WORDS,
        Feature::NgramBits => DgaFeature::DGA_NGRAM_BITS,
        Feature::WordCoverage => DgaFeature::DGA_WORD_COVERAGE,
        Feature::LongestWord => DgaFeature::DGA_LONGEST_WORD,
        Feature::Segments => DgaFeature::DGA_SEGMENTS,
        Feature::NgramLogOdds => DgaFeature::DGA_NGRAM_LOG_ODDS,
    }
}

fn suffix_kind_of(kind: SuffixKind) -> DgaSuffixKind {
    match kind {
        SuffixKind::Icann => DgaSuffixKind::DGA_ICANN,
        SuffixKind::PrivateUserNamed => DgaSuffixKind::DGA_PRIVATE_USER_NAMED,
        SuffixKind::PrivateProviderNamed => DgaSuffixKind::DGA_PRIVATE_PROVIDER_NAMED,
        SuffixKind::IsPublicSuffix => DgaSuffixKind::DGA_IS_PUBLIC_SUFFIX,
        SuffixKind::SingleLabel => DgaSuffixKind::DGA_SINGLE_LABEL,
    }
}

/// Judges `result` at the model's operating point for `false_positive_rate` (one
/// `dga_operating_point` lists, e.g. 0.01) into `*verdict`; a name not scored stays
/// `DGA_UNSCORED`.
///
/// Returns `DGA_OK`, `DGA_UNKNOWN_OPERATING_POINT` when the model has no point for that rate, or
/// `DGA_NULL_POINTER`.
///
/// # Safety
///
/// `result` must point to a `DgaResult` that `dga_classify` filled, `verdict` to a writable
/// `DgaVerdict`.
#[no_mangle]
pub unsafe extern "C" fn dga_verdict_at(
    result: *const DgaResult,
    false_positive_rate: f64,
    verdict: *mut DgaVerdict,
) -> DgaStatus {
    // SAFETY: the caller passes pointers to objects it owns, or NULL.
    let (Some(result), Some(verdict)) = (unsafe { result.as_ref() }, unsafe { verdict.as_mut() })
    else {
        return DgaStatus::DGA_NULL_POINTER;
    };
    match MODEL.operating_point(false_positive_rate) {
        Some(_) if result.verdict == DgaVerdict::DGA_UNSCORED => {
            *verdict = DgaVerdict::DGA_UNSCORED;
            DgaStatus::DGA_OK
        }
        Some(point) if result.p_malicious >= point.threshold => {
            *verdict = DgaVerdict::DGA_MALICIOUS;
            DgaStatus::DGA_OK
        }
        Some(_) => {
            *verdict = DgaVerdict::DGA_LEGITIMATE;
            DgaStatus::DGA_OK
        }
        None => DgaStatus::DGA_UNKNOWN_OPERATING_POINT,
    }
}

/// How many operating points the model has: `dga_operating_point` takes 0 to this minus 1.
#[no_mangle]
pub extern "C" fn dga_operating_point_count() -> usize {
    MODEL.operating_points.len()
}

/// The model's operating point number `index` (strictest last): the false-positive rate it was set
/// for on legitimate validation names, and its threshold on `p_malicious`. Returns `DGA_OK`,
/// `DGA_UNKNOWN_OPERATING_POINT` for an index past the last, or `DGA_NULL_POINTER`.
///
/// # Safety
///
/// `false_positive_rate` and `threshold` must point to writable doubles.
#[no_mangle]
pub unsafe extern "C" fn dga_operating_point(
    index: usize,
    false_positive_rate: *mut f64,
    threshold: *mut f64,
) -> DgaStatus {
    // SAFETY: the caller passes pointers to doubles it owns, or NULL.
    let (Some(rate), Some(threshold)) = (unsafe { false_positive_rate.as_mut() }, unsafe {
        threshold.as_mut()
    }) else {
        return DgaStatus::DGA_NULL_POINTER;
    };
    match MODEL.operating_points.get(index) {
        Some(point) => {
            *rate = point.false_positive_rate;
            *threshold = point.threshold;
            DgaStatus::DGA_OK
        }
        None => DgaStatus::DGA_UNKNOWN_OPERATING_POINT,
    }
}

/// The threshold on `p_malicious` of the default verdict, `DgaResult::verdict`.
#[no_mangle]
pub extern "C" fn dga_default_threshold() -> f64 {
    MODEL.threshold
}

/// The false-positive rate the default threshold was set for, or a negative number when it
/// maximises F1 instead (as the original model's did).
#[no_mangle]
pub extern "C" fn dga_default_false_positive_rate() -> f64 {
    MODEL.threshold_false_positive_rate.unwrap_or(-1.0)
}

/// The compiled-in model's name (`names-2026-12`), NUL-terminated, static.
#[no_mangle]
pub extern "C" fn dga_model_name() -> *const c_char {
    MODEL_NAME.as_ptr()
}

static MODEL_NAME: [c_char; MODEL.name.len() + 1] = nul_terminated(MODEL.name);

const fn nul_terminated<const N: usize>(text: &str) -> [c_char; N] {
    let mut out = [0; N];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i] as c_char;
        i += 1;
    }
    out
}

/// What a status means, in a few words, NUL-terminated and static; "unknown status" for a value
/// that is not a `DgaStatus`. A name's error has its details in `DgaResult::message`.
#[no_mangle]
pub extern "C" fn dga_status_message(status: c_int) -> *const c_char {
    status_message(status).as_ptr()
}

fn status_message(status: c_int) -> &'static CStr {
    const MESSAGES: [&CStr; 10] = [
        c"ok",
        c"a pointer argument is NULL",
        c"the name is not UTF-8",
        c"empty domain name",
        c"the domain name is longer than 253 bytes",
        c"a label is longer than 63 bytes",
        c"empty label",
        c"invalid character: a control character",
        c"the model has no operating point for that false-positive rate",
        c"internal error: the library panicked",
    ];
    entry(&MESSAGES, status).unwrap_or(c"unknown status")
}

/// A feature's name as model files spell it (`ngram_bits`), NUL-terminated and static;
/// "unknown feature" for a value that is not a `DgaFeature`.
#[no_mangle]
pub extern "C" fn dga_feature_name(feature: c_int) -> *const c_char {
    feature_name(feature).as_ptr()
}

fn feature_name(feature: c_int) -> &'static CStr {
    const NAMES: [&CStr; DGA_MAX_TERMS] = [
        c"length",
        c"entropy",
        c"p_vowels",
        c"num_words",
        c"ngram_bits",
        c"word_coverage",
        c"longest_word",
        c"segments",
        c"ngram_log_odds",
    ];
    entry(&NAMES, feature).unwrap_or(c"unknown feature")
}

/// A suffix kind's name (`private-user-named`), NUL-terminated and static; "unknown suffix kind"
/// for a value that is not a `DgaSuffixKind`.
#[no_mangle]
pub extern "C" fn dga_suffix_kind_name(kind: c_int) -> *const c_char {
    suffix_kind_name(kind).as_ptr()
}

fn suffix_kind_name(kind: c_int) -> &'static CStr {
    const NAMES: [&CStr; 5] = [
        c"icann",
        c"private-user-named",
        c"private-provider-named",
        c"is-public-suffix",
        c"single-label",
    ];
    entry(&NAMES, kind).unwrap_or(c"unknown suffix kind")
}

/// Why a name was not scored, as `Unscored::name` spells it (`reverse-lookup`), NUL-terminated
/// and static; "scored" for `DGA_SCORED`, "unknown reason" for a value that is not a
/// `DgaUnscored`.
#[no_mangle]
pub extern "C" fn dga_unscored_name(unscored: c_int) -> *const c_char {
    unscored_name(unscored).as_ptr()
}

fn unscored_name(unscored: c_int) -> &'static CStr {
    const NAMES: [&CStr; 8] = [
        c"scored",
        c"root",
        c"ip-address",
        c"reverse-lookup",
        c"special-use",
        c"private-top-level",
        c"internationalised",
        c"not-a-host-name",
    ];
    entry(&NAMES, unscored).unwrap_or(c"unknown reason")
}

/// `table[index]`, for an index C passed as an int that may be anything.
fn entry(table: &[&'static CStr], index: c_int) -> Option<&'static CStr> {
    usize::try_from(index)
        .ok()
        .and_then(|i| table.get(i))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C names are the library's, in the enums' order.
    #[test]
    fn names_follow_the_library() {
        for (i, feature) in Feature::ALL.into_iter().enumerate() {
            assert_eq!(feature_of(feature) as usize, i);
            assert_eq!(feature_name(i as c_int).to_str(), Ok(feature.name()));
        }
        for (i, kind) in SuffixKind::ALL.into_iter().enumerate() {
            assert_eq!(suffix_kind_of(kind) as usize, i);
            assert_eq!(suffix_kind_name(i as c_int).to_str(), Ok(kind.name()));
        }
        assert_eq!(
            feature_name(Feature::ALL.len() as c_int).to_str(),
            Ok("unknown feature")
        );
        assert_eq!(suffix_kind_name(-1).to_str(), Ok("unknown suffix kind"));
        assert_eq!(
            status_message(DgaStatus::DGA_INTERNAL_ERROR as c_int).to_str(),
            Ok("internal error: the library panicked")
        );
        assert_eq!(status_message(10).to_str(), Ok("unknown status"));
        let reasons = [
            Unscored::Root,
            Unscored::IpAddress,
            Unscored::ReverseLookup,
            Unscored::SpecialUse { domain: "local" },
            Unscored::PrivateTopLevel,
            Unscored::Internationalised,
            Unscored::NotHostName {
                position: 0,
                character: '_',
            },
        ];
        for (i, why) in reasons.into_iter().enumerate() {
            assert_eq!(unscored_of(why) as usize, i + 1);
            assert_eq!(unscored_name(i as c_int + 1).to_str(), Ok(why.name()));
        }
        assert_eq!(unscored_name(0).to_str(), Ok("scored"));
        assert_eq!(unscored_name(8).to_str(), Ok("unknown reason"));
        assert_eq!(
            CStr::from_bytes_until_nul(&MODEL_NAME.map(|c| c as u8)).map(CStr::to_str),
            Ok(Ok(MODEL.name))
        );
    }
}
