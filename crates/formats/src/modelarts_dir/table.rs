//! Table datasets: CSV files checked against a schema, row by row, holding no rows.
//!
//! The CSV is RFC 4180's: `,` between fields, `"` around a field that holds `,`, `"` or a line
//! break, `""` for a quote inside one. A `"` inside an unquoted field is kept as it is. Records
//! end at `\n`, `\r\n` or `\r`; blank lines are no record.

use wharf_model::{Problem, ProblemCode};

use super::text::{self, Problems};

/// The type of a table column, as ModelArts names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    String,
    /// 2 bytes.
    Short,
    /// 4 bytes.
    Int,
    /// 8 bytes.
    Long,
    Double,
    Float,
    /// 1 byte.
    Byte,
    /// `yyyy-MM-dd`.
    Date,
    /// `yyyy-MM-dd HH:mm:ss`.
    Timestamp,
    /// `TRUE` or `FALSE`.
    Boolean,
}

impl ColumnKind {
    const ALL: [ColumnKind; 10] = [
        Self::String,
        Self::Short,
        Self::Int,
        Self::Long,
        Self::Double,
        Self::Float,
        Self::Byte,
        Self::Date,
        Self::Timestamp,
        Self::Boolean,
    ];

    /// The kind of a ModelArts schema type name (`"Int"`, `"Timestamp"`), in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name.trim()))
    }

    /// ModelArts' name of the type.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Short => "Short",
            Self::Int => "Int",
            Self::Long => "Long",
            Self::Double => "Double",
            Self::Float => "Float",
            Self::Byte => "Byte",
            Self::Date => "Date",
            Self::Timestamp => "Timestamp",
            Self::Boolean => "Boolean",
        }
    }

    /// What a value of the kind looks like, for messages.
    fn expected(self) -> &'static str {
        match self {
            Self::String => "text",
            Self::Short => "a whole number from -32768 to 32767",
            Self::Int => "a whole number from -2147483648 to 2147483647",
            Self::Long => "a whole number from -9223372036854775808 to 9223372036854775807",
            Self::Byte => "a whole number from -128 to 127",
            Self::Double | Self::Float => "a number",
            Self::Date => "a date yyyy-MM-dd",
            Self::Timestamp => "a date and time yyyy-MM-dd HH:mm:ss",
            Self::Boolean => "TRUE or FALSE",
        }
    }
}

/// One column of a table dataset's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: String,
    pub kind: ColumnKind,
}

/// What checking one CSV file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Data rows read: records other than the header, blank lines not counted.
    pub rows: u64,
    /// Of these, the rows ModelArts ignores: a column count other than the table's, or a quote
    /// never closed. The rest are imported.
    pub ignored_rows: u64,
    /// The column names: the header's when the file has one, else the schema's, else
    /// `column_1`, `column_2`… (Wharf's names; ModelArts generates its own).
    pub columns: Vec<String>,
    pub problems: Vec<Problem>,
}

/// Longest field kept for checking; longer ones are a warning and not type-checked. ModelArts
/// takes text lines of 100 KB, so a field of 1 MiB is already far past any real value.
pub const MAX_FIELD_BYTES: usize = 1024 * 1024;

/// Most header bytes kept as column names.
const MAX_HEADER_BYTES: usize = 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks one CSV file of a table dataset: with `with_header`, its first record names the
/// columns (and is compared with the schema); every other record is a row, whose column count
/// must be the table's (the schema's, else the header's, else the first row's) and whose values
/// must fit the schema's types. Nothing is fatal: each fault is a problem, and the check goes on.
pub fn check_table(
    bytes: &[u8],
    file: &str,
    with_header: bool,
    schema: Option<&[ColumnSchema]>,
) -> TableReport {
    let mut checker = TableChecker::new(file, with_header, schema);
    checker.feed(bytes);
    checker.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte of a field.
    FieldStart,
    /// Inside a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: the end of the field, or the first of `""`.
    QuoteInQuoted,
}

