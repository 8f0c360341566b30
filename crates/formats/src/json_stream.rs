//! Streaming the elements of a JSON document's top-level arrays.
//!
//! Large annotation files (a COCO instances file can pass 500 MB) are one JSON object whose
//! few keys hold huge arrays. This scanner reads such a file through a fixed buffer, finds the
//! elements of the arrays under the keys a reader wants, and hands each one over as its own
//! bytes with the line it starts on; everything else is skipped without being kept. It only
//! tracks structure (strings, nesting), so it is fast, and it never recurses, so hostile
//! nesting cannot overflow the stack. Each element is then parsed on its own: a broken element
//! is one problem, and the rest of the file still reads.

// A Problem is the scanner's one error: met at most once per file, on the cold path, so it is
// returned as it is rather than boxed.
#![allow(clippy::result_large_err)]

use std::io::Read;

use wharf_model::{Problem, ProblemCode};

/// Bytes read from the file at a time.
const READ_CHUNK: usize = 256 * 1024;
/// An element larger than this is reported and skipped, not kept.
pub(crate) const MAX_ELEMENT_BYTES: usize = 64 * 1024 * 1024;
/// An element nested deeper than this is reported and skipped.
pub(crate) const MAX_DEPTH: usize = 128;

/// One element of a wanted array.
pub(crate) struct Element<'a> {
    /// The key of the array, e.g. `annotations`.
    pub key: &'a str,
    /// Its position in the array, from 0.
    pub index: usize,
    /// 1-based line of its first byte.
    pub line: u64,
    pub bytes: &'a [u8],
}

impl Element<'_> {
    pub fn json_path(&self) -> String {
        format!("$.{}[{}]", self.key, self.index)
    }
}

/// An element the scanner could not hand over whole.
pub(crate) struct Skipped<'a> {
    pub key: &'a str,
    pub index: usize,
    pub line: u64,
    pub code: ProblemCode,
}

/// What the scanner tells its caller, in file order.
pub(crate) trait ElementSink {
    fn element(&mut self, element: Element<'_>);
    fn skipped(&mut self, skipped: Skipped<'_>);
}

/// Scans `reader`, a JSON object, and passes every element of the top-level arrays whose key
/// `wanted` accepts to `sink`. Fails with one file-level problem when the file is not a JSON
/// object or breaks off; elements passed before that stand.
pub(crate) fn scan_top_level_arrays(
    reader: impl Read,
    file: &str,
    wanted: &dyn Fn(&str) -> bool,
    sink: &mut dyn ElementSink,
) -> Result<(), Problem> {
    let mut scanner = Scanner {
        input: Input::new(reader, file),
        file,
    };
    scanner.document(wanted, sink)
}

struct Scanner<'f, R> {
    input: Input<'f, R>,
    file: &'f str,
}

impl<R: Read> Scanner<'_, R> {
    fn document(
        &mut self,
        wanted: &dyn Fn(&str) -> bool,
        sink: &mut dyn ElementSink,
    ) -> Result<(), Problem> {
        self.input.skip_bom()?;
        self.skip_ws()?;
        match self.input.next()? {
            Some(b'{') => {}
            Some(other) => {
                return Err(self
                    .problem(
                        ProblemCode::LayoutMismatch,
                        "the file must be one JSON object",
                    )
                    .found(format!("'{}'", other as char)));
            }
            None => {
                return Err(self.problem(
                    ProblemCode::Truncated,
                    "the file is empty; expected a JSON object",
                ));
            }
        }
        self.skip_ws()?;
        if self.input.peek()? == Some(b'}') {
            self.input.next()?;
            return Ok(());
        }
        loop {
            self.skip_ws()?;
            let key = self.key()?;
            self.skip_ws()?;
            self.expect(b':', "':' after a key")?;
            self.skip_ws()?;
            if wanted(&key) && self.input.peek()? == Some(b'[') {
                self.input.next()?;
                self.array_elements(&key, sink)?;
            } else {
                self.value(None)?;
            }
            self.skip_ws()?;
            match self.input.next()? {
                Some(b',') => continue,
                Some(b'}') => return Ok(()),
                Some(other) => {
                    return Err(self
                        .problem(ProblemCode::Syntax, "expected ',' or '}' after a value")
                        .found(format!("'{}'", other as char)));
                }
                None => return Err(self.truncated()),
            }
        }
    }

