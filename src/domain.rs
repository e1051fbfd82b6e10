//! Picking the label to score from a full host name (SPEC §5).

use core::fmt;

/// Longest host name in bytes, without the trailing dot (RFC 1035 §2.3.4, as a dotted string).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label in bytes (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// Why a string is not a DNS name at all. What is a name but cannot be scored (an IP address, a
/// reverse look-up, a local or internationalised name) is no error: [`classify`](crate::classify)
/// answers it as [`Unscored`]. Positions are byte offsets into the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DomainError {
    /// Nothing to score: the input is empty. (The root, `.`, is a name: [`Unscored::Root`].)
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
    /// A control character (a tab, a NUL, a line break): what a log or a list holds between
    /// names, never in one. A space may be in a name (DNS-SD's `My Printer._ipp._tcp.local`).
    InvalidCharacter {
        /// Where it is.
        position: usize,
        /// The character.
        character: char,
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
                "invalid character {character:?} at byte {position}: a domain name has no control characters"
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
    /// assert_eq!(classify("exa\tmple.com").unwrap_err().position(), Some(3));
    /// assert_eq!(classify("").unwrap_err().position(), None);
    /// ```
    pub const fn position(&self) -> Option<usize> {
        match *self {
            DomainError::LabelTooLong { position, .. }
            | DomainError::EmptyLabel { position }
            | DomainError::InvalidCharacter { position, .. } => Some(position),
            DomainError::Empty | DomainError::NameTooLong { .. } => None,
        }
    }
}

/// Why a name is answered without a score: no DGA could have made it, or the model cannot read
/// it. A DNS log holds all of these; each gets an answer with its reason, never an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unscored {
    /// The DNS root, `.`: what a resolver asks for the root's name servers.
    Root,
    /// An IP address written as a name: IPv4 (`10.47.7.30`, and any name whose last label is all
    /// digits, as no top-level domain is) or an IPv6 literal (`fe80::1`).
    IpAddress,
    /// A reverse look-up, under `in-addr.arpa` or `ip6.arpa`: an address, not a registered name.
    ReverseLookup,
    /// Under a special-use domain name of the IANA registry (RFC 6761 and after: `local`,
    /// `onion`, `home.arpa`, `test`, ...), or `internal`, which ICANN keeps for private use:
    /// never registered in the public DNS. [`SPECIAL_USE_DOMAINS`] lists them.
    SpecialUse {
        /// The special-use domain the name is under or is.
        domain: &'static str,
    },
    /// The top-level domain is none of the DNS root's (by the Public Suffix List compiled in):
    /// a local name (`nas.lan`, `dc01.corp`), which nobody can register. Only with the `psl`
    /// feature.
    PrivateTopLevel,
    /// The label to score is internationalised: punycode (`xn--`) or not ASCII. Its ASCII form
    /// is an encoding, not the words a person reads, and the model knows ASCII names only, so
    /// it does not guess.
    Internationalised,
    /// The label to score has a character no registry takes in a host name (`_`, `*`, `:`), or
    /// starts or ends with `-`. Labels left of it may (`_dmarc.example.com` scores `example`).
    NotHostName {
        /// Where the character is.
        position: usize,
        /// The character.
        character: char,
    },
}

impl Unscored {
    /// A name for APIs and logs: `root`, `ip-address`, `reverse-lookup`, `special-use`,
    /// `private-top-level`, `internationalised` or `not-a-host-name`.
    pub const fn name(self) -> &'static str {
        match self {
            Unscored::Root => "root",
            Unscored::IpAddress => "ip-address",
            Unscored::ReverseLookup => "reverse-lookup",
            Unscored::SpecialUse { .. } => "special-use",
            Unscored::PrivateTopLevel => "private-top-level",
            Unscored::Internationalised => "internationalised",
            Unscored::NotHostName { .. } => "not-a-host-name",
        }
    }
}

/// Why the name was not scored, in a sentence.
impl fmt::Display for Unscored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Unscored::Root => f.write_str("the DNS root, which a resolver asks for its name servers"),
            Unscored::IpAddress => f.write_str("an IP address, not a domain name"),
            Unscored::ReverseLookup => {
                f.write_str("a reverse look-up (in-addr.arpa, ip6.arpa): an address, not a registered name")
            }
            Unscored::SpecialUse { domain } => write!(
                f,
                "under the special-use domain {domain}: never registered in the public DNS"
            ),
            Unscored::PrivateTopLevel => f.write_str(
                "the top-level domain is not one of the DNS root's: a local name, which nobody can register",
            ),
            Unscored::Internationalised => f.write_str(
                "an internationalised (IDN) label: the model knows ASCII names only and does not guess",
            ),
            Unscored::NotHostName { position, character } => write!(
                f,
                "the label to score has {character:?} at byte {position}: not a host name any registry takes"
            ),
        }
    }
}

