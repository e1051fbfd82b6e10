//! Picking the label to score from a full host name (SPEC §5).

use core::fmt;

/// Longest host name in bytes, without the trailing dot (RFC 1035 §2.3.4, as a dotted string).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label in bytes (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// Why a string is not a host name that can be scored. Positions are byte offsets into the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DomainError {
    /// Nothing to score: the input is empty, or only the root `.`.
    Empty,
    /// The name is longer than [`MAX_NAME_LEN`] bytes, one trailing dot aside.
    NameTooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// A label is longer than [`MAX_LABEL_LEN`] bytes.
    LabelTooLong {
        /// Where the label starts.
        position: usize,
        /// Its length in bytes.
        length: usize,
    },
    /// Two dots in a row, or a dot at the start.
    EmptyLabel {
        /// Where the empty label is.
        position: usize,
    },
    /// A character other than an ASCII letter, digit, `-` or `.`.
    InvalidCharacter {
        /// Where it is.
        position: usize,
        /// The character.
        character: char,
    },
    /// A label starts or ends with `-` (RFC 952, RFC 1123 §2.1).
    HyphenAtLabelEdge {
        /// Where the hyphen is.
        position: usize,
    },
    /// The last label is all digits, as in an IPv4 address; no top-level domain is.
    NumericTopLevelLabel,
    /// The label to score is punycode (`xn--`): an internationalised name, whose ASCII form is
    /// an encoding, not the words a person reads. The model knows only ASCII names, so it does
    /// not guess.
    Punycode {
        /// Where the label starts.
        position: usize,
    },
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DomainError::Empty => f.write_str("empty domain name"),
            DomainError::NameTooLong { length } => {
                write!(f, "domain name is {length} bytes long, over the limit of {MAX_NAME_LEN}")
            }
            DomainError::LabelTooLong { position, length } => write!(
                f,
                "label at byte {position} is {length} bytes long, over the limit of {MAX_LABEL_LEN}"
            ),
            DomainError::EmptyLabel { position } => write!(f, "empty label at byte {position}"),
            DomainError::InvalidCharacter { position, character } => write!(
                f,
                "invalid character {character:?} at byte {position}: a host name has only letters, digits, '-' and '.'"
            ),
            DomainError::HyphenAtLabelEdge { position } => {
                write!(f, "label starts or ends with '-' at byte {position}")
            }
            DomainError::NumericTopLevelLabel => {
                f.write_str("the last label is all digits: an IP address, not a domain name")
            }
            DomainError::Punycode { position } => write!(
                f,
                "label at byte {position} is punycode (xn--): internationalised names cannot be scored by a model of ASCII names"
            ),
        }
    }
}

impl core::error::Error for DomainError {}

impl DomainError {
    /// The byte offset into the input this error is about, for the errors that point at one
    /// byte or label; `None` for those about the whole name.
    ///
    /// ```
    /// use dga_classifier::classify;
    /// assert_eq!(classify("exa_mple.com").unwrap_err().position(), Some(3));
    /// assert_eq!(classify("").unwrap_err().position(), None);
    /// ```
    pub const fn position(&self) -> Option<usize> {
        match *self {
            DomainError::LabelTooLong { position, .. }
            | DomainError::EmptyLabel { position }
            | DomainError::InvalidCharacter { position, .. }
            | DomainError::HyphenAtLabelEdge { position }
            | DomainError::Punycode { position } => Some(position),
            DomainError::Empty
            | DomainError::NameTooLong { .. }
            | DomainError::NumericTopLevelLabel => None,
        }
    }
}

/// A checked, lowercased host name: at most [`MAX_NAME_LEN`] bytes, without trailing dot.
pub(crate) struct HostName<'a> {
    name: &'a str,
}

