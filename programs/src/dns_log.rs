//! DNS logs as security teams hold them, read as [`Event`]s: Zeek `dns.log` (TSV with its
//! `#fields` header, or JSON), Suricata EVE JSON (`dns` events, v1, v2 and v3 layouts; events of
//! other types skipped) and CSV with a header (`ts,client,query,rcode`, any order, more columns
//! allowed). The format is told from the content, and gzip from its magic bytes, so files and
//! stdin need no flag.
//!
//! A line that is not an event of its format is a [`BadLine`] with its number and what is
//! wrong; reading goes on after it. Lines are read through a bounded buffer: a line longer than
//! [`MAX_LINE_BYTES`] is reported without being held in memory.

use dga_classifier::{Event, Rcode};
use serde::Deserialize;
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

/// Longest line read as a whole. DNS names are at most 253 bytes; Zeek lines with long answer
/// lists reach a few KiB.
pub const MAX_LINE_BYTES: usize = 1 << 16;

/// The log formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Zeek's `dns.log` as TSV, with its `#` header.
    ZeekTsv,
    /// Zeek's `dns.log` as JSON lines.
    ZeekJson,
    /// Suricata's EVE JSON.
    SuricataEve,
    /// CSV with a header naming `ts`, `client`, `query` and `rcode`.
    Csv,
}

impl Format {
    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::ZeekTsv => "Zeek TSV",
            Format::ZeekJson => "Zeek JSON",
            Format::SuricataEve => "Suricata EVE JSON",
            Format::Csv => "CSV",
        }
    }
}

/// A line that is not an event, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct BadLine {
    /// Its number, from 1.
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// Where each field is, once a header has said.
#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    client: usize,
    query: usize,
    rcode: Option<usize>,
    rcode_name: Option<usize>,
    count: usize,
}

/// What a line turned out to be.
enum Parsed<'a> {
    Event(Fields<'a>),
    /// A header, a comment, a blank line, or an event of another type: nothing to observe.
    Skip,
}

/// An event's fields, as the line has them.
struct Fields<'a> {
    time: i64,
    client: Cow<'a, str>,
    query: Cow<'a, str>,
    rcode: Rcode,
}

/// What the lines read so far have said about the rest.
struct Parser {
    format: Option<Format>,
    columns: Option<Columns>,
    /// Zeek TSV's separator, and its markers of an unset and an empty field.
    separator: u8,
    unset: String,
    empty: String,
}

/// The DNS root as a query name: what Zeek logs as an empty query (`(empty)` in TSV, `""` in
/// JSON) and Suricata as `<root>`, a resolver asking for the root's name servers.
const ROOT: &str = ".";

/// Reads one log: its format told from its first line.
pub struct LogReader {
    input: Box<dyn BufRead>,
    line: Vec<u8>,
    number: u64,
    parser: Parser,
    /// The last event's client and query, their buffers reused from event to event.
    client: String,
    query: String,
}

impl LogReader {
    /// A reader of `input`, gzip or plain.
    pub fn new(input: impl Read + 'static) -> std::io::Result<LogReader> {
        let mut buffered = BufReader::with_capacity(1 << 16, input);
        let gzip = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        let input: Box<dyn BufRead> = if gzip {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        Ok(LogReader {
            input,
            line: Vec::with_capacity(1024),
            number: 0,
            parser: Parser {
                format: None,
                columns: None,
                separator: b'\t',
                unset: String::from("-"),
                empty: String::from("(empty)"),
            },
            client: String::new(),
            query: String::new(),
        })
    }

    /// The number of the line read last, from 1.
    pub fn line_number(&self) -> u64 {
        self.number
    }

    /// The format, once the first line has told it.
    pub fn format(&self) -> Option<Format> {
        self.parser.format
    }

    /// The next event, or the next bad line; `None` at the end. An I/O error (a truncated gzip
    /// stream among them) ends the reading.
    #[allow(clippy::type_complexity)]
    pub fn next_event(&mut self) -> std::io::Result<Option<Result<Event<'_>, BadLine>>> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            let number = self.number;
            match self.parser.parse(&self.line) {
                Ok(Parsed::Skip) => continue,
                Ok(Parsed::Event(fields)) => {
                    self.client.clear();
                    self.client.push_str(&fields.client);
                    self.query.clear();
                    self.query.push_str(&fields.query);
                    return Ok(Some(Ok(Event {
                        time: fields.time,
                        client: &self.client,
                        query: &self.query,
                        rcode: fields.rcode,
                    })));
                }
                Err(reason) => {
                    return Ok(Some(Err(BadLine {
                        line: number,
                        reason,
                    })))
                }
            }
        }
    }

    /// Reads the next line into `self.line` without its end; a longer line than
    /// [`MAX_LINE_BYTES`] keeps only its start and is marked by `self.line` being full.
    fn read_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
        let mut any = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, used, done) = match memchr(b'\n', available) {
                Some(end) => (&available[..end], end + 1, true),
                None => (available, available.len(), false),
            };
            let room = (MAX_LINE_BYTES + 1).saturating_sub(self.line.len());
            self.line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.input.consume(used);
            if done {
                break;
            }
        }
        if any {
            self.number += 1;
        }
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        Ok(any)
    }
}

