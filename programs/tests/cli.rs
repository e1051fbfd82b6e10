//! The command-line scorer, run for real: arguments, files, stdin, both formats, exit codes.

mod support;

use dga_classifier::MODEL;
use std::io::Write;
use std::process::{Child, Output};

/// The scorer, started with `args` and every stream piped.
fn spawn(args: &[&str]) -> Child {
    support::spawn_program(env!("CARGO_BIN_EXE_dga-classify"), args)
}

fn run(args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    support::run_program(env!("CARGO_BIN_EXE_dga-classify"), args, stdin)
}

#[test]
fn csv_from_arguments_in_order() {
    let output = run(&["google.com", "zyxgifnjobqhzptuodmzov.ru"], "");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let features: Vec<String> = MODEL
        .coefficients
        .iter()
        .map(|(f, _)| format!("{0},{0}_contribution", f.name()))
        .collect();
    assert_eq!(
        lines[0],
        format!(
            "domain,scored_label,suffix,suffix_kind,verdict,unscored,reason,p_malicious,flagged_at_false_positive_rate,log_odds,intercept,{}",
            features.join(",")
        )
    );
    assert_eq!(lines.len(), 3);
    let row: Vec<&str> = lines[2].split(',').collect();
    let c = dga_classifier::classify("zyxgifnjobqhzptuodmzov.ru").unwrap();
    assert_eq!(
        &row[..5],
        [
            "zyxgifnjobqhzptuodmzov.ru",
            "zyxgifnjobqhzptuodmzov",
            "ru",
            "icann",
            "malicious"
        ]
    );
    assert_eq!(
        &row[5..7],
        ["", ""],
        "a scored name has no reason not to be"
    );
    let number = |i: usize| row[i].parse::<f64>().unwrap();
    let score = c.score().unwrap();
    assert_eq!(number(7), score.p_malicious);
    assert_eq!(Some(number(8)), score.flagged_at_false_positive_rate());
    assert_eq!(number(9), score.log_odds);
    assert_eq!(number(10), score.intercept);
    assert_eq!(row.len(), 11 + 2 * score.terms.len());
    for (i, term) in score.terms.iter().enumerate() {
        assert_eq!(number(11 + 2 * i), term.value);
        assert_eq!(number(12 + 2 * i), term.contribution);
    }
    assert!(lines[1].starts_with("google.com,google,com,icann,legitimate,"));
}