impl<'a> HostName<'a> {
    /// Checks `input` is a host name and normalises what DNS treats as equal: ASCII case, and
    /// one trailing dot. A name with capitals is lowercased into `lowercase`; most names have
    /// none and are used where they are.
    pub(crate) fn parse(
        input: &'a str,
        lowercase: &'a mut heapless::String<MAX_NAME_LEN>,
    ) -> Result<HostName<'a>, DomainError> {
        let name = input.strip_suffix('.').unwrap_or(input);
        if name.is_empty() {
            return Err(DomainError::Empty);
        }
        if name.len() > MAX_NAME_LEN {
            return Err(DomainError::NameTooLong { length: name.len() });
        }
        let scan = Scan::of(name.as_bytes());
        if scan.fault {
            first_fault(input, name.as_bytes())?;
        }
        let top_start = name.len() - last_label_len(name.as_bytes());
        if top_start > 0 && name.bytes().skip(top_start).all(|b| b.is_ascii_digit()) {
            return Err(DomainError::NumericTopLevelLabel);
        }
        if !scan.uppercase {
            return Ok(HostName { name });
        }
        lowercase.clear();
        lowercase
            .push_str(name)
            .map_err(|_| DomainError::NameTooLong { length: name.len() })?;
        lowercase.make_ascii_lowercase();
        Ok(HostName { name: lowercase })
    }

    /// The label to score, with its position, the suffix right of it and why it was chosen
    /// (see [`SuffixKind`]): `google` in `mail.google.co.uk`.
    pub(crate) fn scored_label(&self) -> Result<ScoredLabel<'a>, DomainError> {
        let name = self.name;
        let bytes = name.as_bytes();
        let (suffix_len, kind) = if !bytes.contains(&b'.') {
            (0, SuffixKind::SingleLabel)
        } else {
            match public_suffix(bytes) {
                Suffix::Icann(len) if len >= name.len() => {
                    (first_label_suffix_len(bytes), SuffixKind::IsPublicSuffix)
                }
                Suffix::Icann(len) => (len, SuffixKind::Icann),
                Suffix::Private(len) if len >= name.len() => {
                    (icann_suffix_len(bytes), SuffixKind::IsPublicSuffix)
                }
                Suffix::Private(len) => {
                    let private = name.get(name.len() - len..).unwrap_or_default();
                    if provider_named(private) {
                        (icann_suffix_len(bytes), SuffixKind::PrivateProviderNamed)
                    } else {
                        (len, SuffixKind::PrivateUserNamed)
                    }
                }
            }
        };
        let label_end = name.len() - suffix_len - usize::from(suffix_len > 0);
        let head = name.get(..label_end).unwrap_or_default();
        let label_start = head.len() - last_label_len(head.as_bytes());
        let label = head.get(label_start..).unwrap_or_default();
        if label.starts_with("xn--") {
            return Err(DomainError::Punycode {
                position: label_start,
            });
        }
        Ok(ScoredLabel {
            label,
            position: label_start,
            suffix: name.get(name.len() - suffix_len..).unwrap_or_default(),
            kind,
        })
    }
}

/// The label [`HostName::scored_label`] picks, and why.
pub(crate) struct ScoredLabel<'a> {
    pub(crate) label: &'a str,
    pub(crate) position: usize,
    pub(crate) suffix: &'a str,
    pub(crate) kind: SuffixKind,
}

/// Why a label was the one scored: what stands right of it.
///
/// A DGA registers names where anyone may register one: under ICANN suffixes, and under the
/// private suffixes of dynamic-DNS providers, free hosting and sub-registries (`duckdns.org`,
/// `github.io`, `ru.net`). It does not get to pick the names a cloud or CDN provider gives its
/// customers' load balancers, buckets and edges (`*.elb.amazonaws.com`, `cloudfront.net`), so
/// there the provider's own name is scored. Which private suffixes are the provider's naming is
/// a short list, [`PROVIDER_DOMAINS`]; every other private suffix of the Public Suffix List is
/// taken as open to anyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SuffixKind {
    /// The label left of an ICANN suffix (`google` in `mail.google.co.uk`); also for a
    /// top-level domain the list does not know and, without the `psl` feature, the last label.
    Icann,
    /// The label left of a private suffix whose names their users choose: dynamic DNS, free
    /// hosting, sub-registries (`x7kq` in `x7kq.duckdns.org`).
    PrivateUserNamed,
    /// A name under a provider's private suffix ([`PROVIDER_DOMAINS`]): the provider names those
    /// hosts, so its own label is scored (`amazonaws` in
    /// `my-lb-1234567890.us-east-1.elb.amazonaws.com`).
    PrivateProviderNamed,
    /// The name is itself a public suffix (`co.uk`, `github.io`, `s3.amazonaws.com`): nobody
    /// registers it, its operator does. The label left of its ICANN suffix is scored (`github`,
    /// `amazonaws`; `co` in `co.uk`).
    IsPublicSuffix,
    /// A name of one label, scored as it is.
    SingleLabel,
}

impl SuffixKind {
    /// Every kind, in declaration order.
    pub const ALL: [SuffixKind; 5] = [
        SuffixKind::Icann,
        SuffixKind::PrivateUserNamed,
        SuffixKind::PrivateProviderNamed,
        SuffixKind::IsPublicSuffix,
        SuffixKind::SingleLabel,
    ];

