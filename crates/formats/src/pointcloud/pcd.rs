//! The header of a PCD file, read from the file's first bytes.

// A `Problem` is these functions' one error, met once per file: returned as it is rather than
// boxed, which keeps the signatures the callers expect.
#![allow(clippy::result_large_err)]

use wharf_model::{Problem, ProblemCode};

/// Largest point count, width, height or field count accepted: 2^40. Beyond it a value is a
/// typo or garbage, and refusing it keeps every size computation far from overflow.
pub const MAX_POINTS: u64 = 1 << 40;

/// How the points follow the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcdData {
    /// One point a line, as text.
    Ascii,
    /// Packed records, `Σ size × count` bytes a point.
    Binary,
    /// LZF-compressed columns after two 32-bit words (compressed and uncompressed size).
    BinaryCompressed,
}

impl PcdData {
    /// The word the `DATA` line uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ascii => "ascii",
            Self::Binary => "binary",
            Self::BinaryCompressed => "binary_compressed",
        }
    }
}

/// What a PCD header says.
#[derive(Debug, Clone, PartialEq)]
pub struct PcdHeader {
    /// `VERSION`, as written (`0.7`, `.7`).
    pub version: Option<String>,
    /// `FIELDS` (or the legacy `COLUMNS`): the field names, e.g. `x y z intensity`.
    pub fields: Vec<String>,
    /// `SIZE`: bytes of one value of each field (1, 2, 4 or 8).
    pub sizes: Vec<u32>,
    /// `TYPE`: `I` (signed), `U` (unsigned) or `F` (float), one per field.
    pub types: Vec<char>,
    /// `COUNT`: values per field; 1 for every field when the header leaves it out.
    pub counts: Vec<u32>,
    pub width: u64,
    /// 1 for an unorganised cloud.
    pub height: u64,
    /// `POINTS`, always `width × height`.
    pub points: u64,
    /// `VIEWPOINT`: translation (x y z) then orientation quaternion (w x y z).
    pub viewpoint: Option<[f64; 7]>,
    pub data: PcdData,
}

/// A non-comment header line: its number, key and values.
struct Line<'h> {
    number: u64,
    key: &'h str,
    values: Vec<&'h str>,
}

/// The header lines of a head, up to the `DATA` line.
struct Split<'h> {
    lines: Vec<Line<'h>>,
    /// Bytes up to and including the `DATA` line's newline, when the head holds it.
    end: Option<u64>,
    /// The line, and its first bad byte, where the head stopped being UTF-8.
    not_utf8: Option<(u64, u8)>,
}

fn split(head: &[u8]) -> Split<'_> {
    let mut out = Split {
        lines: Vec::new(),
        end: None,
        not_utf8: None,
    };
    // A byte order mark is no part of the first key; it still counts in the header's length.
    let mut pos = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut number = 0;
    while let Some(rest) = head.get(pos..).filter(|rest| !rest.is_empty()) {
        number += 1;
        let (raw, next, complete) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], pos + i + 1, true),
            None => (rest, head.len(), false),
        };
        pos = next;
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text.trim(),
            Err(e) => {
                let byte = raw.get(e.valid_up_to()).copied().unwrap_or_default();
                out.not_utf8 = Some((number, byte));
                return out;
            }
        };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let mut tokens = text.split_ascii_whitespace();
        let Some(key) = tokens.next() else { continue };
        // A line the head cuts short is not read: its last value may be cut too. Only `DATA`
        // may end the head without a newline, as it ends a file of no points.
        if !complete && key != "DATA" {
            return out;
        }
        out.lines.push(Line {
            number,
            key,
            values: tokens.collect(),
        });
        if key == "DATA" {
            out.end = Some(next as u64);
            return out;
        }
    }
    out
}

/// Bytes of the header at the start of `head`: up to and including the `DATA` line's newline.
/// `None` when the head does not hold a whole header or is not text up to it.
pub fn pcd_header_len(head: &[u8]) -> Option<u64> {
    split(head).end
}

