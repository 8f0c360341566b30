//! A strict reader of the YAML subset `data.yaml` files use, so that the crate needs no YAML
//! dependency.
//!
//! Read: a top-level mapping of `key: value` lines whose values are scalars (plain, `'single'`
//! or `"double"` quoted), flow lists `[a, 'b', "c"]` (which may run over several lines), block
//! lists (`- a`, indented or not) and block maps of scalars (`0: a`); `#` comments; a leading
//! `---`. Values of keys the caller does not ask for are skipped unread, so that `download: |`
//! scripts and `roboflow:` sections do no harm. Anything else under a wanted key (anchors,
//! tags, block scalars, flow maps, nesting, multi-line plain scalars, tab indentation) is a
//! `Syntax` problem at its line rather than a guess.

use wharf_model::{Problem, ProblemCode};

use super::text::{Problems, short};

/// A scalar, with whether it was quoted (a quoted `"3"` is text, not a number) and its line.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scalar {
    pub text: String,
    pub quoted: bool,
    pub line: u64,
}

impl Scalar {
    /// Empty, `~` or `null`: YAML's null.
    pub fn is_null(&self) -> bool {
        !self.quoted && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Scalar(Scalar),
    List(Vec<Scalar>),
    /// Entries in file order, keys as written.
    Map(Vec<(Scalar, Scalar)>),
}

/// A top-level key the caller asked for, with its value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub key: String,
    pub line: u64,
    pub value: Value,
}

/// Reads the top-level mapping of `text`, returning the entries whose key is in `wanted`.
pub(super) fn read_mapping(
    text: &str,
    file: &str,
    wanted: &[&str],
    problems: &mut Problems,
) -> Vec<Entry> {
    let mut reader = Reader {
        rest: text.split('\n'),
        number: 0,
        peeked: None,
        file,
        problems,
    };
    reader.document(wanted)
}

/// A line that is neither blank nor only a comment.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: u64,
    /// Leading spaces.
    indent: usize,
    /// The line after its indentation, trailing blanks removed.
    text: &'a str,
}

struct Reader<'a, 'p> {
    rest: std::str::Split<'a, char>,
    number: u64,
    peeked: Option<Line<'a>>,
    file: &'a str,
    problems: &'p mut Problems,
}