    fn array_elements(&mut self, key: &str, sink: &mut dyn ElementSink) -> Result<(), Problem> {
        let mut element = Vec::new();
        let mut index = 0;
        self.skip_ws()?;
        if self.input.peek()? == Some(b']') {
            self.input.next()?;
            return Ok(());
        }
        loop {
            self.skip_ws()?;
            let line = self.input.line;
            element.clear();
            match self.value(Some(&mut element))? {
                Captured::Whole => sink.element(Element {
                    key,
                    index,
                    line,
                    bytes: &element,
                }),
                Captured::TooLarge => sink.skipped(Skipped {
                    key,
                    index,
                    line,
                    code: ProblemCode::TooLarge,
                }),
                Captured::TooDeep => sink.skipped(Skipped {
                    key,
                    index,
                    line,
                    code: ProblemCode::TooDeep,
                }),
            }
            index += 1;
            self.skip_ws()?;
            match self.input.next()? {
                Some(b',') => continue,
                Some(b']') => return Ok(()),
                Some(other) => {
                    return Err(self
                        .problem(
                            ProblemCode::Syntax,
                            &format!("expected ',' or ']' after element {index} of '{key}'"),
                        )
                        .found(format!("'{}'", other as char)));
                }
                None => return Err(self.truncated()),
            }
        }
    }

    /// Scans one value, copying its bytes into `capture` when given.
    fn value(&mut self, mut capture: Option<&mut Vec<u8>>) -> Result<Captured, Problem> {
        if matches!(self.input.peek()?, Some(b'{' | b'[')) {
            return self.container(capture);
        }
        let Some(first) = self.input.next()? else {
            return Err(self.truncated());
        };
        if let Some(buf) = capture.as_deref_mut() {
            buf.push(first);
        }
        match first {
            b'"' => {
                let mut too_large = false;
                self.string_rest(capture, &mut too_large)?;
                return Ok(if too_large {
                    Captured::TooLarge
                } else {
                    Captured::Whole
                });
            }
            b'}' | b']' => {
                return Err(self.problem(
                    ProblemCode::Syntax,
                    "a closing bracket where a value was expected",
                ));
            }
            _ => {}
        }
        // A number, true, false or null: it ends before a delimiter.
        while let Some(next) = self.input.peek()? {
            if matches!(next, b',' | b']' | b'}') || next.is_ascii_whitespace() {
                break;
            }
            self.input.next()?;
            if let Some(buf) = capture.as_deref_mut() {
                buf.push(next);
            }
        }
        Ok(Captured::Whole)
    }

    /// Scans an object or an array in place in the read buffer, a chunk at a time, copying
    /// runs rather than bytes: the hot path for every element of a large file.
    fn container(&mut self, mut capture: Option<&mut Vec<u8>>) -> Result<Captured, Problem> {
        let mut depth = 0usize;
        let mut deepest = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut too_large = false;
        loop {
            if self.input.pos == self.input.len && !self.input.fill()? {
                return Err(self.truncated());
            }
            let start = self.input.pos;
            let chunk = &self.input.buf[start..self.input.len];
            let mut end = chunk.len();
            let mut newlines = 0;
            let mut closed = false;
            let mut i = 0;
            if escaped && !chunk.is_empty() {
                // The previous chunk ended on a backslash: this byte is escaped.
                escaped = false;
                i = 1;
            }
            // Jumps from one byte that matters to the next: most bytes of an annotation file
            // are digits, commas and spaces.
            while i < chunk.len() {
                let table = if in_string { &IN_STRING } else { &STRUCTURE };
                let Some(skip) = chunk[i..].iter().position(|&b| table[usize::from(b)]) else {
                    break;
                };
                let at = i + skip;
                i = at + 1;
                let byte = chunk[at];
                if byte == b'\n' {
                    newlines += 1;
                } else if in_string {
                    match byte {
                        b'"' => in_string = false,
                        // A backslash escapes the next byte, in this chunk or the next.
                        _ if i < chunk.len() => i += 1,
                        _ => escaped = true,
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => {
                            depth += 1;
                            deepest = deepest.max(depth);
                        }
                        // The first byte opened the container, so depth is at least 1 here.
                        _ => {
                            depth -= 1;
                            if depth == 0 {
                                end = at + 1;
                                closed = true;
                                break;
                            }
                        }
                    }
                }
            }
            if let Some(buf) = capture.as_deref_mut() {
                let room = MAX_ELEMENT_BYTES.saturating_sub(buf.len());
                too_large |= end > room;
                buf.extend_from_slice(&chunk[..end.min(room)]);
            }
            self.input.pos = start + end;
            self.input.line += newlines;
            if closed {
                return Ok(if too_large {
                    Captured::TooLarge
                } else if deepest > MAX_DEPTH {
                    Captured::TooDeep
                } else {
                    Captured::Whole
                });
            }
        }
    }

