//! The C API as C programs use it: `tests/c/api_test.c` and `examples/classify_stdin.c`, compiled
//! by the system C compiler (`cc`, or `$CC`) with warnings as errors, against the static and the
//! shared library cargo built beside this test, and run.

use dga_classifier::{classify, Outcome, MODEL};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `target/<profile>/deps`, beside this test: where cargo put the `libdga_classifier_c.{a,so}`
/// it built for it (only `cargo build` copies them up to `target/<profile>`). Another build can
/// write there too, so each program says which model it was linked with and the tests check it.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().to_path_buf()
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles `source` into `output` with `cc`, `link` saying how the library comes in.
fn compile(source: &str, output: &Path, link: &[String]) {
    let compiler = std::env::var("CC").unwrap_or_else(|_| String::from("cc"));
    let status = Command::new(&compiler)
        .args([
            "-std=c11",
            "-O1",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
        ])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join(source))
        .args(link)
        .arg("-o")
        .arg(output)
        .status()
        .unwrap_or_else(|e| panic!("{compiler} does not run: {e}"));
    assert!(status.success(), "{compiler} failed on {source}");
}

#[test]
fn c_test_program_passes_against_the_static_library() {
    let dir = library_dir();
    let binary = dir.join("c_api_test");
    let mut link = vec![dir.join("libdga_classifier_c.a").display().to_string()];
    // What `cargo rustc -- --print native-static-libs` names for a Linux staticlib.
    link.extend(
        [
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ]
        .map(String::from),
    );
    compile("tests/c/api_test.c", &binary, &link);
    let output = Command::new(&binary).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("all checks passed (model {})\n", MODEL.name)
    );
}

/// What `classify_stdin` prints for `name`, as the Rust library scores it.
fn expected_line(name: &[u8]) -> String {
    let text = String::from_utf8_lossy(name);
    let shown: String = name
        .iter()
        .take(40)
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect();
    let Ok(name) = std::str::from_utf8(name) else {
        return format!("{shown}\terror\t2\t");
    };
    match classify(name) {
        Ok(c) => {
            let s = match c.outcome {
                Outcome::Scored(s) => s,
                Outcome::Unscored(why) => {
                    return format!(
                        "{text}\tunscored\t{}\t{}\t{}\t{why}",
                        c.label,
                        c.suffix,
                        why.name()
                    )
                }
            };
            let verdict = format!("{:?}", s.verdict).to_lowercase();
            let mut line = format!(
                "{text}\tok\t{}\t{}\t{}\t{verdict}\t{}\t{}",
                c.label,
                c.suffix,
                c.suffix_kind.name(),
                s.p_malicious,
                s.log_odds
            );
            for term in s.terms {
                line += &format!(
                    "\t{}={}:{}",
                    term.feature.name(),
                    term.value,
                    term.contribution
                );
            }
            line
        }
        Err(error) => format!("{shown}\terror\t\t{error}"),
    }
}

/// Reads a `%.17g` field back: the exact double C printed.
fn exact(field: &str) -> String {
    field
        .parse::<f64>()
        .map_or(field.to_owned(), |v| v.to_string())
}

/// `classify_stdin`'s line with every number printed as Rust prints it, and the status code
/// dropped (the Rust side names errors by message): comparable with [`expected_line`].
fn normalised(line: &str) -> String {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.get(1) == Some(&"error") {
        // "2" stays for a non-UTF-8 line, whose message the Rust library has no equivalent of.
        let status = if fields[2] == "2" { "2" } else { "" };
        let message = if fields[2] == "2" { "" } else { fields[3] };
        return format!("{}\terror\t{status}\t{message}", fields[0]);
    }
    if fields.get(1) == Some(&"unscored") {
        return line.to_owned();
    }
    let mut out: Vec<String> = fields[..6].iter().map(|f| f.to_string()).collect();
    out.push(exact(fields[6]));
    out.push(exact(fields[7]));
    for term in &fields[8..] {
        let (name, numbers) = term.split_once('=').unwrap();
        let (value, contribution) = numbers.split_once(':').unwrap();
        out.push(format!("{name}={}:{}", exact(value), exact(contribution)));
    }
    out.join("\t")
}

#[test]
fn c_example_scores_the_validation_hosts_exactly_as_the_library_does() {
    let dir = library_dir();
    let binary = dir.join("c_classify_stdin");
    let link = [
        format!("-L{}", dir.display()),
        String::from("-ldga_classifier_c"),
        format!("-Wl,-rpath,{}", dir.display()),
    ];
    compile("examples/classify_stdin.c", &binary, &link);

    let valid =
        std::fs::read_to_string(crate_dir().join("../../../shared/data/h2o-split/valid.csv"))
            .expect("../shared/data/h2o-split/valid.csv: clone this repository beside shared/");
    let mut names: Vec<Vec<u8>> = valid
        .lines()
        .skip(1)
        .map(|row| {
            row.split(',')
                .next()
                .unwrap()
                .trim_matches('"')
                .as_bytes()
                .to_vec()
        })
        .collect();
    assert!(names.len() > 20_000, "{} validation hosts", names.len());
    names.extend([
        b"exa\0mple.com".to_vec(),
        vec![b'a'; 10 * 1024],
        b"\xffabc.com".to_vec(),
        b"MAIL.Google.co.uk.".to_vec(),
        b"my-lb-1234567890.us-east-1.elb.amazonaws.com".to_vec(),
        b"_ldap._tcp.dc._msdcs.corp.example.com".to_vec(),
        b"1.0.0.127.in-addr.arpa".to_vec(),
        b"x.onion".to_vec(),
        b"exa_mple.com".to_vec(),
        "b\u{fc}cher.de".as_bytes().to_vec(),
    ]);
    let mut input = Vec::new();
    for name in &names {
        input.extend_from_slice(name);
        input.push(b'\n');
    }

    let mut child = Command::new(&binary)
        // cargo's LD_LIBRARY_PATH, which outranks the rpath, names `target/<profile>` too, where
        // `cargo build` may have left a library built with another model.
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("model {}\n", MODEL.name),
        "linked with the library this test was built with"
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "three lines are not host names"
    );

    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), names.len(), "one line out per name in");
    let mut errors = 0;
    for (name, line) in names.iter().zip(&lines) {
        errors += usize::from(line.contains("\terror\t"));
        assert_eq!(
            normalised(line),
            expected_line(name),
            "for {:?}",
            String::from_utf8_lossy(name)
        );
    }
    assert_eq!(errors, 3);
}
