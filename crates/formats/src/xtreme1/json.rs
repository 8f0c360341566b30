//! What the Xtreme1 JSON readers share: admission (size, UTF-8, syntax, depth), JSON paths and
//! typed look-ups that say what is wrong, and a bounded problem list.

// A `Problem` is the error of the look-ups below, met once per bad value on the cold path:
// returned as it is rather than boxed, to keep the readers simple.
#![allow(clippy::result_large_err)]

use serde_json::{Map, Value};
use wharf_model::{Problem, ProblemCode};

/// Largest result or camera config file read: they are a few KiB to a few MiB.
pub const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;
/// Problems listed per file; past this only their count is reported.
pub(super) const MAX_PROBLEMS: usize = 1000;

/// The problems of one file, bounded.
pub(super) struct Report<'f> {
    pub file: &'f str,
    list: Vec<Problem>,
    unlisted: u64,
}

impl<'f> Report<'f> {
    pub fn new(file: &'f str) -> Self {
        Self {
            file,
            list: Vec::new(),
            unlisted: 0,
        }
    }

    /// An error at a JSON path: the object (or camera) it is about is left out.
    pub fn error(&self, code: ProblemCode, path: &str, message: impl Into<String>) -> Problem {
        Problem::error(code, self.file, message).at_path(path)
    }

    /// A warning at a JSON path: reported, and the object is kept.
    pub fn warning(&self, code: ProblemCode, path: &str, message: impl Into<String>) -> Problem {
        Problem::warning(code, self.file, message).at_path(path)
    }

    pub fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.unlisted += 1;
        }
    }

    pub fn finish(mut self) -> Vec<Problem> {
        if self.unlisted > 0 {
            let message = format!(
                "{} more problems in this file are not listed; fix the ones above and validate again.",
                self.unlisted
            );
            self.list.push(
                Problem::warning(ProblemCode::TooLarge, self.file, message)
                    .found(format!("{} problems", MAX_PROBLEMS as u64 + self.unlisted))
                    .expected(format!("at most {MAX_PROBLEMS} listed")),
            );
        }
        self.list
    }
}

/// The file as a JSON value, or the one problem that stops it being read.
pub(super) fn admit(bytes: &[u8], file: &str, what: &str) -> Result<Value, Problem> {
    if bytes.len() > MAX_JSON_BYTES {
        let message = format!(
            "The file is {} bytes, over the 64 MiB limit for {what}: check it is the right file.",
            bytes.len()
        );
        return Err(Problem::error(ProblemCode::TooLarge, file, message)
            .found(format!("{} bytes", bytes.len()))
            .expected(format!("at most {MAX_JSON_BYTES} bytes")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes
            .get(..at)
            .unwrap_or_default()
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1;
        let byte = bytes.get(at).copied().unwrap_or_default();
        let message = format!(
            "Line {line} holds byte 0x{byte:02X}, which is not UTF-8: JSON must be UTF-8, save the file as UTF-8."
        );
        Problem::error(ProblemCode::NotUtf8, file, message)
            .at_line(line)
            .found(format!("byte 0x{byte:02X}"))
            .expected("UTF-8 text")
    })?;
    serde_json::from_str(text).map_err(|e| {
        let (code, message) = if e.to_string().starts_with("recursion limit exceeded") {
            (
                ProblemCode::TooDeep,
                format!(
                    "The JSON nests deeper than the 128 levels Wharf reads ({e}); {what} needs a handful."
                ),
            )
        } else if e.is_eof() {
            (
                ProblemCode::Truncated,
                format!("The JSON ends too early ({e}): the file is cut short."),
            )
        } else {
            (
                ProblemCode::Syntax,
                format!("The file is not valid JSON: {e}; fix the syntax."),
            )
        };
        Problem::error(code, file, message)
            .at_line(e.line() as u64)
            .expected(format!("{what} as JSON"))
    })
}

/// `$.objects` + `contour` → `$.objects.contour`.
pub(super) fn key_path(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

/// `$.objects` + 3 → `$.objects[3]`.
pub(super) fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// The kind of a JSON value, for messages.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value as compact JSON, for `found` (which cuts it to a readable length).
pub(super) fn shown(value: &Value) -> String {
    match value {
        Value::Array(items) if items.len() > 20 => format!("an array of {} values", items.len()),
        Value::Object(map) if map.len() > 20 => format!("an object of {} keys", map.len()),
        _ => value.to_string(),
    }
}

/// A key's value, `null` counting as absent (Xtreme1 exports write `"modelConfidence": null`).
pub(super) fn present<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// `WrongType` at `path`: `value` is not `expected`.
pub(super) fn wrong_type(
    report: &Report,
    path: &str,
    field: &str,
    value: &Value,
    expected: &str,
) -> Problem {
    let message = format!("{path} is {}, not {expected}.", kind_of(value));
    report
        .error(ProblemCode::WrongType, path, message)
        .field(field)
        .found(shown(value))
        .expected(expected)
}

/// `MissingField` at `path`.
pub(super) fn missing(report: &Report, path: &str, field: &str, expected: &str) -> Problem {
    let message = format!("{path} is missing: give {expected}.");
    report
        .error(ProblemCode::MissingField, path, message)
        .field(field)
        .expected(expected)
}

/// The object under `key` of `map`, at `path` (that of `map`).
pub(super) fn object<'v>(
    report: &Report,
    map: &'v Map<String, Value>,
    key: &str,
    path: &str,
    expected: &str,
) -> Result<&'v Map<String, Value>, Problem> {
    let at = key_path(path, key);
    match present(map, key) {
        Some(Value::Object(inner)) => Ok(inner),
        Some(other) => Err(wrong_type(report, &at, key, other, expected)),
        None => Err(missing(report, &at, key, expected)),
    }
}

/// The number under `key` of `map`, at `path` (that of `map`).
pub(super) fn number(
    report: &Report,
    map: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<f64, Problem> {
    let at = key_path(path, key);
    match present(map, key) {
        Some(value) => as_number(report, value, &at, key),
        None => Err(missing(report, &at, key, "a number")),
    }
}

/// `value`, at `path`, as a number.
pub(super) fn as_number(
    report: &Report,
    value: &Value,
    path: &str,
    field: &str,
) -> Result<f64, Problem> {
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(n),
        _ => Err(wrong_type(report, path, field, value, "a number")),
    }
}