/// Reads the PCD header at the start of `head`, the first bytes of `file`. The points are not
/// looked at; a few KiB of head is enough for any real header.
pub fn read_pcd_header(head: &[u8], file: &str) -> Result<PcdHeader, Problem> {
    let split = split(head);
    let mut seen = Seen::default();
    for line in &split.lines {
        seen.read(line, file)?;
    }
    if let Some((line, byte)) = split.not_utf8 {
        let message = format!(
            "Line {line} of the PCD header holds byte 0x{byte:02X}, which is not UTF-8 text: the header must be plain ASCII, or this is not a PCD file."
        );
        return Err(Problem::error(ProblemCode::NotUtf8, file, message)
            .at_line(line)
            .found(format!("byte 0x{byte:02X}"))
            .expected("ASCII header lines"));
    }
    if split.end.is_none() {
        let message = format!(
            "The PCD header was not found in the first {} bytes: no DATA line ends it, so the file is not a PCD or its header is cut short.",
            head.len()
        );
        return Err(Problem::error(ProblemCode::MissingField, file, message)
            .field("DATA")
            .found(format!("no DATA line in {} bytes", head.len()))
            .expected(
                "a header ending with `DATA ascii`, `DATA binary` or `DATA binary_compressed`",
            ));
    }
    seen.finish(file)
}

/// Bytes of a binary file's points: `POINTS × Σ SIZE × COUNT`. `None` for ASCII and compressed
/// data, whose size the header does not fix, and for sizes past `u64`.
pub fn pcd_expected_body_bytes(header: &PcdHeader) -> Option<u64> {
    if header.data != PcdData::Binary {
        return None;
    }
    let point = point_bytes(header)?;
    header.points.checked_mul(point)
}

fn point_bytes(header: &PcdHeader) -> Option<u64> {
    header
        .sizes
        .iter()
        .zip(&header.counts)
        .try_fold(0u64, |total, (size, count)| {
            total.checked_add(u64::from(*size).checked_mul(u64::from(*count))?)
        })
}

/// Whether a file of `file_size` bytes is long enough for its header (of `header_len` bytes,
/// see [`pcd_header_len`]): a `binary` file must hold every point, a `binary_compressed` one its
/// two length words. `Truncated` when it is shorter; `None` when it is long enough or its size
/// cannot be judged (ASCII data).
pub fn check_pcd_size(
    header: &PcdHeader,
    header_len: u64,
    file_size: u64,
    file: &str,
) -> Option<Problem> {
    let (needed, promise) = match header.data {
        PcdData::Binary => {
            let point = point_bytes(header)?;
            let body = pcd_expected_body_bytes(header)?;
            (
                header_len.checked_add(body)?,
                format!(
                    "a {header_len}-byte header and {} points of {point} bytes",
                    header.points
                ),
            )
        }
        PcdData::BinaryCompressed => (
            header_len.checked_add(8)?,
            format!("a {header_len}-byte header and the two 4-byte sizes of the compressed data"),
        ),
        PcdData::Ascii => (header_len, format!("a {header_len}-byte header")),
    };
    if file_size >= needed {
        return None;
    }
    let message = format!(
        "The file is {file_size} bytes but its header promises {promise}, {needed} bytes in all: the file is cut short, or POINTS is wrong."
    );
    Some(
        Problem::error(ProblemCode::Truncated, file, message)
            .field("POINTS")
            .found(format!("{file_size} bytes"))
            .expected(format!("at least {needed} bytes")),
    )
}

