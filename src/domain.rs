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
    /// The whole name is a public suffix (`co.uk`, `github.io`): there is no registrable label.
    PublicSuffix,
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
            DomainError::PublicSuffix => {
                f.write_str("the name is a public suffix: it has no registrable label to score")
            }
            DomainError::Punycode { position } => write!(
                f,
                "label at byte {position} is punycode (xn--): internationalised names cannot be scored by a model of ASCII names"
            ),
        }
    }
}

impl core::error::Error for DomainError {}

/// A checked, lowercased host name: at most [`MAX_NAME_LEN`] bytes, without trailing dot.
pub(crate) struct HostName {
    bytes: [u8; MAX_NAME_LEN],
    len: usize,
}

impl HostName {
    /// Checks `input` is a host name and normalises what DNS treats as equal: ASCII case, and
    /// one trailing dot.
    pub(crate) fn parse(input: &str) -> Result<HostName, DomainError> {
        let name = input.strip_suffix('.').unwrap_or(input).as_bytes();
        if name.is_empty() {
            return Err(DomainError::Empty);
        }
        if name.len() > MAX_NAME_LEN {
            return Err(DomainError::NameTooLong { length: name.len() });
        }
        let mut host = HostName {
            bytes: [0; MAX_NAME_LEN],
            len: name.len(),
        };
        // One pass with no branch per byte: fold case, and note whether any byte is not a host
        // name's. Errors are rare: only then is the first bad byte looked for.
        let mut all_valid = true;
        for (lower, &byte) in host.bytes.iter_mut().zip(name) {
            *lower = HOST_BYTE[usize::from(byte)];
            all_valid &= *lower != INVALID;
        }
        let first_invalid = if all_valid {
            name.len()
        } else {
            name.iter()
                .position(|&b| HOST_BYTE[usize::from(b)] == INVALID)
                .unwrap_or(name.len())
        };
        // The first error by position wins: a label's own faults show at its end, so a bad byte
        // inside it comes first.
        let mut label_start = 0;
        for label in host.as_bytes().split(|&b| b == b'.') {
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
            if end < name.len() {
                label_start = end + 1;
            }
        }
        let top = &name[label_start..];
        if label_start > 0 && top.iter().all(u8::is_ascii_digit) {
            return Err(DomainError::NumericTopLevelLabel);
        }
        Ok(host)
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// The label left of the public suffix, with its position: `google` in `mail.google.co.uk`.
    /// A name of one label is its own label.
    pub(crate) fn registrable_label(&self) -> Result<(&str, usize), DomainError> {
        let name = self.as_bytes();
        let suffix_len = public_suffix_len(name);
        let label_end = if suffix_len >= name.len() {
            if name.contains(&b'.') {
                return Err(DomainError::PublicSuffix);
            }
            name.len()
        } else {
            name.len() - suffix_len - 1
        };
        let head = name.get(..label_end).unwrap_or_default();
        let label_start = head
            .iter()
            .rposition(|&b| b == b'.')
            .map_or(0, |dot| dot + 1);
        let label = head.get(label_start..).unwrap_or_default();
        if label.starts_with(b"xn--") {
            return Err(DomainError::Punycode {
                position: label_start,
            });
        }
        // Only ASCII letters, digits and '-' got past `parse`.
        let label = core::str::from_utf8(label).unwrap_or_default();
        Ok((label, label_start))
    }
}

/// What [`HOST_BYTE`] maps a byte to that a host name may not have.
const INVALID: u8 = 0;

/// Each byte as a host name has it, lowercased: letters, digits, `-` and `.`; [`INVALID`] for
/// any other.
static HOST_BYTE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b @ (b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.') => b,
            b @ b'A'..=b'Z' => b.to_ascii_lowercase(),
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

/// Length in bytes of the name's public suffix, by the Public Suffix List (ICANN and private
/// sections; a top-level domain it does not know counts as a suffix of one label).
#[cfg(feature = "psl")]
fn public_suffix_len(name: &[u8]) -> usize {
    use psl::Psl as _;
    psl::List
        .suffix(name)
        .map_or_else(|| last_label_len(name), |suffix| suffix.as_bytes().len())
}

/// Without the `psl` feature, the last label is taken as the suffix.
#[cfg(not(feature = "psl"))]
fn public_suffix_len(name: &[u8]) -> usize {
    last_label_len(name)
}

fn last_label_len(name: &[u8]) -> usize {
    name.iter()
        .rposition(|&b| b == b'.')
        .map_or(name.len(), |dot| name.len() - dot - 1)
}