/// The special-use domain names of the IANA registry (RFC 6761, 6762, 7686, 8375, 8880, 9031,
/// 9140, 9462, 9476, 9665), reverse zones aside ([`Unscored::ReverseLookup`] covers all of
/// those), and `internal`, which ICANN reserved for private use in 2024. A name equal to one or
/// under one is [`Unscored::SpecialUse`].
pub const SPECIAL_USE_DOMAINS: [&str; 17] = [
    "6tisch.arpa",
    "alt",
    "eap-noob.arpa",
    "example",
    "example.com",
    "example.net",
    "example.org",
    "home.arpa",
    "internal",
    "invalid",
    "ipv4only.arpa",
    "local",
    "localhost",
    "onion",
    "resolver.arpa",
    "service.arpa",
    "test",
];

/// A checked, lowercased DNS name: at most [`MAX_NAME_LEN`] bytes, without trailing dot.
pub(crate) struct HostName<'a> {
    name: &'a str,
    /// Whether it has only letters, digits, `-` and `.`, with no label starting or ending with
    /// `-`: nearly every name, for which the checks of odd characters are skipped.
    plain: bool,
}

impl<'a> HostName<'a> {
    /// Checks `input` is a DNS name and normalises what DNS treats as equal: ASCII case, and
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
        let plain = !scan.fault;
        if !scan.uppercase {
            return Ok(HostName { name, plain });
        }
        lowercase.clear();
        lowercase
            .push_str(name)
            .map_err(|_| DomainError::NameTooLong { length: name.len() })?;
        lowercase.make_ascii_lowercase();
        Ok(HostName {
            name: lowercase,
            plain,
        })
    }

    /// Why the name, with `scored` its label to score, cannot be scored; `None` when it can.
    pub(crate) fn unscored(&self, scored: &ScoredLabel<'_>) -> Option<Unscored> {
        let name = self.name;
        let top_level = &name[name.len() - last_label_len(name.as_bytes())..];
        if (!self.plain && ipv6_literal(name))
            || (top_level.len() < name.len() && top_level.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(Unscored::IpAddress);
        }
        if let Some(why) = special(name, top_level) {
            return Some(why);
        }
        if !scored.listed_top_level {
            return Some(Unscored::PrivateTopLevel);
        }
        let label = scored.label;
        // A plain name is ASCII.
        if label.starts_with("xn--") || (!self.plain && !label.is_ascii()) {
            return Some(Unscored::Internationalised);
        }
        if self.plain {
            return None;
        }
        let at = |offset: usize| Unscored::NotHostName {
            position: scored.position + offset,
            character: label[offset..].chars().next().unwrap_or('-'),
        };
        match label
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-'))
        {
            Some(offset) => Some(at(offset)),
            None if label.starts_with('-') => Some(at(0)),
            None if label.ends_with('-') => Some(at(label.len() - 1)),
            None => None,
        }
    }

    /// The label to score, with its position, the suffix right of it and why it was chosen
    /// (see [`SuffixKind`]): `google` in `mail.google.co.uk`.
    pub(crate) fn scored_label(&self) -> ScoredLabel<'a> {
        let name = self.name;
        let bytes = name.as_bytes();
        let mut listed_top_level = true;
        let (suffix_len, kind) = if !bytes.contains(&b'.') {
            (0, SuffixKind::SingleLabel)
        } else {
            match public_suffix(bytes) {
                Suffix::Icann(len) if len >= name.len() => {
                    (first_label_suffix_len(bytes), SuffixKind::IsPublicSuffix)
                }
                Suffix::Icann(len) => (len, SuffixKind::Icann),
                Suffix::Unlisted(len) => {
                    listed_top_level = false;
                    (len, SuffixKind::Icann)
                }
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
        ScoredLabel {
            label: head.get(label_start..).unwrap_or_default(),
            position: label_start,
            suffix: name.get(name.len() - suffix_len..).unwrap_or_default(),
            kind,
            listed_top_level,
        }
    }
}

/// The label [`HostName::scored_label`] picks, and why.
pub(crate) struct ScoredLabel<'a> {
    pub(crate) label: &'a str,
    pub(crate) position: usize,
    pub(crate) suffix: &'a str,
    pub(crate) kind: SuffixKind,
    /// Whether the top-level domain is one the Public Suffix List knows (always, without it).
    listed_top_level: bool,
}