    /// A name for APIs and logs: `icann`, `private-user-named`, `private-provider-named`,
    /// `is-public-suffix` or `single-label`.
    pub const fn name(self) -> &'static str {
        match self {
            SuffixKind::Icann => "icann",
            SuffixKind::PrivateUserNamed => "private-user-named",
            SuffixKind::PrivateProviderNamed => "private-provider-named",
            SuffixKind::IsPublicSuffix => "is-public-suffix",
            SuffixKind::SingleLabel => "single-label",
        }
    }

    /// Why this label was scored, in a sentence.
    pub const fn reason(self) -> &'static str {
        match self {
            SuffixKind::Icann => "the registrable label, left of an ICANN public suffix",
            SuffixKind::PrivateUserNamed => {
                "the label left of a private suffix where anyone may register a name (dynamic DNS, hosting)"
            }
            SuffixKind::PrivateProviderNamed => {
                "the provider's own label: a cloud or CDN provider names the hosts under this suffix, not the customer"
            }
            SuffixKind::IsPublicSuffix => {
                "the name is a public suffix itself, run by its operator: the label left of its ICANN suffix"
            }
            SuffixKind::SingleLabel => "a single label, scored as it is",
        }
    }
}

/// The registrable domains of cloud and CDN providers whose private suffixes (every Public Suffix
/// List private rule equal to one of them or ending in `.` and one of them) hold host names the
/// provider generates: load balancers, API gateways, storage buckets, CDN edges, traffic
/// managers. Each is checked by the tests to be behind at least one private rule.
pub const PROVIDER_DOMAINS: [&str; 18] = [
    "akamai.net",
    "akamaiedge.net",
    "amazonaws.com",
    "azureedge.net",
    "cloudapp.net",
    "cloudflare.net",
    "cloudfront.net",
    "digitaloceanspaces.com",
    "edgekey.net",
    "elasticbeanstalk.com",
    "fastly-edge.com",
    "fastly.net",
    "googleapis.com",
    "r2.dev",
    "trafficmanager.net",
    "usgovcloudapp.net",
    "usgovtrafficmanager.net",
    "windows.net",
];

/// Whether the private suffix `suffix` is one of [`PROVIDER_DOMAINS`]' or under one.
fn provider_named(suffix: &str) -> bool {
    PROVIDER_DOMAINS.iter().any(|domain| {
        suffix
            .strip_suffix(domain)
            .is_some_and(|head| head.is_empty() || head.ends_with('.'))
    })
}

/// A name's public suffix, by its length in bytes, and the list section it comes from.
enum Suffix {
    /// An ICANN rule, an unknown top-level domain (one label), or without `psl` the last label.
    Icann(usize),
    /// A private rule. Only the Public Suffix List has them.
    #[cfg_attr(not(feature = "psl"), allow(dead_code))]
    Private(usize),
}

/// The name's public suffix by the Public Suffix List, ICANN and private sections.
#[cfg(feature = "psl")]
fn public_suffix(name: &[u8]) -> Suffix {
    use psl::Psl as _;
    match psl::List.suffix(name) {
        Some(suffix) if suffix.typ() == Some(psl::Type::Private) => {
            Suffix::Private(suffix.as_bytes().len())
        }
        Some(suffix) => Suffix::Icann(suffix.as_bytes().len()),
        None => Suffix::Icann(last_label_len(name)),
    }
}

/// Without the `psl` feature, the last label is taken as the suffix.
#[cfg(not(feature = "psl"))]
fn public_suffix(name: &[u8]) -> Suffix {
    Suffix::Icann(last_label_len(name))
}

/// Whether the last label of `name` is a top-level domain the Public Suffix List knows (`com`,
/// `arpa`; not `local`, `lan`, `corp`). Without the `psl` feature every one is taken as known.
pub(crate) fn public_top_level(name: &str) -> bool {
    #[cfg(feature = "psl")]
    {
        use psl::Psl as _;
        let tld = &name.as_bytes()[name.len() - last_label_len(name.as_bytes())..];
        psl::List
            .suffix(tld)
            .is_some_and(|suffix| suffix.typ().is_some())
    }
    #[cfg(not(feature = "psl"))]
    {
        let _ = name;
        true
    }
}

/// Length of the ICANN suffix the name ends with, whatever private suffix it is also under:
/// `com` for `a.b.elb.amazonaws.com`.
fn icann_suffix_len(name: &[u8]) -> usize {
    let mut rest = name;
    loop {
        match public_suffix(rest) {
            Suffix::Icann(len) => return len,
            // A private suffix is under an ICANN one: look again without its first label.
            Suffix::Private(len) => {
                let suffix = rest.get(rest.len() - len..).unwrap_or_default();
                match suffix.iter().position(|&b| b == b'.') {
                    Some(dot) => rest = suffix.get(dot + 1..).unwrap_or_default(),
                    None => return len,
                }
            }
        }
    }
}

/// For a name that is an ICANN suffix itself (`co.uk`): all but its first label, so that label
/// is the one scored.
fn first_label_suffix_len(name: &[u8]) -> usize {
    name.iter()
        .position(|&b| b == b'.')
        .map_or(0, |dot| name.len() - dot - 1)
}

