//! Which label of a host name is scored, which names are answered without a score and why, and
//! what is rejected as no name at all (SPEC §5, and issue 18: every name a log holds answered).

use dga_classifier::{classify, features, score, DomainError, Outcome, Unscored};

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
    assert_eq!(label("www.wikipedia.org"), "wikipedia");
    assert_eq!(label("wikipedia.org"), "wikipedia");
    assert_eq!(label("a.b.c.example.com.au"), "example");
    // Private-section suffixes count: the user's label is what a DGA would generate.
    assert_eq!(label("xjwqpzkv.duckdns.org"), "xjwqpzkv");
    assert_eq!(label("someproject.github.io"), "someproject");
    // An unknown top-level domain is a suffix of one label (and the name is not scored).
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
    assert_eq!(a.score(), Some(&score(&features("paypal"))));
}

#[test]
fn a_bare_label_is_scored_as_is() {
    assert_eq!(label("plzdonthackmekthxbye"), "plzdonthackmekthxbye");
    assert_eq!(label("H2O"), "h2o");
}

#[test]
fn rejects_what_is_no_name_at_all() {
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
            "ex\tample.com".into(),
            DomainError::InvalidCharacter {
                position: 2,
                character: '\t',
            },
        ),
        (
            "example.com\u{0}".into(),
            DomainError::InvalidCharacter {
                position: 11,
                character: '\u{0}',
            },
        ),
        (
            "a.b\u{85}c.com".into(),
            DomainError::InvalidCharacter {
                position: 3,
                character: '\u{85}',
            },
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
        ("www.wikipedia.org", "wikipedia", "org", Icann),
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
        ("Wpad.", "wpad", "", SingleLabel),
        ("_ldap._tcp.dc._msdcs.corp.ibm.com", "ibm", "com", Icann),
        (
            "zn_9nquvaz.siteintercept.qualtrics.com",
            "qualtrics",
            "com",
            Icann,
        ),
    ];
    for (host, label, suffix, kind) in cases {
        let c = classify(host).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(
            (c.label.as_str(), c.suffix.as_str(), c.suffix_kind),
            (label, suffix, kind),
            "{host}"
        );
        assert_eq!(
            c.outcome,
            Outcome::Scored(dga_classifier::score(&dga_classifier::features(label)))
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
        "publish-p181489-e1910547.adobeaemcloud.com",
        "a46-129.akadns.net",
        "a1.akamai.net.akamai.net",
        "e1.akamaiedge.net",
        "trial-eum-clientnsv4-s.akamaihd.net",
        "x.akamaiorigin.net",
        "cc-38amk5g6kmcpo.akamaized.net",
        "x.s3.amazonaws.com",
        "main.d2raxv5fyxr2on.amplifyapp.com",
        "x.ap-northeast-1.awsapprunner.com",
        "a32de9f28579ac349.awsglobalaccelerator.com",
        "x.azureedge.net",
        "mmd-fd-ls-prod.azurefd.net",
        "x.cdn77-ssl.net",
        "x.cdn77-storage.com",
        "x.r.cdn77.net",
        "1453470831.rsc.cdn77.org",
        "x.cloudapp.net",
        "x.cdn.cloudflare.net",
        "x.cloudfront.net",
        "us-central1-propane-fusion-170222.cloudfunctions.net",
        "x.nyc3.digitaloceanspaces.com",
        "e1.edgekey.net",
        "x.edgesuite.net",
        "x.us-east-1.elasticbeanstalk.com",
        "x.fastly-edge.com",
        "x.freetls.fastly.net",
        "x.map.fastlylb.net",
        "x.googleapis.com",
        "abcdefghij0123456789.lambda-url.sa-east-1.on.aws",
        "x.r2.dev",
        "mpc2-prod-25-is5qnl632q-wl.a.run.app",
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
    assert_eq!(label("xn--bcher-kva.wikipedia.org"), "wikipedia");
    assert!(classify("xn--bcher-kva.wikipedia.org")
        .unwrap()
        .score()
        .is_some());
}

/// `(name, why it is not scored)`: what a DNS log holds that no DGA can have made, or that the
/// model cannot read, each answered with its reason.
#[test]
fn names_no_dga_made_are_answered_without_a_score() {
    let special = |domain| Unscored::SpecialUse { domain };
    let not_host = |position, character| Unscored::NotHostName {
        position,
        character,
    };
    let mut cases = vec![
        (".", Unscored::Root),
        ("10.47.7.30", Unscored::IpAddress),
        ("192.168.0.1.", Unscored::IpAddress),
        ("http://172.16.0.58", Unscored::IpAddress),
        ("::1", Unscored::IpAddress),
        ("fe80::1ff:fe23:4567:890a", Unscored::IpAddress),
        ("::ffff:10.0.0.1", Unscored::IpAddress),
        ("1.0.0.127.in-addr.arpa", Unscored::ReverseLookup),
        ("in-addr.arpa", Unscored::ReverseLookup),
        (
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
            Unscored::ReverseLookup,
        ),
        ("x.onion", special("onion")),
        ("Localhost.", special("localhost")),
        ("printer.home.arpa", special("home.arpa")),
        ("corp-dc01.corp.local", special("local")),
        ("_sleep-proxy._udp.local", special("local")),
        ("www.example.com", special("example.com")),
        ("db.internal", special("internal")),
        ("xn--bcher-kva.de", Unscored::Internationalised),
        ("www.xn--bcher-kva.de", Unscored::Internationalised),
        ("bücher.de", Unscored::Internationalised),
        ("пример.рф", Unscored::Internationalised),
        ("exa_mple.com", not_host(3, '_')),
        ("_dmarc.com", not_host(0, '_')),
        ("*", not_host(0, '*')),
        ("-", not_host(0, '-')),
        ("(empty)", not_host(0, '(')),
        ("-example.com", not_host(0, '-')),
        (
            "nougat [28:d2:44:0f:4c:e9]._workstation._tcp.local",
            special("local"),
        ),
        ("my printer.com", not_host(2, ' ')),
        ("www.example-.org", not_host(11, '-')),
        ("a_-.com", not_host(1, '_')),
    ];
    if cfg!(feature = "psl") {
        cases.extend([
            ("intranet.corp", Unscored::PrivateTopLevel),
            ("nas.lan", Unscored::PrivateTopLevel),
            (
                "_ldap._tcp.dc._msdcs.factory.oompa.loompa",
                Unscored::PrivateTopLevel,
            ),
            ("_vlmcs._tcp", Unscored::PrivateTopLevel),
        ]);
    }
    for (name, why) in cases {
        let c = classify(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.outcome, Outcome::Unscored(why), "{name}");
        assert!(!why.to_string().is_empty());
    }
}

/// Every special-use domain of the registry, and a name under each, is answered: none is an
/// error, and none is scored.
#[test]
fn no_special_use_name_is_an_error() {
    let reverse_zones = ["10.in-addr.arpa", "168.192.in-addr.arpa", "8.e.f.ip6.arpa"];
    for domain in dga_classifier::SPECIAL_USE_DOMAINS
        .into_iter()
        .chain(reverse_zones)
    {
        for name in [domain.to_owned(), format!("host-1.{domain}")] {
            let c = classify(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                matches!(
                    c.outcome,
                    Outcome::Unscored(Unscored::SpecialUse { .. } | Unscored::ReverseLookup)
                ),
                "{name}: {:?}",
                c.outcome
            );
        }
    }
}

#[test]
fn errors_say_what_is_wrong() {
    let message = |input: &str| classify(input).unwrap_err().to_string();
    assert_eq!(message(""), "empty domain name");
    assert_eq!(message("a..b"), "empty label at byte 2");
    assert!(message(&"a".repeat(300)).contains("300 bytes long, over the limit of 253"));
    assert_eq!(
        message("exa\tmple.com"),
        "invalid character '\\t' at byte 3: a domain name has no control characters"
    );
    let why = |input: &str| match classify(input).unwrap().outcome {
        Outcome::Unscored(why) => why.to_string(),
        Outcome::Scored(_) => panic!("{input} was scored"),
    };
    assert_eq!(why("192.168.0.1"), "an IP address, not a domain name");
    assert!(why("xn--bcher-kva.de").contains("internationalised"));
    assert_eq!(
        why("exa_mple.com"),
        "the label to score has '_' at byte 3: not a host name any registry takes"
    );
}

#[test]
fn the_first_error_by_position_is_reported() {
    let error = |input: &str| classify(input).unwrap_err();
    // A bad character inside a label comes before that label's own faults.
    assert_eq!(
        error("a\t..com"),
        DomainError::InvalidCharacter {
            position: 1,
            character: '\t'
        }
    );
    // A faulty label before the bad character comes first.
    assert_eq!(error("a..b\tc"), DomainError::EmptyLabel { position: 2 });
    // The character is the whole of a non-ASCII one, at its first byte.
    assert_eq!(
        error("ab.c\u{9f}.com"),
        DomainError::InvalidCharacter {
            position: 4,
            character: '\u{9f}'
        }
    );
}

/// Explanations are measured against a typical legitimate label: over the legitimate labels of
/// the DDS validation split, each feature's contribution against the typical label is smaller
/// than its raw contribution (coefficient × value), so an ordinary name's bars are short.
#[test]
fn a_typical_legitimate_name_has_contributions_near_zero() {
    let Some(typical) = dga_classifier::MODEL.typical else {
        return; // the original model names no typical label
    };
    let path = "../shared/data/h2o-split/valid.csv";
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut header = text.lines().next().unwrap().split(',');
    let class = header.position(|c| c.trim_matches('"') == "class").unwrap();
    let scores: Vec<dga_classifier::Score> = text
        .lines()
        .skip(1)
        .filter(|row| row.split(',').nth(class).map(|c| c.trim_matches('"')) == Some("legit"))
        .map(|row| score(&features(row.split(',').nth(1).unwrap().trim_matches('"'))))
        .collect();
    assert!(scores.len() > 10_000, "{} legitimate labels", scores.len());
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    for (i, (feature, _)) in dga_classifier::MODEL.coefficients.iter().enumerate() {
        let versus = median(
            scores
                .iter()
                .map(|s| s.terms[i].versus_typical.abs())
                .collect(),
        );
        let raw = median(
            scores
                .iter()
                .map(|s| s.terms[i].contribution.abs())
                .collect(),
        );
        assert!(versus < raw, "{feature:?}: {versus} against {raw}");
        assert!(typical.values[i].is_finite());
    }
    // And the typical label itself is legitimate, most legitimate names scoring near it.
    assert!(typical.log_odds < 0.0, "{}", typical.log_odds);
}