/// Whether `name` (with `top_level` its last label) is a reverse look-up or under a special-use
/// domain, and which. Only the entries under the name's own top-level domain are compared: for
/// nearly every name, none or one.
fn special(name: &str, top_level: &str) -> Option<Unscored> {
    let under = |domain: &str| {
        name.strip_suffix(domain)
            .is_some_and(|head| head.is_empty() || head.ends_with('.'))
    };
    if top_level == "arpa" && (under("in-addr.arpa") || under("ip6.arpa")) {
        return Some(Unscored::ReverseLookup);
    }
    special_use_under(top_level)
        .iter()
        .find(|domain| under(domain))
        .map(|&domain| Unscored::SpecialUse { domain })
}

/// The entries of [`SPECIAL_USE_DOMAINS`] under the top-level domain `top_level`: a `match`,
/// which compiles to a comparison by length and bytes, where a scan of the list would compare
/// every entry for every name. A test holds the two to the same entries.
fn special_use_under(top_level: &str) -> &'static [&'static str] {
    match top_level {
        "arpa" => &[
            "6tisch.arpa",
            "eap-noob.arpa",
            "home.arpa",
            "ipv4only.arpa",
            "resolver.arpa",
            "service.arpa",
        ],
        "com" => &["example.com"],
        "net" => &["example.net"],
        "org" => &["example.org"],
        "alt" => &["alt"],
        "example" => &["example"],
        "internal" => &["internal"],
        "invalid" => &["invalid"],
        "local" => &["local"],
        "localhost" => &["localhost"],
        "onion" => &["onion"],
        "test" => &["test"],
        _ => &[],
    }
}

/// Whether `name` is an IPv6 address as text (`::1`, `fe80::1`, `::ffff:10.0.0.1`): hex digits,
/// at least two colons, and dots only in an IPv4 tail.
fn ipv6_literal(name: &str) -> bool {
    let colons = name.bytes().filter(|&b| b == b':').count();
    let tail = name.rsplit(':').next().unwrap_or_default();
    (2..=7).contains(&colons)
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && (!tail.contains('.') || tail.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
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
/// provider generates: load balancers, API gateways, function and container endpoints, storage
/// buckets, CDN edges, accelerators, traffic managers. Taken by provider, from the sections of
/// the list's private part their operators submitted (Akamai, Amazon, CDN77, Cloudflare, Fastly,
/// Google, Microsoft, DigitalOcean, Adobe), where the provider names hosts by ID or hash; suffixes
/// whose customers choose the name (`azurewebsites.net`, `herokuapp.com`, `github.io`,
/// `workers.dev`) stay user-named, as abuse can pick those. Each is checked by the tests to be
/// behind at least one private rule.
pub const PROVIDER_DOMAINS: [&str; 36] = [
    "adobeaemcloud.com",
    "akadns.net",
    "akamai.net",
    "akamaiedge.net",
    "akamaihd.net",
    "akamaiorigin.net",
    "akamaized.net",
    "amazonaws.com",
    "amplifyapp.com",
    "awsapprunner.com",
    "awsglobalaccelerator.com",
    "azureedge.net",
    "azurefd.net",
    "cdn77-ssl.net",
    "cdn77-storage.com",
    "cdn77.net",
    "cdn77.org",
    "cloudapp.net",
    "cloudflare.net",
    "cloudfront.net",
    "cloudfunctions.net",
    "digitaloceanspaces.com",
    "edgekey.net",
    "edgesuite.net",
    "elasticbeanstalk.com",
    "fastly-edge.com",
    "fastly.net",
    "fastlylb.net",
    "googleapis.com",
    "on.aws",
    "r2.dev",
    "run.app",
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
    /// An ICANN rule, or without `psl` the last label.
    Icann(usize),
    /// A top-level domain the list does not know: one label.
    #[cfg_attr(not(feature = "psl"), allow(dead_code))]
    Unlisted(usize),
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
        Some(suffix) if suffix.typ().is_some() => Suffix::Icann(suffix.as_bytes().len()),
        _ => Suffix::Unlisted(last_label_len(name)),
    }
}

/// Without the `psl` feature, the last label is taken as the suffix.
#[cfg(not(feature = "psl"))]
fn public_suffix(name: &[u8]) -> Suffix {
    Suffix::Icann(last_label_len(name))
}

/// Length of the ICANN suffix the name ends with, whatever private suffix it is also under:
/// `com` for `a.b.elb.amazonaws.com`.
fn icann_suffix_len(name: &[u8]) -> usize {
    let mut rest = name;
    loop {
        match public_suffix(rest) {
            Suffix::Icann(len) | Suffix::Unlisted(len) => return len,
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
    /// Whether it has any fault [`first_fault`] reports, or anything but letters, digits, `-`
    /// and `.` with no label starting or ending with `-`.
    fault: bool,
    /// Whether it has an ASCII capital.
    uppercase: bool,
}

impl Scan {
    /// One pass without a branch per byte or per label: each byte's [`HOST_BYTE`] entry says
    /// what it is and what may not follow it. Faults and odd names are rare, and only then are
    /// they looked at closely.
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
            fault: (faults | not_next | (seen & NOT_HOST)) != 0 || longest_label > MAX_LABEL_LEN,
            uppercase: seen & UPPERCASE != 0,
        }
    }
}

/// The first fault of `name` (`input` without its trailing dot) by position, if any: a control
/// character, an empty label, a label too long.
#[cold]
fn first_fault(input: &str, name: &[u8]) -> Result<(), DomainError> {
    let mut label_start = 0;
    for label in name.split(|&b| b == b'.') {
        let end = label_start + label.len();
        // A '.' is one byte: labels start and end on character boundaries.
        let text = input.get(label_start..end).unwrap_or_default();
        if let Some((offset, character)) = text.char_indices().find(|(_, c)| c.is_control()) {
            return Err(DomainError::InvalidCharacter {
                position: label_start + offset,
                character,
            });
        }
        if label.is_empty() {
            return Err(DomainError::EmptyLabel {
                position: label_start,
            });
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DomainError::LabelTooLong {
                position: label_start,
                length: label.len(),
            });
        }
        label_start = end + 1;
    }
    Ok(())
}