/// [`check_table`] in pieces: feed a file in chunks of any size, so that a table of any size
/// is checked in constant memory. It keeps the field being read, the header's names and the
/// problems, never a row.
pub struct TableChecker<'s> {
    file: String,
    with_header: bool,
    schema: Option<&'s [ColumnSchema]>,
    problems: Problems,

    /// Bytes of a byte order mark matched at the start, until [`Self::bom_done`].
    bom_matched: usize,
    bom_done: bool,
    state: State,
    /// The line being read, from 1.
    line: u64,

    field: Vec<u8>,
    field_line: u64,
    field_quoted: bool,
    field_too_long: bool,
    /// Where the quote of the current quoted field opened.
    quote_line: u64,
    /// Where text followed the closing quote of the current field, if it did.
    text_after_quote: Option<u64>,

    record_line: u64,
    fields: usize,
    first_field_blank: bool,
    /// Type problems of the current row, reported only if the row is not ignored.
    pending: Vec<Problem>,

    header_done: bool,
    header_names: Vec<String>,
    header_bytes: usize,
    /// The table's column count and where it came from.
    expected: Option<(usize, String)>,
    rows: u64,
    ignored_rows: u64,
    not_utf8_reported: bool,
    /// Whether the last byte fed was `\n`, so that the last line is the one before.
    ends_with_newline: bool,
}

impl<'s> TableChecker<'s> {
    pub fn new(file: &str, with_header: bool, schema: Option<&'s [ColumnSchema]>) -> Self {
        // A schema of no columns is no schema.
        let schema = schema.filter(|s| !s.is_empty());
        Self {
            file: file.to_owned(),
            with_header,
            schema,
            problems: Problems::new(file),
            bom_matched: 0,
            bom_done: false,
            state: State::FieldStart,
            line: 1,
            field: Vec::new(),
            field_line: 1,
            field_quoted: false,
            field_too_long: false,
            quote_line: 1,
            text_after_quote: None,
            record_line: 1,
            fields: 0,
            first_field_blank: false,
            pending: Vec::new(),
            header_done: !with_header,
            header_names: Vec::new(),
            header_bytes: 0,
            expected: schema.map(|s| (s.len(), "the schema".to_owned())),
            rows: 0,
            ignored_rows: 0,
            not_utf8_reported: false,
            ends_with_newline: false,
        }
    }