/// The values read so far, each with the line it came from.
#[derive(Default)]
struct Seen {
    version: Option<String>,
    fields: Option<(u64, Vec<String>)>,
    sizes: Option<(u64, Vec<u32>)>,
    types: Option<(u64, Vec<char>)>,
    counts: Option<(u64, Vec<u32>)>,
    width: Option<u64>,
    height: Option<u64>,
    points: Option<(u64, u64)>,
    viewpoint: Option<[f64; 7]>,
    data: Option<PcdData>,
    /// Keys read, `COLUMNS` as `FIELDS`, with their lines.
    keys: Vec<(&'static str, u64)>,
}

/// The keys of a PCD 0.7 header, and `COLUMNS`, PCD 0.5's name of `FIELDS`.
const KEYS: [&str; 11] = [
    "VERSION",
    "FIELDS",
    "COLUMNS",
    "SIZE",
    "TYPE",
    "COUNT",
    "WIDTH",
    "HEIGHT",
    "VIEWPOINT",
    "POINTS",
    "DATA",
];

impl Seen {
    fn read(&mut self, line: &Line, file: &str) -> Result<(), Problem> {
        let at = At { file, line };
        let Some(key) = KEYS.iter().copied().find(|k| *k == line.key) else {
            return Err(unknown_key(&at));
        };
        let key = if key == "COLUMNS" { "FIELDS" } else { key };
        if let Some((_, first)) = self.keys.iter().find(|(k, _)| *k == key) {
            let message = format!(
                "{key} appears twice, on lines {first} and {}: keep one, the header is ambiguous.",
                line.number
            );
            return Err(at
                .problem(ProblemCode::InvalidValue, message)
                .found(line.values.join(" "))
                .expected(format!("one {key} line")));
        }
        self.keys.push((key, line.number));
        match key {
            "VERSION" => self.version = Some(at.some_values("a version such as 0.7")?.join(" ")),
            "FIELDS" => {
                let names = at.some_values("field names such as `x y z intensity`")?;
                self.fields = Some((line.number, names.iter().map(|n| n.to_string()).collect()));
            }
            "SIZE" => self.sizes = Some((line.number, at.each(size)?)),
            "TYPE" => self.types = Some((line.number, at.each(kind)?)),
            "COUNT" => self.counts = Some((line.number, at.each(count)?)),
            "WIDTH" => self.width = Some(at.one_count()?),
            "HEIGHT" => self.height = Some(at.one_count()?),
            "POINTS" => self.points = Some((line.number, at.one_count()?)),
            "VIEWPOINT" => self.viewpoint = Some(at.viewpoint()?),
            _ => self.data = Some(at.data()?),
        }
        Ok(())
    }