/// [`HOST_BYTE`] bits: what a byte is, and (shifted by [`NOT_NEXT_SHIFT`]) what may not follow it.
const NOT_HOST: u8 = 1;
const DOT: u8 = 2;
const HYPHEN: u8 = 4;
const UPPERCASE: u8 = 8;
const NOT_NEXT_SHIFT: u32 = 4;

/// What each byte is in a host name: [`NOT_HOST`] for any byte but letters, digits, `-` and
/// `.`; [`DOT`], [`HYPHEN`] or [`UPPERCASE`]; and what may not follow it: after a dot, another
/// dot (an empty label) or a hyphen (a label starting with one); after a hyphen, a dot (a label
/// ending with one).
static HOST_BYTE: [u8; 256] = {
    let mut table = [NOT_HOST; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'a'..=b'z' | b'0'..=b'9' => 0,
            b'A'..=b'Z' => UPPERCASE,
            b'.' => DOT | (DOT | HYPHEN) << NOT_NEXT_SHIFT,
            b'-' => HYPHEN | DOT << NOT_NEXT_SHIFT,
            _ => NOT_HOST,
        };
        byte += 1;
    }
    table
};

fn last_label_len(name: &[u8]) -> usize {
    name.iter()
        .rposition(|&b| b == b'.')
        .map_or(name.len(), |dot| name.len() - dot - 1)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{first_fault, last_label_len, special_use_under, Scan, SPECIAL_USE_DOMAINS};

    /// The lookup by top-level domain finds every special-use domain under its own, and no other.
    #[test]
    fn special_use_lookup_holds_the_list() {
        let mut found = std::vec::Vec::new();
        for domain in SPECIAL_USE_DOMAINS {
            let top_level = &domain[domain.len() - last_label_len(domain.as_bytes())..];
            let under = special_use_under(top_level);
            assert!(under.contains(&domain), "{domain}");
            found.extend(under.iter().copied());
        }
        found.sort_unstable();
        found.dedup();
        let mut listed = SPECIAL_USE_DOMAINS.to_vec();
        listed.sort_unstable();
        assert_eq!(found, listed);
    }
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The one pass misses no fault the search for the first one finds, and passes only
        /// plain host names: letters, digits and '-' in labels of 1 to 63 bytes, none starting
        /// or ending with '-'. It finds capitals exactly when there are.
        #[test]
        fn scan_agrees_with_the_ordered_search(
            name in "[a-zA-Z0-9.-]{0,12}|[a-z]{1,3}([.-]{1,2}[a-z]{0,3}){0,3}|[a-z]{60,66}(\\.[a-z]{0,65}){0,2}|.{0,20}"
        ) {
            let scan = Scan::of(name.as_bytes());
            if first_fault(&name, name.as_bytes()).is_err() {
                prop_assert!(scan.fault);
            }
            let plain = name.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
            prop_assert_eq!(!scan.fault, plain);
            prop_assert_eq!(scan.uppercase, name.bytes().any(|b| b.is_ascii_uppercase()));
        }
    }
}