    /// Reads the next bytes of the file.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        if let Some(&last) = bytes.last() {
            self.ends_with_newline = last == b'\n';
        }
        while !self.bom_done {
            let Some((&first, rest)) = bytes.split_first() else {
                return;
            };
            if BOM.get(self.bom_matched) == Some(&first) {
                self.bom_matched += 1;
                self.bom_done = self.bom_matched == BOM.len();
                bytes = rest;
            } else {
                self.bom_done = true;
                self.replay_partial_bom();
            }
        }
        self.scan(bytes);
    }

    /// Ends the file and reports.
    pub fn finish(mut self) -> TableReport {
        if !self.bom_done {
            self.bom_done = true;
            self.replay_partial_bom();
        }
        match self.state {
            State::Quoted => self.unclosed_quote(),
            State::FieldStart if self.fields == 0 => {}
            _ => {
                self.end_field();
                self.end_record();
            }
        }
        let columns = if self.with_header {
            std::mem::take(&mut self.header_names)
        } else if let Some(schema) = self.schema {
            schema.iter().map(|c| c.name.clone()).collect()
        } else {
            let count = self.expected.as_ref().map_or(0, |(count, _)| *count);
            (1..=count).map(|i| format!("column_{i}")).collect()
        };
        TableReport {
            rows: self.rows,
            ignored_rows: self.ignored_rows,
            columns,
            problems: self.problems.finish(),
        }
    }

    /// The first bytes of a byte order mark that turned out not to be one are data.
    fn replay_partial_bom(&mut self) {
        let matched = BOM.get(..self.bom_matched).unwrap_or_default();
        self.scan(matched);
    }

    fn scan(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            // Runs of plain bytes are taken whole; the byte that ends a run goes to `step`.
            let run = match self.state {
                State::Unquoted => bytes
                    .iter()
                    .position(|b| matches!(b, b',' | b'\n' | b'\r'))
                    .unwrap_or(bytes.len()),
                State::Quoted => bytes.iter().position(|b| *b == b'"').unwrap_or(bytes.len()),
                State::FieldStart | State::QuoteInQuoted => 0,
            };
            let (plain, rest) = bytes.split_at(run);
            if self.state == State::Quoted {
                self.line += plain.iter().filter(|b| **b == b'\n').count() as u64;
            }
            self.push(plain);
            let Some((&byte, rest)) = rest.split_first() else {
                return;
            };
            self.step(byte);
            bytes = rest;
        }
    }

    fn step(&mut self, byte: u8) {
        match (self.state, byte) {
            (State::FieldStart, b'"') => {
                self.state = State::Quoted;
                self.field_quoted = true;
                self.quote_line = self.line;
            }
            (State::FieldStart | State::Unquoted | State::QuoteInQuoted, b',' | b'\n' | b'\r') => {
                self.state = State::FieldStart;
                self.end_field();
                if byte != b',' {
                    self.end_record();
                }
                if byte == b'\n' {
                    self.line += 1;
                    self.record_line = self.line;
                    self.field_line = self.line;
                }
            }
            (State::Quoted, b'"') => self.state = State::QuoteInQuoted,
            (State::QuoteInQuoted, b'"') => {
                self.push(b"\"");
                self.state = State::Quoted;
            }
            (State::QuoteInQuoted, _) => {
                self.text_after_quote.get_or_insert(self.line);
                self.push(&[byte]);
                self.state = State::Unquoted;
            }
            (State::Quoted, _) => {
                if byte == b'\n' {
                    self.line += 1;
                }
                self.push(&[byte]);
            }
            (State::FieldStart | State::Unquoted, _) => {
                self.push(&[byte]);
                self.state = State::Unquoted;
            }
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        let room = MAX_FIELD_BYTES.saturating_sub(self.field.len());
        if bytes.len() > room {
            self.field_too_long = true;
        }
        self.field
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
    }

    fn in_header(&self) -> bool {
        !self.header_done
    }

    fn end_field(&mut self) {
        // The buffer is taken for the check and given back, to keep its allocation.
        let mut bytes = std::mem::take(&mut self.field);
        self.check_field(&bytes);
        bytes.clear();
        self.field = bytes;
        self.field_quoted = false;
        self.field_too_long = false;
        self.field_line = self.line;
    }

    fn check_field(&mut self, bytes: &[u8]) {
        let index = self.fields;
        self.fields += 1;
        if index == 0 {
            self.first_field_blank = bytes.is_empty() && !self.field_quoted;
        }
        let value = match std::str::from_utf8(bytes) {
            Ok(value) => std::borrow::Cow::Borrowed(value),
            Err(e) => {
                self.report_not_utf8(bytes, e.valid_up_to());
                String::from_utf8_lossy(bytes)
            }
        };
        if let Some(line) = self.text_after_quote.take() {
            let problem = self.text_after_quote_problem(line, index, &value);
            self.problems.push(problem);
        }
        if self.field_too_long {
            let problem = self.field_too_long_problem(index);
            self.problems.push(problem);
        }
        if self.in_header() {
            self.header_bytes += bytes.len();
            if self.header_bytes <= MAX_HEADER_BYTES {
                self.header_names.push(value.trim().to_owned());
            }
        } else if !self.field_too_long
            && let Some(column) = self.schema.and_then(|s| s.get(index))
            && let Some(problem) = self.check_value(column, index, &value)
        {
            self.pending.push(problem);
        }
    }

    fn end_record(&mut self) {
        let fields = std::mem::take(&mut self.fields);
        if fields == 1 && self.first_field_blank {
            // A blank line.
            if self.in_header() {
                self.header_names.clear();
                self.header_bytes = 0;
            }
        } else if self.in_header() {
            self.header_done = true;
            self.check_header(fields);
        } else {
            self.rows += 1;
            let line = self.record_line;
            let (expected, _) = self
                .expected
                .get_or_insert_with(|| (fields, format!("line {line}, the first row")));
            if fields == *expected {
                self.problems.extend(self.pending.drain(..));
            } else {
                self.pending.clear();
                self.ignored_rows += 1;
                let problem = self.column_count_problem(fields);
                self.problems.push(problem);
            }
        }
        self.pending.clear();
        self.record_line = self.line;
        self.field_line = self.line;
    }

    /// The end of the file came inside a quoted field: the record is incomplete.
    fn unclosed_quote(&mut self) {
        let last = if self.ends_with_newline {
            self.line.saturating_sub(1).max(1)
        } else {
            self.line
        };
        let (file, opened) = (&self.file, self.quote_line);
        let role = if self.in_header() { "header" } else { "row" };
        self.problems.push(
            Problem::error(
                ProblemCode::Syntax,
                file,
                format!(
                    "{file} line {opened} opens a quote that is never closed, so everything from there to the end of the file (line {last}) reads as one field and the {role} is ignored: close the quote, and write a quote inside a quoted field as \"\"."
                ),
            )
            .at_line(opened)
            .found("a quote not closed by the end of the file")
            .expected("a closing quote"),
        );
        if self.in_header() {
            self.header_done = true;
            self.header_names.clear();
        } else {
            self.rows += 1;
            self.ignored_rows += 1;
        }
        self.fields = 0;
        self.pending.clear();
    }

    fn check_header(&mut self, fields: usize) {
        let (file, line) = (self.file.clone(), self.record_line);
        if self.header_bytes > MAX_HEADER_BYTES {
            self.problems.push(
                Problem::warning(
                    ProblemCode::TooLarge,
                    &file,
                    format!(
                        "{file} line {line}: the header is {} bytes, more than the 1 MiB Wharf reads as column names, so the names past that are not listed: check the file has a header.",
                        self.header_bytes
                    ),
                )
                .at_line(line)
                .field("header")
                .found(format!("{} bytes", self.header_bytes))
                .expected("at most 1 MiB of column names"),
            );
        }
        let Some(schema) = self.schema else {
            self.expected = Some((fields, format!("the header on line {line}")));
            return;
        };
        if fields != schema.len() {
            self.problems.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    &file,
                    format!(
                        "{file} line {line}: the header names {fields} columns but the schema has {}, so the file does not fit the table: make the header and the rows match the schema.",
                        schema.len()
                    ),
                )
                .at_line(line)
                .field("header")
                .found(format!("{fields} columns"))
                .expected(format!("{} columns, as the schema", schema.len())),
            );
            return;
        }
        for (position, (name, column)) in self.header_names.iter().zip(schema).enumerate() {
            if *name == column.name {
                continue;
            }
            let number = position + 1;
            self.problems.push(
                Problem::warning(
                    ProblemCode::InvalidValue,
                    &file,
                    format!(
                        "{file} line {line}: column {number} is named \"{}\" in the header but \"{}\" in the schema; columns are read by position, so check the file's columns are in the schema's order.",
                        text::short(name),
                        text::short(&column.name)
                    ),
                )
                .at_line(line)
                .field(format!("column {number}"))
                .found(name)
                .expected(&column.name),
            );
        }
    }

    fn check_value(&self, column: &ColumnSchema, index: usize, value: &str) -> Option<Problem> {
        let code = value_fault(column.kind, value)?;
        let (file, line, number) = (&self.file, self.field_line, index + 1);
        let how = match code {
            ProblemCode::InvalidValue => "is out of range for",
            _ => "is not",
        };
        let kind = column.kind.name();
        Some(
            Problem::warning(
                code,
                file,
                format!(
                    "{file} line {line}, column {number} ({}): \"{}\" {how} {kind} ({}), so ModelArts imports it as null: fix the value, or the column's type.",
                    text::short(&column.name),
                    text::short(value),
                    column.kind.expected()
                ),
            )
            .at_line(line)
            .field(&column.name)
            .found(value)
            .expected(column.kind.expected()),
        )
    }

    fn column_count_problem(&self, fields: usize) -> Problem {
        let (file, line) = (&self.file, self.record_line);
        let (expected, from) = match &self.expected {
            Some((expected, from)) => (*expected, from.as_str()),
            None => (0, "no row"),
        };
        Problem::warning(
            ProblemCode::Syntax,
            file,
            format!(
                "{file} line {line} has {fields} fields but the table has {expected} columns ({from}), so the row is ignored, as ModelArts ignores it: fix its commas, or quote a field that holds one."
            ),
        )
        .at_line(line)
        .field("columns")
        .found(format!("{fields} fields"))
        .expected(format!("{expected} fields"))
    }

    fn text_after_quote_problem(&self, line: u64, index: usize, value: &str) -> Problem {
        let file = &self.file;
        let number = index + 1;
        Problem::warning(
            ProblemCode::Syntax,
            file,
            format!(
                "{file} line {line}, field {number}: text follows the closing quote, so the field reads as \"{}\": quote the whole field, and write a quote inside it as \"\".",
                text::short(value)
            ),
        )
        .at_line(line)
        .field(format!("field {number}"))
        .found(value)
        .expected("a quoted field ending at its closing quote")
    }

    fn field_too_long_problem(&self, index: usize) -> Problem {
        let (file, line, number) = (&self.file, self.field_line, index + 1);
        Problem::warning(
            ProblemCode::TooLarge,
            file,
            format!(
                "{file} line {line}, field {number} is longer than 1 MiB, so it is not checked: check it is one value (a quote left open makes one field of many lines)."
            ),
        )
        .at_line(line)
        .field(format!("field {number}"))
        .found("more than 1 MiB")
        .expected("at most 1 MiB a field")
    }

    fn report_not_utf8(&mut self, bytes: &[u8], valid_up_to: usize) {
        if self.not_utf8_reported {
            return;
        }
        self.not_utf8_reported = true;
        let before = bytes.get(..valid_up_to).unwrap_or_default();
        let line = self.field_line + before.iter().filter(|b| **b == b'\n').count() as u64;
        let mut problem = text::not_utf8(bytes, valid_up_to, &self.file);
        problem.line = Some(line);
        let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
        problem.message = match text::guess_encoding(bytes) {
            Some(encoding) => format!(
                "{} line {line} is not UTF-8: its bytes read as {encoding}, which Wharf does not decode; convert the file to UTF-8 (for example `iconv -f GBK -t UTF-8`). Only the first such line is reported.",
                self.file
            ),
            None => format!(
                "{} line {line} has byte 0x{byte:02X}, which is not UTF-8: save the file as UTF-8. Only the first such line is reported.",
                self.file
            ),
        };
        self.problems.push(problem);
    }
}