#[test]
fn every_line_gets_a_row_and_invalid_ones_fail_the_run() {
    let dir = std::env::temp_dir().join(format!("dga-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("domains.txt");
    std::fs::write(
        &file,
        "google.com\nexa\tmple.com\n\nwww.wikipedia.org\n_dmarc.x.onion\n# a comment\n",
    )
    .unwrap();
    let output = run(&["--format", "jsonl", "--file", file.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One row per line, so that the output lines up with the input.
    let verdicts: Vec<&str> = rows
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "legitimate",
            "error",
            "skipped",
            "legitimate",
            "unscored",
            "skipped"
        ]
    );
    assert_eq!(rows[0]["domain"], "google.com");
    assert_eq!(rows[1]["domain"], "exa\\tmple.com", "echoed, escaped");
    assert!(rows[1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("invalid character '\\t' at byte 3"));
    assert!(rows[1]["p_malicious"].is_null());
    assert_eq!(
        (&rows[2]["reason"], &rows[5]["reason"]),
        (&"blank line".into(), &"comment".into())
    );
    assert_eq!(rows[4]["unscored"], "special-use");
    assert_eq!(rows[4]["scored_label"], "x");
    assert!(rows[4]["log_odds"].is_null());
    let rows = &rows[2..];
    assert_eq!(rows[1]["scored_label"], "wikipedia");
    // The same fields as the CSV, the numbers the library's to the bit.
    let c = dga_classifier::classify("www.wikipedia.org").unwrap();
    assert_eq!(
        rows[1]["p_malicious"].as_f64(),
        Some(c.score().unwrap().p_malicious)
    );
    for term in c.score().unwrap().terms {
        let name = term.feature.name();
        assert_eq!(rows[1][name].as_f64(), Some(term.value), "{name}");
        let contribution = format!("{name}_contribution");
        assert_eq!(
            rows[1][&contribution].as_f64(),
            Some(term.contribution),
            "{name}"
        );
    }
    let stderr = String::from_utf8(output.stderr).unwrap();
    let name = file.display();
    assert!(
        stderr.contains(&format!("{name}:2: invalid character '\\t' at byte 3")),
        "{stderr}"
    );
    // A blank line is skipped, not invalid; so is a name not scored.
    assert!(!stderr.contains(&format!("{name}:3:")), "{stderr}");
    assert!(stderr.contains("6 lines, 1 invalid"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn reads_stdin_when_given_nothing_else() {
    let input: String = (0..70_000)
        .map(|i| {
            if i % 2 == 0 {
                "google.com\n"
            } else {
                "xjwqpzkvbrtmh.net\n"
            }
        })
        .collect();
    let output = run(&[], &input);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // More lines than one batch, still in input order.
    assert_eq!(stdout.lines().count(), 70_001);
    assert!(stdout
        .lines()
        .skip(1)
        .step_by(2)
        .all(|l| l.starts_with("google.com,google,com,icann,legitimate,")));
    assert!(stdout
        .lines()
        .skip(2)
        .step_by(2)
        .all(|l| l.starts_with("xjwqpzkvbrtmh.net,xjwqpzkvbrtmh,net,icann,malicious,")));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["--format", "xml"], "").status.code(), Some(2));
    assert_eq!(
        run(&["--file", "/nonexistent/domains.txt"], "")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn fpr_picks_the_operating_point() {
    let name = support::name_between_operating_points();
    let score = dga_classifier::classify(name)
        .unwrap()
        .score()
        .copied()
        .unwrap();
    let mut verdicts = Vec::new();
    for point in MODEL.operating_points {
        let rate = point.false_positive_rate.to_string();
        let output = run(&["--fpr", &rate, name], "");
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let row = stdout.lines().nth(1).unwrap();
        let want = match point.verdict(&score) {
            dga_classifier::Verdict::Malicious => ",malicious,",
            dga_classifier::Verdict::Legitimate => ",legitimate,",
        };
        assert!(row.contains(want), "--fpr {rate}: {row}");
        verdicts.push(want);
    }
    verdicts.dedup();
    assert_eq!(verdicts.len(), 2, "the verdict did not change with --fpr");
    let output = run(&["--fpr", "0.37", name], "");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no operating point"), "{stderr}");
}

#[test]
fn junk_lines_are_reported_and_the_run_goes_on() {
    let mut input = b"google.com\n\n# a comment\n   \nbad\xffname.com\n".to_vec();
    input.extend(std::iter::repeat_n(b'a', 1 << 20));
    input.extend(b"\nexa\x01mple.com\nwikipedia.org\r\nzyxgifnjobqhzptuodmzov.ru");
    let output = run(&[], &input);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<(&str, &str)> = stdout
        .lines()
        .skip(1)
        .map(|l| {
            let mut fields = l.split(',');
            (fields.next().unwrap(), fields.nth(3).unwrap())
        })
        .collect();
    // A row for every line, the bad ones as errors, echoed escaped.
    assert_eq!(
        rows,
        [
            ("google.com", "legitimate"),
            ("", "skipped"),
            ("# a comment", "skipped"),
            ("", "skipped"),
            ("bad\\xffname.com", "error"),
            (&*format!("{}...", "a".repeat(100)), "error"),
            ("exa\\x01mple.com", "error"),
            ("wikipedia.org", "legitimate"),
            ("zyxgifnjobqhzptuodmzov.ru", "malicious"),
        ]
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("stdin:")).collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(
        errors[0].starts_with("dga-classify: stdin:5: not UTF-8: \"bad\\xffname.com\""),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("dga-classify: stdin:6: a line of 1048576 bytes"),
        "{}",
        errors[1]
    );
    assert!(
        errors[1].len() < 200,
        "the error echoes at most ~100 bytes: {} bytes",
        errors[1].len()
    );
    assert!(
        errors[2].starts_with("dga-classify: stdin:7: invalid character '\\u{1}'"),
        "{}",
        errors[2]
    );
}

#[test]
fn help_and_unopenable_inputs() {
    let help = run(&["--help"], "");
    assert_eq!(help.status.code(), Some(0));
    let usage = String::from_utf8(help.stdout).unwrap();
    assert!(usage.starts_with("usage: dga-classify"), "{usage}");
    assert!(usage.contains("--fpr RATE"), "{usage}");
    let missing = run(&["google.com", "--file", "/nonexistent/domains.txt"], "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty(), "no header, no rows: {missing:?}");
    let unknown = run(&["--colour"], "");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8(unknown.stderr)
        .unwrap()
        .contains("unknown option --colour"));
}

#[test]
fn a_pipe_fed_slowly_is_scored_as_it_comes() {
    let mut child = spawn(&["--format", "jsonl"]);
    let mut stdin = child.stdin.take().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (rows, arrived) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufRead::lines(stdout) {
            rows.send(line.unwrap()).unwrap();
        }
    });
    for domain in ["google.com", "xjwqpzkvbrtmh.net"] {
        writeln!(stdin, "{domain}").unwrap();
        // stdin stays open: the row must come before the input ends, not with it.
        let row = arrived
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no row for {domain} while the input stays open: {e}"));
        let row: serde_json::Value = serde_json::from_str(&row).unwrap();
        assert_eq!(row["domain"], domain);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

#[test]
fn options_as_unix_tools_take_them() {
    // `--name=value`, and `--` before a name that starts like an option.
    let output = run(&["--fpr=0.01", "--", "-notaflag.com", "google.com"], "");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "-notaflag.com and google.com: {stdout}");
    assert!(
        rows[0].starts_with("-notaflag.com,-notaflag,com,icann,unscored,not-a-host-name,"),
        "{stdout}"
    );
    for (args, message) in [
        (
            &["-x"][..],
            "dga-classify: unknown option -x (dga-classify --help for usage)",
        ),
        (
            &["--format", "xml"],
            "dga-classify: --format takes csv or jsonl, not \"xml\"",
        ),
        (
            &["--format=csv=x"],
            "dga-classify: --format takes csv or jsonl, not \"csv=x\"",
        ),
        (&["--file", "/"], "dga-classify: /: is a directory"),
        (
            &["--fpr"],
            "dga-classify: --fpr needs a false-positive rate",
        ),
    ] {
        let output = run(args, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: nothing written before the error"
        );
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let mut child = spawn(&[]);
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    let names: String = (0..200_000)
        .map(|i| format!("host{i}.example.com\n"))
        .collect();
    let writer = std::thread::spawn(move || input.write_all(names.as_bytes()));
    let output = child.wait_with_output().unwrap();
    let _ = writer.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        output.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `dga-serve --help | grep -q usage` closes the pipe at the first line; the rest of the text
/// then meets a reader that has gone, which must end the program quietly, not in a panic
/// (`println!`'s) with exit code 101.
#[test]
fn every_program_s_help_into_a_closed_pipe_exits_0() {
    for program in [
        env!("CARGO_BIN_EXE_dga-serve"),
        env!("CARGO_BIN_EXE_dga-classify"),
        env!("CARGO_BIN_EXE_dga-hunt"),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let help = std::process::Command::new(program)
            .arg("--help")
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(help.status.code(), Some(0), "{program}: {help:?}");
        assert!(help.stderr.is_empty(), "{program}: {help:?}");
    }
}
