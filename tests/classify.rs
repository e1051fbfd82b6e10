//! Which label of a host name is scored, and what is rejected (SPEC §5).

use dga_classifier::{classify, features, score, DomainError};

fn label(name: &str) -> String {
    classify(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .label
        .to_string()
}

#[test]
#[cfg(feature = "psl")]
fn scores_the_label_left_of_the_public_suffix() {
    assert_eq!(label("mail.google.co.uk"), "google");
    assert_eq!(label("www.example.com"), "example");
    assert_eq!(label("example.com"), "example");
    assert_eq!(label("a.b.c.example.com.au"), "example");
    // Private-section suffixes count: the user's label is what a DGA would generate.
    assert_eq!(label("xjwqpzkv.duckdns.org"), "xjwqpzkv");
    assert_eq!(label("someproject.github.io"), "someproject");
    // An unknown top-level domain is a suffix of one label.
    assert_eq!(label("foo.bar.notatld"), "bar");
    // Punycode suffixes are matched in their ASCII form.
    assert_eq!(label("kremlin.xn--p1ai"), "kremlin");
}

#[test]
#[cfg(not(feature = "psl"))]
fn without_psl_the_last_label_is_the_suffix() {
    assert_eq!(label("www.example.com"), "example");
    assert_eq!(label("mail.google.co.uk"), "co");
}

#[test]
fn normalises_case_and_one_trailing_dot() {
    assert_eq!(label("WWW.ExAmPlE.COM."), "example");
    let a = classify("PayPal.com").unwrap();
    let b = classify("paypal.com.").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.score, score(&features("paypal")));
}

#[test]
fn a_bare_label_is_scored_as_is() {
    assert_eq!(label("plzdonthackmekthxbye"), "plzdonthackmekthxbye");
    assert_eq!(label("H2O"), "h2o");
}

#[test]
fn rejects_what_is_not_a_host_name() {
    let long_label = "a".repeat(64);
    let long_name = [
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(61),
    ]
    .join(".");
    assert_eq!(long_name.len(), 253);
    assert!(classify(&long_name).is_ok());
    assert!(classify(&(long_name.clone() + ".")).is_ok());
    let cases: Vec<(String, DomainError)> = vec![
        ("".into(), DomainError::Empty),
        (".".into(), DomainError::Empty),
        (
            format!("{long_name}x"),
            DomainError::NameTooLong { length: 254 },
        ),
        (
            format!("{long_label}.com"),
            DomainError::LabelTooLong {
                position: 0,
                length: 64,
            },
        ),
        ("a..com".into(), DomainError::EmptyLabel { position: 2 }),
        (
            ".example.com".into(),
            DomainError::EmptyLabel { position: 0 },
        ),
        (
            "example.com..".into(),
            DomainError::EmptyLabel { position: 12 },
        ),
        (
            "exa_mple.com".into(),
            DomainError::InvalidCharacter {
                position: 3,
                character: '_',
            },
        ),
        (
            "ex ample.com".into(),
            DomainError::InvalidCharacter {
                position: 2,
                character: ' ',
            },
        ),
        (
            "bücher.de".into(),
            DomainError::InvalidCharacter {
                position: 1,
                character: 'ü',
            },
        ),
        (
            "http://example.com".into(),
            DomainError::InvalidCharacter {
                position: 4,
                character: ':',
            },
        ),
        (
            "-example.com".into(),
            DomainError::HyphenAtLabelEdge { position: 0 },
        ),
        (
            "example-.com".into(),
            DomainError::HyphenAtLabelEdge { position: 7 },
        ),
        ("192.168.0.1".into(), DomainError::NumericTopLevelLabel),
        (
            "xn--bcher-kva.de".into(),
            DomainError::Punycode { position: 0 },
        ),
        (
            "www.xn--bcher-kva.de".into(),
            DomainError::Punycode { position: 4 },
        ),
    ];
    for (input, want) in cases {
        assert_eq!(classify(&input).map(|c| c.label), Err(want), "{input:?}");
    }
}