/// Why a value does not fit a kind: `WrongType` when it is not of the kind at all,
/// `InvalidValue` when it is but out of range (a Short of 70000, 30 February). Empty values are
/// null, and fit every kind.
fn value_fault(kind: ColumnKind, value: &str) -> Option<ProblemCode> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let fits = match kind {
        ColumnKind::String => true,
        ColumnKind::Byte => return integer_fault(value, i8::MIN.into(), i8::MAX.into()),
        ColumnKind::Short => return integer_fault(value, i16::MIN.into(), i16::MAX.into()),
        ColumnKind::Int => return integer_fault(value, i32::MIN.into(), i32::MAX.into()),
        ColumnKind::Long => return integer_fault(value, i64::MIN.into(), i64::MAX.into()),
        ColumnKind::Float => value.parse::<f32>().is_ok(),
        ColumnKind::Double => value.parse::<f64>().is_ok(),
        ColumnKind::Date => return date_fault(value),
        ColumnKind::Timestamp => return timestamp_fault(value),
        ColumnKind::Boolean => {
            value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
        }
    };
    (!fits).then_some(ProblemCode::WrongType)
}

fn integer_fault(value: &str, min: i128, max: i128) -> Option<ProblemCode> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(ProblemCode::WrongType);
    }
    match value.parse::<i128>() {
        Ok(n) if (min..=max).contains(&n) => None,
        // Too many digits even for i128: out of range all the same.
        _ => Some(ProblemCode::InvalidValue),
    }
}