impl<'a> Reader<'a, '_> {
    fn document(&mut self, wanted: &[&str]) -> Vec<Entry> {
        let mut entries = Vec::new();
        let mut first = true;
        while let Some(line) = self.next_line() {
            if std::mem::take(&mut first) && line.text == "---" {
                continue;
            }
            if line.text == "..." {
                break;
            }
            if line.indent > 0 {
                self.syntax(
                    line,
                    "this line is indented but belongs to no key",
                    "a `key: value` line starting in column 1",
                );
                continue;
            }
            if is_item(line.text) {
                self.syntax(line, "a list item belongs to no key", "a `key: value` line");
                continue;
            }
            let (key, rest) = match split_key(line.text) {
                Ok(split) => split,
                Err(what) => {
                    self.syntax(line, &what, "a `key: value` line");
                    self.skip_block();
                    continue;
                }
            };
            if !wanted.contains(&key.text.as_str()) {
                self.skip_block();
                continue;
            }
            if let Some(value) = self.value(rest, line) {
                entries.push(Entry {
                    key: key.text,
                    line: line.number,
                    value,
                });
            }
        }
        entries
    }

    /// The value after `key:`, on the key's line or in the block below it.
    fn value(&mut self, rest: &str, key_line: Line<'a>) -> Option<Value> {
        let rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            return Some(self.block(key_line.number));
        }
        if rest.starts_with('[') {
            return self.flow_list(rest, key_line.number).map(Value::List);
        }
        match scalar(rest, key_line.number) {
            Ok(scalar) => Some(Value::Scalar(scalar)),
            Err(what) => {
                self.syntax(
                    key_line,
                    &what,
                    "a single value, a `[a, b]` list, or a block below the key",
                );
                self.skip_block();
                None
            }
        }
    }

    /// A block list or block map below a key, or null when nothing is indented below it.
    fn block(&mut self, key_number: u64) -> Value {
        let null = Value::Scalar(Scalar {
            text: String::new(),
            quoted: false,
            line: key_number,
        });
        let Some(next) = self.peek() else { return null };
        if is_item(next.text) {
            return Value::List(self.block_list(next.indent));
        }
        if next.indent > 0 {
            return Value::Map(self.block_map(next.indent));
        }
        null
    }

    fn block_list(&mut self, indent: usize) -> Vec<Scalar> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && indent == 0 && !is_item(line.text))
            {
                break;
            }
            self.next_line();
            if line.indent > indent {
                self.syntax(
                    line,
                    "this line is indented deeper than the list",
                    "one `- value` a line",
                );
                continue;
            }
            if !is_item(line.text) {
                self.syntax(
                    line,
                    "a line that is not an item inside a list",
                    "`- value`",
                );
                continue;
            }
            match item(line.text, line.number) {
                Ok(scalar) => items.push(scalar),
                Err(what) => self.syntax(line, &what, "`- value`"),
            }
        }
        items
    }

    fn block_map(&mut self, indent: usize) -> Vec<(Scalar, Scalar)> {
        let mut entries = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            self.next_line();
            if line.indent > indent {
                self.syntax(
                    line,
                    "this line is indented deeper than the map",
                    "one `key: value` a line",
                );
                continue;
            }
            match map_entry(line.text, line.number) {
                Ok(entry) => entries.push(entry),
                Err(what) => self.syntax(line, &what, "`key: value`"),
            }
        }
        entries
    }

    /// A `[ ... ]` list starting on the key's line and possibly going on over indented lines.
    fn flow_list(&mut self, first: &str, number: u64) -> Option<Vec<Scalar>> {
        let mut list = FlowList::default();
        let mut current = first;
        let mut current_number = number;
        loop {
            if let Err(what) = list.feed(current, current_number) {
                let line = Line {
                    number: current_number,
                    indent: 0,
                    text: current,
                };
                self.syntax(line, &what, "a list such as `[a, 'b c']`");
                self.skip_block();
                return None;
            }
            if list.closed {
                return Some(list.items);
            }
            match self.peek() {
                // Indented lines go on with the list; so does a `]` or `,` in column 1, which
                // PyYAML (Ultralytics' reader) also takes. Other lines in column 1 are keys.
                Some(next) if next.indent > 0 || next.text.starts_with([']', ',']) => {
                    self.next_line();
                    current = next.text;
                    current_number = next.number;
                }
                Some(next) => {
                    let what =
                        format!("the list opened at line {number} is not closed before this line");
                    self.syntax(next, &what, "`]` to close the list");
                    return None;
                }
                None => {
                    self.problems.push(
                        Problem::error(
                            ProblemCode::Truncated,
                            self.file,
                            format!("{} line {number}: the file ends inside the list opened here; close it with `]`", self.file),
                        )
                        .at_line(number)
                        .field("list")
                        .found(short(first))
                        .expected("`]` to close the list"),
                    );
                    return None;
                }
            }
        }
    }

    /// Values below an unwanted or broken key: indented lines, and list items in column 1.
    fn skip_block(&mut self) {
        while let Some(line) = self.peek() {
            if line.indent == 0 && !is_item(line.text) {
                return;
            }
            self.next_line();
        }
    }

    fn peek(&mut self) -> Option<Line<'a>> {
        if self.peeked.is_none() {
            self.peeked = self.read_line();
        }
        self.peeked
    }

    fn next_line(&mut self) -> Option<Line<'a>> {
        let line = self.peek();
        self.peeked = None;
        line
    }

    /// The next line with content; tab-indented lines are reported and passed over.
    fn read_line(&mut self) -> Option<Line<'a>> {
        loop {
            let raw = self.rest.next()?.trim_end();
            self.number += 1;
            let text = raw.trim_start_matches(' ');
            let line = Line {
                number: self.number,
                indent: raw.len() - text.len(),
                text,
            };
            let content = text.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if text.starts_with('\t') {
                self.syntax(
                    line,
                    "a tab indents this line, which YAML forbids",
                    "indentation with spaces",
                );
                continue;
            }
            return Some(line);
        }
    }

    fn syntax(&mut self, line: Line<'_>, what: &str, expected: &str) {
        self.problems.push(
            Problem::error(
                ProblemCode::Syntax,
                self.file,
                format!(
                    "{} line {}: {what}; expected {expected}",
                    self.file, line.number
                ),
            )
            .at_line(line.number)
            .field("line")
            .found(line.text)
            .expected(expected),
        );
    }
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