    fn finish(self, file: &str) -> Result<PcdHeader, Problem> {
        let (fields_line, fields) = self.fields.ok_or_else(|| missing(file, "FIELDS"))?;
        let (sizes_line, sizes) = self.sizes.ok_or_else(|| missing(file, "SIZE"))?;
        let (types_line, types) = self.types.ok_or_else(|| missing(file, "TYPE"))?;
        let width = self.width.ok_or_else(|| missing(file, "WIDTH"))?;
        let height = self.height.ok_or_else(|| missing(file, "HEIGHT"))?;
        let (points_line, points) = self.points.ok_or_else(|| missing(file, "POINTS"))?;
        let data = self.data.ok_or_else(|| missing(file, "DATA"))?;
        let (counts_line, counts) = self
            .counts
            .unwrap_or_else(|| (fields_line, vec![1; fields.len()]));
        for (key, line, len) in [
            ("SIZE", sizes_line, sizes.len()),
            ("TYPE", types_line, types.len()),
            ("COUNT", counts_line, counts.len()),
        ] {
            if len != fields.len() {
                let message = format!(
                    "{key} gives {len} values but FIELDS names {} fields (line {fields_line}): give one value per field.",
                    fields.len()
                );
                return Err(Problem::error(ProblemCode::InvalidValue, file, message)
                    .at_line(line)
                    .field(key)
                    .found(format!("{len} values"))
                    .expected(format!("{} values, one per field", fields.len())));
            }
        }
        if width.checked_mul(height) != Some(points) {
            let message = format!(
                "POINTS is {points} but WIDTH × HEIGHT is {width} × {height}: they must agree (HEIGHT is 1 for an unorganised cloud)."
            );
            return Err(Problem::error(ProblemCode::InvalidValue, file, message)
                .at_line(points_line)
                .field("POINTS")
                .found(points.to_string())
                .expected(match width.checked_mul(height) {
                    Some(product) => format!("{product} (WIDTH × HEIGHT)"),
                    None => "WIDTH × HEIGHT".to_owned(),
                }));
        }
        Ok(PcdHeader {
            version: self.version,
            fields,
            sizes,
            types,
            counts,
            width,
            height,
            points,
            viewpoint: self.viewpoint,
            data,
        })
    }
}

fn missing(file: &str, key: &str) -> Problem {
    let example = match key {
        "FIELDS" => "FIELDS x y z intensity",
        "SIZE" => "SIZE 4 4 4 4",
        "TYPE" => "TYPE F F F F",
        "WIDTH" => "WIDTH 1000",
        "HEIGHT" => "HEIGHT 1",
        "POINTS" => "POINTS 1000",
        _ => "DATA binary",
    };
    let message = format!("The PCD header has no {key} line: add one, e.g. `{example}`.");
    Problem::error(ProblemCode::MissingField, file, message)
        .field(key)
        .expected(format!("a {key} line before the header ends"))
}

fn unknown_key(at: &At) -> Problem {
    let key = at.line.key;
    let upper = key.to_ascii_uppercase();
    let message = if KEYS.contains(&upper.as_str()) {
        format!("`{key}` must be written `{upper}`: PCD header keys are upper case.")
    } else {
        format!(
            "`{key}` is not a PCD header key: the header has only VERSION, FIELDS, SIZE, TYPE, COUNT, WIDTH, HEIGHT, VIEWPOINT, POINTS and DATA lines, and `#` comments."
        )
    };
    Problem::error(ProblemCode::InvalidValue, at.file, message)
        .at_line(at.line.number)
        .field(key)
        .found(key)
        .expected("a PCD header key")
}

/// The line being read, to place its problems.
struct At<'a, 'h> {
    file: &'a str,
    line: &'a Line<'h>,
}

impl At<'_, '_> {
    fn problem(&self, code: ProblemCode, message: String) -> Problem {
        Problem::error(code, self.file, message)
            .at_line(self.line.number)
            .field(self.line.key)
    }

    fn some_values(&self, expected: &str) -> Result<&[&str], Problem> {
        if self.line.values.is_empty() {
            let message = format!("{} has no value: give {expected}.", self.line.key);
            return Err(self
                .problem(ProblemCode::InvalidValue, message)
                .found("nothing")
                .expected(expected));
        }
        Ok(&self.line.values)
    }

    /// Every value, each read by `read`.
    fn each<T>(&self, read: fn(&str) -> Result<T, Bad>) -> Result<Vec<T>, Problem> {
        let values = self.some_values("one value per field")?;
        values
            .iter()
            .zip(1..)
            .map(|(value, position)| {
                read(value).map_err(|bad| {
                    let message = format!(
                        "Value {position} of {}, `{value}`, is not {}.",
                        self.line.key, bad.expected
                    );
                    self.problem(bad.code, message)
                        .found(*value)
                        .expected(bad.expected)
                })
            })
            .collect()
    }

    /// The line's single value.
    fn one(&self, expected: &str) -> Result<&str, Problem> {
        match self.line.values.as_slice() {
            [value] => Ok(value),
            values => {
                let message = format!(
                    "{} takes one value, {expected}; the line gives {}.",
                    self.line.key,
                    values.len()
                );
                Err(self
                    .problem(ProblemCode::InvalidValue, message)
                    .found(values.join(" "))
                    .expected(expected))
            }
        }
    }

    /// `WIDTH`, `HEIGHT` or `POINTS`: a whole number up to [`MAX_POINTS`].
    fn one_count(&self) -> Result<u64, Problem> {
        let expected = "a whole number of points";
        let value = self.one(expected)?;
        let key = self.line.key;
        match whole(value) {
            Ok(n) if n <= MAX_POINTS => Ok(n),
            Ok(n) => {
                let message = format!(
                    "{key} is {n}, more than the 2^40 Wharf accepts: the header is corrupt."
                );
                Err(self
                    .problem(ProblemCode::InvalidValue, message)
                    .found(value)
                    .expected(format!("at most {MAX_POINTS}")))
            }
            Err(code) => {
                let message = format!("{key} is `{value}`, not {expected}.");
                Err(self.problem(code, message).found(value).expected(expected))
            }
        }
    }