impl Parser {
    fn parse<'a>(&mut self, line: &'a [u8]) -> Result<Parsed<'a>, String> {
        if line.len() > MAX_LINE_BYTES {
            return Err(format!("line longer than {MAX_LINE_BYTES} bytes"));
        }
        let line = std::str::from_utf8(line)
            .map_err(|e| format!("not UTF-8 (byte {})", e.valid_up_to()))?;
        if line.trim().is_empty() {
            return Ok(Parsed::Skip);
        }
        let format = match self.format {
            Some(format) => format,
            None => {
                let format = detect(line);
                self.format = Some(format);
                format
            }
        };
        match format {
            Format::ZeekTsv => self.zeek_tsv(line),
            Format::ZeekJson | Format::SuricataEve => json_event(line),
            Format::Csv => self.csv(line),
        }
    }

    fn zeek_tsv<'a>(&mut self, line: &'a str) -> Result<Parsed<'a>, String> {
        if let Some(header) = line.strip_prefix('#') {
            let (key, value) = header
                .split_once(char::from(self.separator))
                .or_else(|| header.split_once(' '))
                .unwrap_or((header, ""));
            match key {
                "separator" => {
                    self.separator = value
                        .strip_prefix("\\x")
                        .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                        .or_else(|| value.bytes().next())
                        .ok_or_else(|| format!("unreadable #separator {value:?}"))?;
                }
                "unset_field" => self.unset = value.to_owned(),
                "empty_field" => self.empty = value.to_owned(),
                "fields" => {
                    let names: Vec<&str> = value.split(char::from(self.separator)).collect();
                    self.columns = Some(columns(&names, ["ts", "id.orig_h", "query"])?);
                }
                _ => {}
            }
            return Ok(Parsed::Skip);
        }
        let columns = self
            .columns
            .ok_or("an event before the #fields header: not a Zeek TSV log")?;
        let fields: Vec<&str> = line.split(char::from(self.separator)).collect();
        if fields.len() != columns.count {
            return Err(format!(
                "{} fields where the #fields header names {}",
                fields.len(),
                columns.count
            ));
        }
        let unset = self.unset.as_str();
        let field = |i: usize| -> &'a str {
            match fields.get(i).copied() {
                Some(value) if value != unset => value,
                _ => "",
            }
        };
        let rcode = match (columns.rcode, columns.rcode_name) {
            (Some(i), _) if !field(i).is_empty() => rcode_number(field(i))?,
            (_, Some(i)) if !field(i).is_empty() => rcode_name(field(i))?,
            _ => Rcode::Unanswered,
        };
        let query = match fields.get(columns.query) {
            Some(&value) if value == self.empty => ROOT,
            _ => field(columns.query),
        };
        Ok(Parsed::Event(Fields {
            time: parse_time(field(columns.time))?,
            client: Cow::Borrowed(field(columns.client)),
            query: Cow::Borrowed(query),
            rcode,
        }))
    }

    fn csv<'a>(&mut self, line: &'a str) -> Result<Parsed<'a>, String> {
        let fields = csv_fields(line)?;
        let Some(columns) = self.columns else {
            let names: Vec<&str> = fields.iter().map(|f| f.trim()).collect();
            self.columns = Some(columns(&names, ["ts", "client", "query"])?);
            return Ok(Parsed::Skip);
        };
        if fields.len() != columns.count {
            return Err(format!(
                "{} fields where the header names {}",
                fields.len(),
                columns.count
            ));
        }
        let field = |i: usize| fields.get(i).map_or("", |f| f.trim());
        let rcode = match columns.rcode.map(field) {
            None | Some("") => Rcode::Unanswered,
            Some(code) if code.bytes().all(|b| b.is_ascii_digit()) => rcode_number(code)?,
            Some(name) => rcode_name(name)?,
        };
        Ok(Parsed::Event(Fields {
            time: parse_time(field(columns.time))?,
            client: Cow::Owned(field(columns.client).to_owned()),
            query: Cow::Owned(field(columns.query).to_owned()),
            rcode,
        }))
    }
}