/// The value of a `- value` line.
fn item(text: &str, number: u64) -> Result<Scalar, String> {
    let value = text.get(1..).unwrap_or_default().trim_start();
    if value.starts_with('[') {
        return Err("a list inside a list is not supported".into());
    }
    if is_item(value) {
        return Err("a list inside a list is not supported".into());
    }
    scalar(value, number)
}

/// A `key: scalar` line of a block map.
fn map_entry(text: &str, number: u64) -> Result<(Scalar, Scalar), String> {
    let (key, rest) = split_key(text)?;
    let key = Scalar {
        line: number,
        ..key
    };
    let rest = rest.trim_start();
    if rest.starts_with('[') {
        return Err("a list inside a map is not supported".into());
    }
    Ok((key, scalar(rest, number)?))
}

/// Splits `key: rest` at the first `:` that ends the key (followed by a blank or the end).
fn split_key(text: &str) -> Result<(Scalar, &str), String> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let (key, used) = quoted(text, quote)?;
        let after = text.get(used..).unwrap_or_default().trim_start();
        return match after.strip_prefix(':') {
            Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => Ok((
                Scalar {
                    text: key,
                    quoted: true,
                    line: 0,
                },
                rest,
            )),
            _ => Err("a quoted key must be followed by `:`".into()),
        };
    }
    if let Some(c) = text
        .chars()
        .next()
        .filter(|c| "[]{}&*!|>%@`,?".contains(*c))
    {
        return Err(format!(
            "`{c}` starts a YAML construct this reader does not support"
        ));
    }
    // `:` is one byte, so `i + 1` is a character boundary.
    let colon = text.char_indices().find(|&(i, c)| {
        c == ':' && (text[i + 1..].is_empty() || text[i + 1..].starts_with([' ', '\t']))
    });
    match colon {
        Some((i, _)) if !text[..i].trim().is_empty() => {
            let key = text[..i].trim_end().to_owned();
            Ok((
                Scalar {
                    text: key,
                    quoted: false,
                    line: 0,
                },
                &text[i + 1..],
            ))
        }
        _ => Err("this line is not `key: value`".into()),
    }
}

/// A scalar in block context: quoted, or plain up to a ` #` comment.
fn scalar(text: &str, number: u64) -> Result<Scalar, String> {
    let text = text.trim_start();
    if let Some(quote) = text.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let (value, used) = quoted(text, quote)?;
        let after = text.get(used..).unwrap_or_default().trim_start();
        if !after.is_empty() && !after.starts_with('#') {
            return Err(format!("`{}` follows the closing quote", short(after)));
        }
        return Ok(Scalar {
            text: value,
            quoted: true,
            line: number,
        });
    }
    if let Some(c) = text.chars().next().filter(|c| "[]{}&*!|>%@`".contains(*c)) {
        return Err(format!(
            "`{c}` starts a YAML construct this reader does not support"
        ));
    }
    let value = strip_comment(text).trim_end();
    if value.contains(": ") || value.contains(":\t") || value.ends_with(':') {
        return Err(format!(
            "`{}` holds `: ` (a map inside a value); quote the value",
            short(value)
        ));
    }
    if is_item(value) {
        return Err("a list item cannot follow a key on its line".into());
    }
    Ok(Scalar {
        text: value.to_owned(),
        quoted: false,
        line: number,
    })
}

/// A plain scalar ends where a `#` follows a blank.
fn strip_comment(text: &str) -> &str {
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        if c == '#' && (previous == ' ' || previous == '\t') {
            return &text[..i];
        }
        previous = c;
    }
    text
}

