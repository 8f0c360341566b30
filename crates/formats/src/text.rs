//! Text files as every reader sees them: a size cap, UTF-8 (other encodings recognised and
//! named, never guessed into text), short quotes for messages, and a bounded problem list.

use wharf_model::{Problem, ProblemCode, Severity};

/// Largest text file (labels, names, sidecars, configurations) read whole. Anything larger is
/// the wrong file or an attempt to exhaust memory.
pub(crate) const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Problems kept per file or listing. A file of garbage would otherwise give one problem a
/// line, millions of them; past this only a count is kept.
pub(crate) const MAX_PROBLEMS: usize = 1000;

/// Checks the size, drops a UTF-8 byte order mark and decodes. `what` names the file's role in
/// messages ("label file", "text file"). The error is boxed: a `Problem` is large, and errors
/// are the rare path.
pub(crate) fn decode<'a>(bytes: &'a [u8], file: &str, what: &str) -> Result<&'a str, Box<Problem>> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(Box::new(Problem::error(
            ProblemCode::TooLarge,
            file,
            format!(
                "{file} is {} bytes, more than the 16 MiB a {what} may have: check it is the right file, or split it.",
                bytes.len()
            ),
        )
        .found(format!("{} bytes", bytes.len()))
        .expected("at most 16 MiB")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| Box::new(not_utf8(bytes, e.valid_up_to(), file)))
}

/// The problem of bytes that are not UTF-8, naming GBK when the bytes read as GBK: ModelArts
/// takes GBK text, Wharf does not decode it.
pub(crate) fn not_utf8(bytes: &[u8], valid_up_to: usize, file: &str) -> Problem {
    let before = bytes.get(..valid_up_to).unwrap_or_default();
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
    let message = match guess_encoding(bytes) {
        Some(encoding) => format!(
            "{file} line {line} is not UTF-8: its bytes read as {encoding}, which ModelArts accepts but Wharf does not decode; convert the file to UTF-8 (for example `iconv -f GBK -t UTF-8`)."
        ),
        None => format!(
            "{file} line {line} has byte 0x{byte:02X}, which is not UTF-8: save the file as UTF-8."
        ),
    };
    Problem::error(ProblemCode::NotUtf8, file, message)
        .at_line(line)
        .found(format!("byte 0x{byte:02X}"))
        .expected("UTF-8 text")
}

/// `Some("GBK (Chinese)")` when every byte over 0x7F starts or ends a GBK pair, and most pairs
/// have a high second byte as Chinese characters do (Latin-1 accents followed by an ASCII
/// letter would otherwise pass for pairs); UTF-16 by its byte order mark.
pub(crate) fn guess_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some("UTF-16");
    }
    let (mut pairs, mut high_trail, mut i) = (0usize, 0usize, 0usize);
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            i += 1;
            continue;
        }
        let trail = bytes.get(i + 1).copied()?;
        if !(0x81..=0xFE).contains(&lead) || !(0x40..=0xFE).contains(&trail) || trail == 0x7F {
            return None;
        }
        pairs += 1;
        if trail >= 0x80 {
            high_trail += 1;
        }
        i += 2;
    }
    (pairs > 0 && high_trail * 2 >= pairs).then_some("GBK (Chinese)")
}

/// Text cut to a length that reads well inside a message.
pub(crate) fn short(text: &str) -> String {
    const SHOWN: usize = 60;
    let mut shown: String = text.chars().take(SHOWN).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

/// The problems of one call, of which the first [`MAX_PROBLEMS`] are kept.
pub(crate) struct ProblemList {
    what: String,
    kept: Vec<Problem>,
    dropped: usize,
    dropped_errors: usize,
}

impl ProblemList {
    /// `what` is the file, or the listing, the problems are about; it names the summary.
    pub(crate) fn new(what: &str) -> Self {
        Self {
            what: what.to_owned(),
            kept: Vec::new(),
            dropped: 0,
            dropped_errors: 0,
        }
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(problem);
            return;
        }
        self.dropped += 1;
        if problem.severity == Severity::Error {
            self.dropped_errors += 1;
        }
    }

    pub(crate) fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for problem in problems {
            self.push(problem);
        }
    }

    /// The kept problems, then one that counts those left out.
    pub(crate) fn finish(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            let message = format!(
                "{}: {} more problems ({} of them errors) are not listed; fix the ones above and read it again.",
                self.what, self.dropped, self.dropped_errors
            );
            let summary = if self.dropped_errors > 0 {
                Problem::error(ProblemCode::TooLarge, &self.what, message)
            } else {
                Problem::warning(ProblemCode::TooLarge, &self.what, message)
            };
            self.kept.push(
                summary
                    .found(format!("{} problems", MAX_PROBLEMS + self.dropped))
                    .expected(format!("at most {MAX_PROBLEMS} listed")),
            );
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_drops_a_bom_and_places_bad_bytes() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFcat\n", "a.txt", "label file").unwrap(),
            "cat\n"
        );
        let p = decode(b"cat\ndog\n\xFFx", "a.txt", "label file").unwrap_err();
        assert_eq!(
            (p.code, p.line, p.found.as_deref()),
            (ProblemCode::NotUtf8, Some(3), Some("byte 0xFF"))
        );
        assert!(!p.message.contains("GBK"), "{}", p.message);
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert_eq!(
            decode(&big, "a.txt", "label file").unwrap_err().code,
            ProblemCode::TooLarge
        );
    }

    #[test]
    fn gbk_is_recognised_latin1_is_not() {
        // "中文" in GBK, "élève" in Latin-1, "café" in Latin-1.
        assert_eq!(
            guess_encoding(b"a\xD6\xD0\xCE\xC4\n"),
            Some("GBK (Chinese)")
        );
        assert_eq!(guess_encoding(b"\xE9l\xE8ve"), None);
        assert_eq!(guess_encoding(b"caf\xE9\n"), None);
        assert_eq!(guess_encoding(b"\xD6"), None);
        assert_eq!(guess_encoding(b"\xFF\xFEa\0"), Some("UTF-16"));
        let p = decode(b"ok\n\xD6\xD0\xCE\xC4\n", "a.txt", "text file").unwrap_err();
        assert_eq!((p.code, p.line), (ProblemCode::NotUtf8, Some(2)));
        assert!(p.message.contains("GBK"), "{}", p.message);
    }

    #[test]
    fn problems_past_the_limit_are_counted() {
        let mut problems = ProblemList::new("a.txt");
        for _ in 0..MAX_PROBLEMS + 3 {
            problems.push(Problem::warning(ProblemCode::Syntax, "a.txt", "bad"));
        }
        let list = problems.finish();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        let last = &list[MAX_PROBLEMS];
        assert_eq!(
            (last.code, last.severity),
            (ProblemCode::TooLarge, Severity::Warning)
        );
        assert!(last.message.contains("3 more problems"), "{}", last.message);
    }
}