/// What one pass over a name finds.
struct Scan {
    /// Whether it has any fault [`first_fault`] reports.
    fault: bool,
    /// Whether it has an ASCII capital.
    uppercase: bool,
}

impl Scan {
    /// One pass without a branch per byte or per label: each byte's [`HOST_BYTE`] entry says
    /// what it is and what may not follow it. Faults are rare, and only then are they looked
    /// for in order.
    fn of(name: &[u8]) -> Scan {
        let (mut seen, mut faults, mut label_len, mut longest_label) = (0, 0, 0, 0);
        // The name's start is like a dot: no label may start with '-' or be empty.
        let mut not_next = HOST_BYTE[usize::from(b'.')] >> NOT_NEXT_SHIFT;
        for &byte in name {
            let class = HOST_BYTE[usize::from(byte)];
            seen |= class;
            faults |= class & not_next;
            not_next = class >> NOT_NEXT_SHIFT;
            label_len = if class & DOT != 0 { 0 } else { label_len + 1 };
            longest_label = longest_label.max(label_len);
        }
        // What may not follow the last byte may not end the name either: '.' or '-'.
        Scan {
            fault: (faults | not_next | (seen & INVALID)) != 0 || longest_label > MAX_LABEL_LEN,
            uppercase: seen & UPPERCASE != 0,
        }
    }
}

/// The first fault of `name` (`input` without its trailing dot) by position, if any.
#[cold]
fn first_fault(input: &str, name: &[u8]) -> Result<(), DomainError> {
    let first_invalid = name
        .iter()
        .position(|&b| HOST_BYTE[usize::from(b)] & INVALID != 0)
        .unwrap_or(name.len());
    // A label's own faults show at its end, so a bad byte inside it comes first.
    let mut label_start = 0;
    for label in name.split(|&b| b == b'.') {
        let end = label_start + label.len();
        if first_invalid < end {
            // Bytes before the first bad one are ASCII: it starts a character.
            let character = input
                .get(first_invalid..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            return Err(DomainError::InvalidCharacter {
                position: first_invalid,
                character,
            });
        }
        check_label(name, label_start, end)?;
        label_start = end + 1;
    }
    Ok(())
}

/// [`HOST_BYTE`] bits: what a byte is, and (shifted by [`NOT_NEXT_SHIFT`]) what may not follow it.
const INVALID: u8 = 1;
const DOT: u8 = 2;
const HYPHEN: u8 = 4;
const UPPERCASE: u8 = 8;
const NOT_NEXT_SHIFT: u32 = 4;

/// What each byte is in a host name: [`INVALID`] for any byte but letters, digits, `-` and `.`;
/// [`DOT`], [`HYPHEN`] or [`UPPERCASE`]; and what may not follow it: after a dot, another dot (an
/// empty label) or a hyphen (a label starting with one); after a hyphen, a dot (a label ending
/// with one).
static HOST_BYTE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'a'..=b'z' | b'0'..=b'9' => 0,
            b'A'..=b'Z' => UPPERCASE,
            b'.' => DOT | (DOT | HYPHEN) << NOT_NEXT_SHIFT,
            b'-' => HYPHEN | DOT << NOT_NEXT_SHIFT,
            _ => INVALID,
        };
        byte += 1;
    }
    table
};

fn check_label(name: &[u8], start: usize, end: usize) -> Result<(), DomainError> {
    let label = name.get(start..end).unwrap_or_default();
    match label {
        [] => Err(DomainError::EmptyLabel { position: start }),
        _ if label.len() > MAX_LABEL_LEN => Err(DomainError::LabelTooLong {
            position: start,
            length: label.len(),
        }),
        [b'-', ..] => Err(DomainError::HyphenAtLabelEdge { position: start }),
        [.., b'-'] => Err(DomainError::HyphenAtLabelEdge { position: end - 1 }),
        _ => Ok(()),
    }
}

fn last_label_len(name: &[u8]) -> usize {
    name.iter()
        .rposition(|&b| b == b'.')
        .map_or(name.len(), |dot| name.len() - dot - 1)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{first_fault, Scan};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The one pass finds a fault exactly when the search for the first one does, and
        /// capitals exactly when there are.
        #[test]
        fn scan_agrees_with_the_ordered_search(
            name in "[a-zA-Z0-9.-]{0,12}|[a-z]{1,3}([.-]{1,2}[a-z]{0,3}){0,3}|[a-z]{60,66}(\\.[a-z]{0,65}){0,2}|.{0,20}"
        ) {
            let scan = Scan::of(name.as_bytes());
            prop_assert_eq!(scan.fault, first_fault(&name, name.as_bytes()).is_err());
            prop_assert_eq!(scan.uppercase, name.bytes().any(|b| b.is_ascii_uppercase()));
        }
    }
}