/// A quoted scalar at the start of `text`: its value and the bytes it used, quotes included.
/// Single quotes escape only `''`; double quotes take YAML's common backslash escapes.
fn quoted(text: &str, quote: char) -> Result<(String, usize), String> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if quote == '\'' => {
                if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                    chars.next();
                    value.push('\'');
                } else {
                    return Ok((value, i + 1));
                }
            }
            '"' if quote == '"' => return Ok((value, i + 1)),
            '\\' if quote == '"' => {
                let (_, escape) = chars.next().ok_or("a `\\` ends the line")?;
                value.push(unescape(escape, &mut chars)?);
            }
            _ => value.push(c),
        }
    }
    Err(format!(
        "the {quote}quote{quote} is not closed on this line (multi-line strings are not supported)"
    ))
}

fn unescape(escape: char, chars: &mut impl Iterator<Item = (usize, char)>) -> Result<char, String> {
    let hex_digits = match escape {
        '\\' | '"' | '/' | '\'' => return Ok(escape),
        'n' => return Ok('\n'),
        't' => return Ok('\t'),
        'r' => return Ok('\r'),
        '0' => return Ok('\0'),
        ' ' => return Ok(' '),
        'x' => 2,
        'u' => 4,
        'U' => 8,
        other => return Err(format!("`\\{other}` is not an escape this reader knows")),
    };
    let hex: String = chars.take(hex_digits).map(|(_, c)| c).collect();
    u32::from_str_radix(&hex, 16)
        .ok()
        .filter(|_| hex.len() == hex_digits)
        .and_then(char::from_u32)
        .ok_or_else(|| format!("`\\{escape}{hex}` is not a valid character escape"))
}

/// A `[a, b]` list fed one line at a time.
#[derive(Default)]
struct FlowList {
    items: Vec<Scalar>,
    opened: bool,
    /// True after `[` or `,`: an item or `]` comes next.
    want_item: bool,
    closed: bool,
}

impl FlowList {
    fn feed(&mut self, text: &str, number: u64) -> Result<(), String> {
        let mut rest = text;
        // A `#` starts a comment only after a blank or at the start of a line.
        let mut after_blank = true;
        loop {
            let trimmed = rest.trim_start();
            after_blank |= trimmed.len() < rest.len();
            rest = trimmed;
            let Some(c) = rest.chars().next() else {
                return Ok(());
            };
            if c == '#' && after_blank {
                return Ok(());
            }
            if self.closed {
                return Err(format!("`{}` follows the closing `]`", short(rest)));
            }
            rest = self.token(c, rest, number)?;
            after_blank = false;
        }
    }

    /// Takes one token from the start of `rest` and returns what follows it.
    fn token<'t>(&mut self, c: char, rest: &'t str, number: u64) -> Result<&'t str, String> {
        if !self.opened {
            self.opened = true;
            self.want_item = true;
            return Ok(&rest[1..]);
        }
        match (c, self.want_item) {
            (']', _) => {
                self.closed = true;
                Ok(&rest[1..])
            }
            (',', true) => Err("an empty item (two commas, or a comma after `[`)".into()),
            (',', false) => {
                self.want_item = true;
                Ok(&rest[1..])
            }
            (_, false) => Err(format!("`{}` where `,` or `]` should be", short(rest))),
            ('[' | '{', true) => Err("a list or map inside a list is not supported".into()),
            ('\'' | '"', true) => {
                let (text, used) = quoted(rest, c)?;
                self.push(Scalar {
                    text,
                    quoted: true,
                    line: number,
                });
                Ok(&rest[used..])
            }
            (_, true) => {
                let (text, used) = plain_item(rest)?;
                self.push(Scalar {
                    text,
                    quoted: false,
                    line: number,
                });
                Ok(&rest[used..])
            }
        }
    }

    fn push(&mut self, item: Scalar) {
        self.items.push(item);
        self.want_item = false;
    }
}