/// The format a log's first line shows.
fn detect(first: &str) -> Format {
    let first = first.trim_start();
    if first.starts_with('#') {
        Format::ZeekTsv
    } else if first.starts_with('{') {
        if first.contains("\"event_type\"") {
            Format::SuricataEve
        } else {
            Format::ZeekJson
        }
    } else {
        Format::Csv
    }
}

/// Where the columns are among `names`: `required` are time, client and query; the response
/// code is `rcode` (a number or a name) or `rcode_name`.
fn columns(names: &[&str], required: [&str; 3]) -> Result<Columns, String> {
    let find = |name: &str| names.iter().position(|n| *n == name);
    let [time, client, query] = required;
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            format!(
                "the header has no `{name}` column (it names {})",
                names.join(", ")
            )
        })
    };
    let (rcode, rcode_name) = (find("rcode"), find("rcode_name"));
    if rcode.is_none() && rcode_name.is_none() {
        return Err(format!(
            "the header has no `rcode` or `rcode_name` column (it names {})",
            names.join(", ")
        ));
    }
    Ok(Columns {
        time: need(time)?,
        client: need(client)?,
        query: need(query)?,
        rcode,
        rcode_name,
        count: names.len(),
    })
}

fn rcode_number(code: &str) -> Result<Rcode, String> {
    code.parse()
        .map(Rcode::from_code)
        .map_err(|_| format!("response code {code:?} is not a number"))
}

fn rcode_name(name: &str) -> Result<Rcode, String> {
    Rcode::from_name(name).ok_or_else(|| format!("unknown response code {name:?}"))
}

/// A CSV line's fields (RFC 4180 quoting within the line).
fn csv_fields(line: &str) -> Result<Vec<Cow<'_, str>>, String> {
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut inner = quoted;
            loop {
                let end = inner.find('"').ok_or("a quoted field is not closed")?;
                value.push_str(&inner[..end]);
                inner = &inner[end + 1..];
                match inner.strip_prefix('"') {
                    Some(after) => {
                        value.push('"');
                        inner = after;
                    }
                    None => break,
                }
            }
            fields.push(Cow::Owned(value));
            match inner.strip_prefix(',') {
                Some(after) => rest = after,
                None if inner.is_empty() => break,
                None => return Err(String::from("text after a quoted field")),
            }
        } else {
            match rest.split_once(',') {
                Some((field, after)) => {
                    fields.push(Cow::Borrowed(field));
                    rest = after;
                }
                None => {
                    fields.push(Cow::Borrowed(rest));
                    break;
                }
            }
        }
    }
    Ok(fields)
}

/// A time as logs write it: Unix seconds with a fraction (`1521911720.865716`) or RFC 3339
/// (`2018-03-24T17:15:20.865716Z`, `2017-05-04T18:23:51.123456+0000`).
fn parse_time(text: &str) -> Result<i64, String> {
    let bad = || format!("time {text:?} is neither Unix seconds nor RFC 3339");
    if text.contains('T') || text.contains(' ') && text.contains('-') {
        return rfc3339(text).ok_or_else(bad);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let negative = whole.starts_with('-');
    let seconds: i64 = whole.parse().map_err(|_| bad())?;
    let micros = fraction_micros(fraction).ok_or_else(bad)?;
    let micros = if negative { -micros } else { micros };
    seconds
        .checked_mul(1_000_000)
        .and_then(|s| s.checked_add(micros))
        .ok_or_else(bad)
}

/// The first six digits of a fraction of a second, as microseconds.
fn fraction_micros(digits: &str) -> Option<i64> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(6)
            .fold(0, |n, b| n * 10 + i64::from(b - b'0')),
    )
}