    /// Scans the rest of a string whose opening quote was read.
    fn string_rest(
        &mut self,
        mut capture: Option<&mut Vec<u8>>,
        too_large: &mut bool,
    ) -> Result<(), Problem> {
        let mut escaped = false;
        loop {
            let Some(byte) = self.input.next()? else {
                return Err(self.truncated());
            };
            if let Some(buf) = capture.as_deref_mut() {
                if buf.len() < MAX_ELEMENT_BYTES {
                    buf.push(byte);
                } else {
                    *too_large = true;
                }
            }
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => return Ok(()),
                _ => {}
            }
        }
    }

    /// Reads an object key: a string, decoded for the common escapes.
    fn key(&mut self) -> Result<String, Problem> {
        const MAX_KEY: usize = 4096;
        self.expect(b'"', "a quoted key")?;
        let mut key = Vec::new();
        let mut too_large = false;
        let mut raw = Vec::new();
        self.string_rest(Some(&mut raw), &mut too_large)?;
        raw.pop();
        if raw.len() > MAX_KEY {
            return Err(self.problem(
                ProblemCode::TooLarge,
                "an object key is longer than 4096 bytes",
            ));
        }
        let mut bytes = raw.iter().copied();
        while let Some(b) = bytes.next() {
            if b == b'\\' {
                match bytes.next() {
                    Some(b'n') => key.push(b'\n'),
                    Some(b't') => key.push(b'\t'),
                    Some(other) => key.push(other),
                    None => {}
                }
            } else {
                key.push(b);
            }
        }
        String::from_utf8(key)
            .map_err(|_| self.problem(ProblemCode::NotUtf8, "an object key is not valid UTF-8"))
    }

    fn expect(&mut self, wanted: u8, what: &str) -> Result<(), Problem> {
        match self.input.next()? {
            Some(b) if b == wanted => Ok(()),
            Some(other) => Err(self
                .problem(ProblemCode::Syntax, &format!("expected {what}"))
                .found(format!("'{}'", other as char))
                .expected(what.to_owned())),
            None => Err(self.truncated()),
        }
    }

    fn skip_ws(&mut self) -> Result<(), Problem> {
        while let Some(b) = self.input.peek()? {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.input.next()?;
        }
        Ok(())
    }

    fn problem(&self, code: ProblemCode, message: &str) -> Problem {
        Problem::error(
            code,
            self.file,
            format!("{} (line {})", message, self.input.line),
        )
        .at_line(self.input.line)
    }

    fn truncated(&self) -> Problem {
        self.problem(
            ProblemCode::Truncated,
            "the file ends in the middle of a value; it may have been cut short",
        )
    }
}

/// The bytes a container scan stops at outside strings: structure and line ends.
const STRUCTURE: [bool; 256] = byte_set(b"\"{}[]\n");
/// The bytes a container scan stops at inside a string: its end, escapes and line ends.
const IN_STRING: [bool; 256] = byte_set(b"\"\\\n");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

enum Captured {
    Whole,
    TooLarge,
    TooDeep,
}

/// A byte reader with one byte of look-ahead and a line count.
struct Input<'f, R> {
    reader: R,
    file: &'f str,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    line: u64,
    read_error: Option<String>,
}

impl<'f, R: Read> Input<'f, R> {
    fn new(reader: R, file: &'f str) -> Self {
        Self {
            reader,
            file,
            buf: vec![0; READ_CHUNK],
            pos: 0,
            len: 0,
            line: 1,
            read_error: None,
        }
    }