/// A plain item of a flow list: up to `,`, `]` or a comment.
fn plain_item(text: &str) -> Result<(String, usize), String> {
    let mut previous = ' ';
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if c == ',' || c == ']' || (c == '#' && (previous == ' ' || previous == '\t')) {
            end = i;
            break;
        }
        if matches!(c, '[' | '{' | '}') {
            return Err(format!(
                "`{c}` inside a list item is not supported; quote the item"
            ));
        }
        previous = c;
    }
    let value = text[..end].trim_end();
    if value.is_empty() {
        return Err(format!("`{}` where an item should be", short(text)));
    }
    if value.contains(": ") || value.ends_with(':') {
        return Err(format!(
            "`{}` holds `: ` (a map inside a list); quote the item",
            short(value)
        ));
    }
    Ok((value.to_owned(), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Entry>, Vec<Problem>) {
        let mut problems = Problems::new("data.yaml");
        let entries = read_mapping(text, "data.yaml", &["a", "b", "c"], &mut problems);
        (entries, problems.finish())
    }

    fn texts(items: &[Scalar]) -> Vec<&str> {
        items.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn scalars_plain_quoted_and_commented() {
        let (entries, problems) =
            read("a: plain text # note\nb: 'it''s # not a comment'\nc: \"tab\\there \\u00e9\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        let values: Vec<_> = entries
            .iter()
            .map(|e| match &e.value {
                Value::Scalar(s) => (s.text.as_str(), s.quoted),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            values,
            [
                ("plain text", false),
                ("it's # not a comment", true),
                ("tab\there é", true)
            ]
        );
    }

    #[test]
    fn flow_list_over_lines_with_comments_and_trailing_comma() {
        let (entries, problems) = read("a: ['x, y', b#c, # first two\n   \"z\",\n]\nb: []\n");
        assert!(problems.is_empty(), "{problems:?}");
        let Value::List(items) = &entries[0].value else {
            panic!()
        };
        assert_eq!(texts(items), ["x, y", "b#c", "z"]);
        assert_eq!(items.iter().map(|s| s.line).collect::<Vec<_>>(), [1, 1, 2]);
        assert_eq!(entries[1].value, Value::List(Vec::new()));
    }

    #[test]
    fn block_lists_indented_or_not_and_block_maps() {
        let (entries, problems) = read("a:\n- x\n-  'y'\nb:\n  - z\nc:\n  0: p\n  '1': q # c\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(matches!(&entries[0].value, Value::List(items) if texts(items) == ["x", "y"]));
        assert!(matches!(&entries[1].value, Value::List(items) if texts(items) == ["z"]));
        let Value::Map(map) = &entries[2].value else {
            panic!()
        };
        let pairs: Vec<_> = map
            .iter()
            .map(|(k, v)| (k.text.as_str(), v.text.as_str(), v.line))
            .collect();
        assert_eq!(pairs, [("0", "p", 7), ("1", "q", 8)]);
    }

    #[test]
    fn unwanted_keys_are_skipped_whatever_they_hold() {
        let text = "---\nzz: |\n  import os\n  x = {'a': [1]}\nroboflow:\n  url: https://x/y\nlist:\n- 1\na: 1\n";
        let (entries, problems) = read(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].line, 9);
    }

    #[test]
    fn unsupported_constructs_are_syntax_problems_at_their_line() {
        let text = "a: &anchor x\nb: {0: x}\nc: x: y\nb: ok\n  stray\n\t- tab\nnot a key\na: [x, [y]]\nc: ['a'#x]\n";
        let (entries, problems) = read(text);
        assert!(
            problems.iter().all(|p| p.code == ProblemCode::Syntax),
            "{problems:?}"
        );
        let lines: Vec<_> = problems.iter().filter_map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 3, 5, 6, 7, 8, 9]);
        assert_eq!(entries.len(), 1, "only `b: ok` is read");
    }

    #[test]
    fn unclosed_things() {
        let (_, problems) = read("a: [x, y\n");
        assert_eq!(
            (problems[0].code, problems[0].line),
            (ProblemCode::Truncated, Some(1))
        );
        let (entries, problems) = read("a: [x,\nb: y\n");
        assert_eq!(
            (problems[0].code, problems[0].line),
            (ProblemCode::Syntax, Some(2))
        );
        assert_eq!(entries.len(), 1, "b is still read");
        let (_, problems) = read("a: 'x\n");
        assert_eq!(
            (problems[0].code, problems[0].line),
            (ProblemCode::Syntax, Some(1))
        );
        let (_, problems) = read("a: \"\\q\"\n");
        assert_eq!(
            (problems[0].code, problems[0].line),
            (ProblemCode::Syntax, Some(1))
        );
    }
}