fn rfc3339(text: &str) -> Option<i64> {
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let (year, month, day) = (
        number(date_parts.next()?)?,
        number(date_parts.next()?)?,
        number(date_parts.next()?)?,
    );
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut clock_parts = clock.splitn(3, ':');
    let (hour, minute, second) = (
        number(clock_parts.next()?)?,
        number(clock_parts.next()?)?,
        number(clock_parts.next()?)?,
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let offset_minutes = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            sign * (number(&digits[..2])? * 60 + number(&digits[2..])?)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000_000 + fraction_micros(fraction)?)
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `micros` since the Unix epoch as RFC 3339 in UTC, to the microsecond:
/// `2018-03-24T17:15:20.865716Z`.
pub fn format_time(micros: i64) -> String {
    dga_classifier::Rfc3339(micros).to_string()
}

/// A JSON time: Unix seconds as a number, or a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum JsonTime<'a> {
    Seconds(f64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

/// The fields of a Zeek JSON or Suricata EVE line that an event needs.
#[derive(Deserialize)]
struct JsonLine<'a> {
    // Zeek
    ts: Option<JsonTime<'a>>,
    #[serde(rename = "id.orig_h", borrow)]
    orig_h: Option<Cow<'a, str>>,
    #[serde(borrow)]
    query: Option<Cow<'a, str>>,
    rcode: Option<u16>,
    #[serde(borrow)]
    rcode_name: Option<Cow<'a, str>>,
    // Suricata
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    event_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    src_ip: Option<Cow<'a, str>>,
    src_port: Option<u16>,
    #[serde(borrow)]
    dest_ip: Option<Cow<'a, str>>,
    #[serde(borrow)]
    dns: Option<EveDns<'a>>,
}

/// Suricata's `dns` object: v1 and v2 put the name in `rrname`, v3 in `queries[0].rrname`.
#[derive(Deserialize)]
struct EveDns<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    rrname: Option<Cow<'a, str>>,
    #[serde(borrow)]
    rcode: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    queries: Vec<EveQuery<'a>>,
}

#[derive(Deserialize)]
struct EveQuery<'a> {
    #[serde(borrow)]
    rrname: Option<Cow<'a, str>>,
}

fn json_event(line: &str) -> Result<Parsed<'_>, String> {
    let mut parsed: JsonLine = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(kind) = parsed.event_type.take() {
        return eve_event(&kind, parsed);
    }
    let time = match parsed.ts.ok_or("no `ts`")? {
        JsonTime::Seconds(seconds) => (seconds * 1e6).round() as i64,
        JsonTime::Text(text) => parse_time(&text)?,
    };
    let rcode = match (parsed.rcode, parsed.rcode_name) {
        (Some(code), _) => Rcode::from_code(code),
        (None, Some(name)) => rcode_name(&name)?,
        (None, None) => Rcode::Unanswered,
    };
    Ok(Parsed::Event(Fields {
        time,
        client: parsed.orig_h.ok_or("no `id.orig_h`")?,
        query: match parsed.query {
            Some(query) if query.is_empty() => Cow::Borrowed(ROOT),
            query => query.unwrap_or_default(),
        },
        rcode,
    }))
}

fn eve_event<'a>(kind: &str, line: JsonLine<'a>) -> Result<Parsed<'a>, String> {
    if kind != "dns" {
        return Ok(Parsed::Skip);
    }
    let dns = line.dns.ok_or("a dns event without `dns`")?;
    let answer = matches!(dns.kind.as_deref(), Some("answer" | "response"));
    // The client is the side that is not port 53; without ports, an answer goes to `dest_ip`.
    let client = if line.src_port == Some(53) || (answer && line.src_port.is_none()) {
        line.dest_ip
    } else {
        line.src_ip
    };
    let query = match dns
        .rrname
        .or_else(|| dns.queries.into_iter().find_map(|q| q.rrname))
    {
        Some(name) if name == "<root>" => Cow::Borrowed(ROOT),
        name => name.unwrap_or_default(),
    };
    let rcode = match dns.rcode {
        Some(name) => rcode_name(&name)?,
        None => Rcode::Unanswered,
    };
    Ok(Parsed::Event(Fields {
        time: parse_time(&line.timestamp.ok_or("no `timestamp`")?)?,
        client: client.ok_or("no client address")?,
        query,
        rcode,
    }))
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::{format_time, parse_time};

    #[test]
    fn times_round_trip_through_rfc_3339() {
        for micros in [
            0,
            1_521_911_720_865_716,
            951_782_400_000_001,
            -1,
            4_102_444_800_000_000,
        ] {
            assert_eq!(parse_time(&format_time(micros)), Ok(micros), "{micros}");
        }
        assert_eq!(parse_time("1521911720.865716"), Ok(1_521_911_720_865_716));
        assert_eq!(
            parse_time("2018-03-24T17:15:20.865716Z"),
            Ok(1_521_911_720_865_716)
        );
        assert_eq!(
            parse_time("2018-03-24T18:15:20.865716+0100"),
            Ok(1_521_911_720_865_716)
        );
        assert_eq!(
            parse_time("2018-03-24T10:15:20.865716-07:00"),
            Ok(1_521_911_720_865_716)
        );
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2018-13-24T17:15:20Z").is_err());
    }
}