/// `yyyy-MM-dd`.
fn date_fault(value: &str) -> Option<ProblemCode> {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Some(ProblemCode::WrongType);
    }
    let (Some(year), Some(month), Some(day)) = (number(&b[..4]), number(&b[5..7]), number(&b[8..]))
    else {
        return Some(ProblemCode::WrongType);
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Some(ProblemCode::InvalidValue),
    };
    (!(1..=days).contains(&day)).then_some(ProblemCode::InvalidValue)
}

/// `yyyy-MM-dd HH:mm:ss`.
fn timestamp_fault(value: &str) -> Option<ProblemCode> {
    let b = value.as_bytes();
    if b.len() != 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return Some(ProblemCode::WrongType);
    }
    let (Some(hour), Some(minute), Some(second)) =
        (number(&b[11..13]), number(&b[14..16]), number(&b[17..]))
    else {
        return Some(ProblemCode::WrongType);
    };
    let Some(date) = value.get(..10) else {
        return Some(ProblemCode::WrongType);
    };
    date_fault(date)
        .or_else(|| (hour > 23 || minute > 59 || second > 59).then_some(ProblemCode::InvalidValue))
}

/// ASCII digits as a number; `None` for anything else.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u32, |n, d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checker's memory: what it holds between bytes.
    fn held(checker: &TableChecker) -> usize {
        checker.field.capacity()
            + checker.pending.capacity() * std::mem::size_of::<Problem>()
            + checker
                .header_names
                .iter()
                .map(String::capacity)
                .sum::<usize>()
    }

    #[test]
    fn a_large_table_is_checked_holding_no_rows() {
        let schema = [
            ColumnSchema {
                name: "id".into(),
                kind: ColumnKind::Long,
            },
            ColumnSchema {
                name: "text".into(),
                kind: ColumnKind::String,
            },
        ];
        let mut checker = TableChecker::new("big.csv", true, Some(&schema));
        checker.feed(b"id,text\n");
        let mut most = 0;
        let rows = 200_000u64;
        let mut chunk = Vec::new();
        for row in 0..rows {
            chunk.extend_from_slice(format!("{row},\"row {row}, quoted\"\n").as_bytes());
            if chunk.len() > 8192 {
                checker.feed(&chunk);
                chunk.clear();
                most = most.max(held(&checker));
            }
        }
        checker.feed(&chunk);
        assert!(most < 4096, "the checker held {most} bytes");
        let report = checker.finish();
        assert_eq!((report.rows, report.ignored_rows), (rows, 0));
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    #[test]
    fn a_quote_left_open_holds_at_most_one_field_of_bytes() {
        let mut checker = TableChecker::new("open.csv", false, None);
        checker.feed(b"1,\"open\n");
        let line = [b'x'; 1023];
        for _ in 0..3 * 1024 {
            checker.feed(&line);
            checker.feed(b"\n");
        }
        assert!(checker.field.capacity() <= 2 * MAX_FIELD_BYTES);
        let report = checker.finish();
        assert_eq!((report.rows, report.ignored_rows), (1, 1));
        let found: Vec<_> = report.problems.iter().map(|p| (p.code, p.line)).collect();
        assert_eq!(found, [(ProblemCode::Syntax, Some(1))]);
        assert!(
            report.problems[0].message.contains("(line 3073)"),
            "{}",
            report.problems[0].message
        );
    }

    #[test]
    fn a_field_over_the_limit_is_reported_not_checked() {
        let schema = [ColumnSchema {
            name: "n".into(),
            kind: ColumnKind::Int,
        }];
        let mut csv = vec![b'a'; MAX_FIELD_BYTES + 10];
        csv.extend_from_slice(b"\n5\n");
        let report = check_table(&csv, "f.csv", false, Some(&schema));
        let found: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.code, p.severity, p.line))
            .collect();
        assert_eq!(
            found,
            [(
                ProblemCode::TooLarge,
                wharf_model::Severity::Warning,
                Some(1)
            )]
        );
        assert_eq!((report.rows, report.ignored_rows), (2, 0));
    }
}