    #[inline]
    fn peek(&mut self) -> Result<Option<u8>, Problem> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    #[inline]
    fn next(&mut self) -> Result<Option<u8>, Problem> {
        let byte = self.peek()?;
        if let Some(b) = byte {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(byte)
    }

    fn skip_bom(&mut self) -> Result<(), Problem> {
        if self.peek()? == Some(0xEF)
            && self.len - self.pos >= 3
            && self.buf[self.pos..self.pos + 3] == [0xEF, 0xBB, 0xBF]
        {
            self.pos += 3;
        }
        Ok(())
    }

    /// Reads the next chunk; false at the end of the file.
    fn fill(&mut self) -> Result<bool, Problem> {
        if let Some(e) = &self.read_error {
            return Err(Problem::error(
                ProblemCode::Unreadable,
                self.file,
                e.clone(),
            ));
        }
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let message = format!("the file could not be read to its end: {e}");
                    self.read_error = Some(message.clone());
                    return Err(Problem::error(ProblemCode::Unreadable, self.file, message));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        elements: Vec<(String, usize, u64, String)>,
        skipped: Vec<(String, usize, u64, ProblemCode)>,
    }

    impl ElementSink for Collect {
        fn element(&mut self, e: Element<'_>) {
            self.elements.push((
                e.key.to_owned(),
                e.index,
                e.line,
                String::from_utf8_lossy(e.bytes).into_owned(),
            ));
        }
        fn skipped(&mut self, s: Skipped<'_>) {
            self.skipped
                .push((s.key.to_owned(), s.index, s.line, s.code));
        }
    }

    fn scan(text: &str, keys: &[&str]) -> (Collect, Result<(), Problem>) {
        let mut sink = Collect::default();
        let result =
            scan_top_level_arrays(text.as_bytes(), "f.json", &|k| keys.contains(&k), &mut sink);
        (sink, result)
    }

    #[test]
    fn hands_over_wanted_elements_with_their_lines_and_skips_the_rest() {
        let text = "\u{feff}{\"info\": {\"a\": [1, {\"b\": \"]}\"}]},\n \"images\": [\n  {\"id\": 1, \"s\": \"x\\\"y\"},\n  2, \"three\", [4]\n ],\n \"other\": [5],\n \"annotations\": []}";
        let (sink, result) = scan(text, &["images", "annotations"]);
        assert!(result.is_ok(), "{result:?}");
        let got: Vec<(&str, usize, u64, &str)> = sink
            .elements
            .iter()
            .map(|(k, i, l, b)| (k.as_str(), *i, *l, b.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("images", 0, 3, "{\"id\": 1, \"s\": \"x\\\"y\"}"),
                ("images", 1, 4, "2"),
                ("images", 2, 4, "\"three\""),
                ("images", 3, 4, "[4]"),
            ]
        );
    }

    /// Hands its text over a byte per read, so that every byte starts a new chunk.
    struct ByteAtATime<'a>(&'a [u8]);

    impl Read for ByteAtATime<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&byte, rest)), Some(slot)) => {
                    *slot = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn escapes_and_lines_hold_across_chunk_ends() {
        let text = "{\"skip\": [\"a\\\\\", \"]\\\"[\"],\n\"images\": [{\"s\": \"x\\\\\\\"]\"},\n [\"\\\\\"]]}";
        let whole = scan(text, &["images"]);
        let mut trickled = Collect::default();
        let result = scan_top_level_arrays(
            ByteAtATime(text.as_bytes()),
            "f.json",
            &|k| k == "images",
            &mut trickled,
        );
        assert!(result.is_ok(), "{result:?}");
        assert!(whole.1.is_ok(), "{:?}", whole.1);
        assert_eq!(trickled.elements, whole.0.elements);
        let got: Vec<(u64, &str)> = trickled
            .elements
            .iter()
            .map(|(_, _, line, bytes)| (*line, bytes.as_str()))
            .collect();
        assert_eq!(got, [(2, "{\"s\": \"x\\\\\\\"]\"}"), (3, "[\"\\\\\"]")]);
    }

    #[test]
    fn structural_damage_is_one_problem_with_its_line() {
        let (sink, result) = scan("{\"images\": [{\"id\": 1},\n{\"id\": 2", &["images"]);
        let problem = result.unwrap_err();
        assert_eq!(
            (problem.code, problem.line),
            (ProblemCode::Truncated, Some(2))
        );
        assert_eq!(sink.elements.len(), 1, "what came before the damage stands");

        let problem = scan("[1, 2]", &["images"]).1.unwrap_err();
        assert_eq!(problem.code, ProblemCode::LayoutMismatch);
        let problem = scan("{\"images\": [1 2]}", &["images"]).1.unwrap_err();
        assert_eq!(problem.code, ProblemCode::Syntax);
        assert_eq!(
            scan("", &["images"]).1.unwrap_err().code,
            ProblemCode::Truncated
        );
        assert!(scan("{}", &["images"]).1.is_ok());
    }

    #[test]
    fn hostile_nesting_is_skipped_without_recursion() {
        let deep = format!(
            "{{\"images\": [{}{}, {{\"id\": 2}}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (sink, result) = scan(&deep, &["images"]);
        assert!(result.is_ok());
        assert_eq!(
            sink.skipped,
            vec![("images".to_owned(), 0, 1, ProblemCode::TooDeep)]
        );
        assert_eq!(sink.elements.len(), 1);
    }
}