    /// `VIEWPOINT tx ty tz qw qx qy qz`.
    fn viewpoint(&self) -> Result<[f64; 7], Problem> {
        let expected = "7 numbers: tx ty tz qw qx qy qz";
        let values = &self.line.values;
        let mut out = [0.0; 7];
        if values.len() != out.len() {
            let message = format!(
                "VIEWPOINT gives {} values; it takes {expected}, e.g. `VIEWPOINT 0 0 0 1 0 0 0`.",
                values.len()
            );
            return Err(self
                .problem(ProblemCode::InvalidValue, message)
                .found(values.join(" "))
                .expected(expected));
        }
        for (slot, value) in out.iter_mut().zip(values) {
            match value.parse::<f64>() {
                Ok(v) if v.is_finite() => *slot = v,
                parsed => {
                    let code = if parsed.is_ok() {
                        ProblemCode::InvalidValue
                    } else {
                        ProblemCode::WrongType
                    };
                    let message = format!("VIEWPOINT value `{value}` is not a finite number.");
                    return Err(self.problem(code, message).found(*value).expected(expected));
                }
            }
        }
        Ok(out)
    }

    fn data(&self) -> Result<PcdData, Problem> {
        let expected = "ascii, binary or binary_compressed";
        let value = self.one(expected)?;
        match value.to_ascii_lowercase().as_str() {
            "ascii" => Ok(PcdData::Ascii),
            "binary" => Ok(PcdData::Binary),
            "binary_compressed" => Ok(PcdData::BinaryCompressed),
            _ => {
                let message = format!("DATA is `{value}`; PCD data is {expected}.");
                Err(self
                    .problem(ProblemCode::InvalidValue, message)
                    .found(value)
                    .expected(expected))
            }
        }
    }
}

/// Why one value was refused: its code and what was expected instead.
struct Bad {
    code: ProblemCode,
    expected: &'static str,
}

/// A whole number; `InvalidValue` for other numbers (`-1`, `2.5`), `WrongType` for text.
fn whole(value: &str) -> Result<u64, ProblemCode> {
    value.parse::<u64>().map_err(|_| {
        if value.parse::<f64>().is_ok() {
            ProblemCode::InvalidValue
        } else {
            ProblemCode::WrongType
        }
    })
}

/// A `SIZE` value: 1, 2, 4 or 8 bytes.
fn size(value: &str) -> Result<u32, Bad> {
    let expected = "1, 2, 4 or 8 (bytes)";
    match whole(value) {
        Ok(n @ (1 | 2 | 4 | 8)) => Ok(n as u32),
        Ok(_) => Err(Bad {
            code: ProblemCode::InvalidValue,
            expected,
        }),
        Err(code) => Err(Bad { code, expected }),
    }
}

/// A `TYPE` value: `I`, `U` or `F`.
fn kind(value: &str) -> Result<char, Bad> {
    match value {
        "I" => Ok('I'),
        "U" => Ok('U'),
        "F" => Ok('F'),
        _ => Err(Bad {
            code: ProblemCode::InvalidValue,
            expected: "I, U or F (signed, unsigned, float)",
        }),
    }
}

/// A `COUNT` value: values of the field in a point, at least 1.
fn count(value: &str) -> Result<u32, Bad> {
    let expected = "a whole number from 1 to 4294967295";
    match whole(value) {
        Ok(n) if n >= 1 => u32::try_from(n).map_err(|_| Bad {
            code: ProblemCode::InvalidValue,
            expected,
        }),
        Ok(_) => Err(Bad {
            code: ProblemCode::InvalidValue,
            expected,
        }),
        Err(code) => Err(Bad { code, expected }),
    }
}