/// `(host, scored label, suffix right of it, kind)`: the documented policy, case by case.
#[test]
#[cfg(feature = "psl")]
fn the_scored_label_follows_the_suffix_policy() {
    use dga_classifier::SuffixKind::*;
    let cases = [
        ("mail.google.co.uk", "google", "co.uk", Icann),
        ("www.example.com", "example", "com", Icann),
        ("intranet.corp", "intranet", "corp", Icann),
        (
            "x7kq2mz.duckdns.org",
            "x7kq2mz",
            "duckdns.org",
            PrivateUserNamed,
        ),
        (
            "vcyziflwluom.dyndns.org",
            "vcyziflwluom",
            "dyndns.org",
            PrivateUserNamed,
        ),
        ("ddktn.github.io", "ddktn", "github.io", PrivateUserNamed),
        ("91b.ru.net", "91b", "ru.net", PrivateUserNamed),
        (
            "my-lb-1234567890.us-east-1.elb.amazonaws.com",
            "amazonaws",
            "com",
            PrivateProviderNamed,
        ),
        (
            "d111111abcdef8.cloudfront.net",
            "cloudfront",
            "net",
            PrivateProviderNamed,
        ),
        (
            "mystorage7x2.blob.core.windows.net",
            "windows",
            "net",
            PrivateProviderNamed,
        ),
        (
            "myapp-42.trafficmanager.net",
            "trafficmanager",
            "net",
            PrivateProviderNamed,
        ),
        ("co.uk", "co", "uk", IsPublicSuffix),
        ("nhs.uk", "nhs", "uk", IsPublicSuffix),
        ("github.io", "github", "io", IsPublicSuffix),
        ("s3.amazonaws.com", "amazonaws", "com", IsPublicSuffix),
        ("com", "com", "", SingleLabel),
        ("Localhost.", "localhost", "", SingleLabel),
    ];
    for (host, label, suffix, kind) in cases {
        let c = classify(host).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(
            (c.label.as_str(), c.suffix.as_str(), c.suffix_kind),
            (label, suffix, kind),
            "{host}"
        );
        assert_eq!(
            c.score,
            dga_classifier::score(&dga_classifier::features(label))
        );
    }
}

/// Every provider domain stands behind a private rule of the compiled-in Public Suffix List, so
/// the list can neither hold a typo nor outlive the rule it was written for.
#[test]
#[cfg(feature = "psl")]
fn every_provider_domain_is_behind_a_private_rule() {
    // One host under a private rule of each provider, in PROVIDER_DOMAINS' order.
    let hosts = [
        "a1.akamai.net.akamai.net",
        "e1.akamaiedge.net",
        "x.s3.amazonaws.com",
        "x.azureedge.net",
        "x.cloudapp.net",
        "x.cdn.cloudflare.net",
        "x.cloudfront.net",
        "x.nyc3.digitaloceanspaces.com",
        "e1.edgekey.net",
        "x.us-east-1.elasticbeanstalk.com",
        "x.fastly-edge.com",
        "x.freetls.fastly.net",
        "x.googleapis.com",
        "x.r2.dev",
        "x.trafficmanager.net",
        "x.usgovcloudapp.net",
        "x.usgovtrafficmanager.net",
        "x.blob.core.windows.net",
    ];
    assert_eq!(hosts.len(), dga_classifier::PROVIDER_DOMAINS.len());
    for (host, domain) in hosts.into_iter().zip(dga_classifier::PROVIDER_DOMAINS) {
        assert!(host.ends_with(domain), "{host} is not under {domain}");
        let c = classify(host).unwrap();
        assert_eq!(
            c.suffix_kind,
            dga_classifier::SuffixKind::PrivateProviderNamed,
            "{host}"
        );
        assert_eq!(format!("{}.{}", c.label, c.suffix), domain, "{host}");
    }
}

#[test]
fn punycode_elsewhere_in_the_name_is_fine() {
    assert_eq!(label("xn--bcher-kva.example.com"), "example");
}

#[test]
fn errors_say_what_is_wrong() {
    let message = |input: &str| classify(input).unwrap_err().to_string();
    assert_eq!(message(""), "empty domain name");
    assert_eq!(message("a..b"), "empty label at byte 2");
    assert_eq!(
        message("192.168.0.1"),
        "the last label is all digits: an IP address, not a domain name"
    );
    assert!(message(&"a".repeat(300)).contains("300 bytes long, over the limit of 253"));
    assert!(message("xn--bcher-kva.de").contains("punycode"));
}

#[test]
fn the_first_error_by_position_is_reported() {
    let error = |input: &str| classify(input).unwrap_err();
    // A bad byte inside a label comes before that label's own faults, found at its end.
    assert_eq!(
        error("a_-.com"),
        DomainError::InvalidCharacter {
            position: 1,
            character: '_'
        }
    );
    // A faulty label before the bad byte comes first.
    assert_eq!(
        error("-a.b_c"),
        DomainError::HyphenAtLabelEdge { position: 0 }
    );
    assert_eq!(error("a..b_c"), DomainError::EmptyLabel { position: 2 });
    // The character is the whole of a non-ASCII one, at its first byte.
    assert_eq!(
        error("ab.cé.com"),
        DomainError::InvalidCharacter {
            position: 4,
            character: 'é'
        }
    );
    assert_eq!(
        error("ab.c-"),
        DomainError::HyphenAtLabelEdge { position: 4 }
    );
}
