//! What the ModelArts directory readers share: size limits, decoding (with GBK recognised),
//! lines, the naming rules ModelArts sets, and a bounded problem list.

use wharf_model::{Annotation, Problem, ProblemCode, Severity, Shape};

use super::FORMAT;

/// Largest sidecar or text file read. A label list or a file of text samples this large is the
/// wrong file or an attempt to exhaust memory; tables have no limit, as they are streamed.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Longest text line ModelArts imports (its documented 100 KB).
pub(super) const MODELARTS_MAX_LINE_BYTES: usize = 100 * 1024;

/// Longest label name ExeML accepts.
const EXEML_MAX_LABEL_CHARS: usize = 32;

/// Most labels ModelArts allows in one (non-table) dataset.
pub(super) const MODELARTS_MAX_LABELS: usize = 10_000;

/// Problems listed per call. A file (or listing) of garbage would otherwise give one problem a
/// line, millions of them; past this only a count is kept.
const MAX_PROBLEMS: usize = 1000;

/// A whole-sample label, as every reader of this module writes it.
pub(super) fn class(label: &str) -> Annotation {
    Annotation {
        label: label.to_owned(),
        shape: Shape::Class,
        attributes: Default::default(),
        confidence: None,
        annotated_by: None,
        difficult: false,
        hard: false,
        source_format: FORMAT.to_owned(),
    }
}

/// Checks the size, drops a UTF-8 byte order mark and decodes. `what` names the file's role in
/// messages ("label file", "text file"). The error is boxed: a `Problem` is large, and errors
/// are the rare path.
pub(super) fn decode<'a>(bytes: &'a [u8], file: &str, what: &str) -> Result<&'a str, Box<Problem>> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(Box::new(Problem::error(
            ProblemCode::TooLarge,
            file,
            format!(
                "{file} is {} bytes, more than the 16 MiB a ModelArts {what} may have here: check it is the right file, or split it.",
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
pub(super) fn not_utf8(bytes: &[u8], valid_up_to: usize, file: &str) -> Problem {
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
pub(super) fn guess_encoding(bytes: &[u8]) -> Option<&'static str> {
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

/// Lines numbered from 1, without their `\r`.
pub(super) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1..)
        .map(|(line, number)| (number, line.strip_suffix('\r').unwrap_or(line)))
}

/// Text cut to a length that reads well inside a message.
pub(super) fn short(text: &str) -> String {
    const SHOWN: usize = 60;
    let mut shown: String = text.chars().take(SHOWN).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

/// What is wrong with a label name by ExeML's rule (1 to 32 letters, digits, `-` or `_`), if
/// anything.
pub(super) fn exeml_label_fault(label: &str) -> Option<&'static str> {
    if label.chars().count() > EXEML_MAX_LABEL_CHARS {
        Some("it is longer than 32 characters")
    } else if label
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        Some("it has characters other than letters, digits, `-` and `_`")
    } else {
        None
    }
}

/// A warning for a label name ExeML refuses, or none.
pub(super) fn exeml_label_warning(label: &str, file: &str, line: Option<u64>) -> Option<Problem> {
    let fault = exeml_label_fault(label)?;
    let mut problem = Problem::warning(
        ProblemCode::InvalidValue,
        file,
        format!(
            "Label \"{}\" breaks ModelArts ExeML's naming rule, as {fault}: Wharf keeps it, but rename it if the dataset goes back to ExeML.",
            short(label)
        ),
    )
    .field("label")
    .found(label)
    .expected("1 to 32 letters, digits, `-` or `_`");
    if let Some(line) = line {
        problem = problem.at_line(line);
    }
    Some(problem)
}

/// A warning for a file name with `+`, a space or a tab, which ModelArts refuses.
pub(super) fn file_name_warning(path: &str) -> Option<Problem> {
    let name = crate::detect::file_name(path);
    let bad = name.chars().find(|c| matches!(c, '+' | ' ' | '\t'))?;
    let what = match bad {
        '+' => "`+`",
        ' ' => "a space",
        _ => "a tab",
    };
    Some(
        Problem::warning(
            ProblemCode::InvalidValue,
            path,
            format!(
                "The file name \"{}\" has {what}, which ModelArts refuses in file names: Wharf imports it, but rename it if the dataset goes back to ModelArts.",
                short(name)
            ),
        )
        .field("file name")
        .found(name)
        .expected("a name without `+`, spaces or tabs"),
    )
}

/// The problems of one call, of which the first [`MAX_PROBLEMS`] are kept.
pub(super) struct Problems {
    what: String,
    kept: Vec<Problem>,
    dropped: usize,
    dropped_errors: usize,
}

impl Problems {
    /// `what` is the file, or the listing, the problems are about; it names the summary.
    pub(super) fn new(what: &str) -> Self {
        Self {
            what: what.to_owned(),
            kept: Vec::new(),
            dropped: 0,
            dropped_errors: 0,
        }
    }

    pub(super) fn push(&mut self, problem: Problem) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(problem);
            return;
        }
        self.dropped += 1;
        if problem.severity == Severity::Error {
            self.dropped_errors += 1;
        }
    }

    pub(super) fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for problem in problems {
            self.push(problem);
        }
    }

    /// The kept problems, then one that counts those left out.
    pub(super) fn finish(mut self) -> Vec<Problem> {
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
    fn exeml_rule() {
        assert_eq!(exeml_label_fault("Cat_2-b"), None);
        assert!(exeml_label_fault(&"a".repeat(33)).is_some());
        assert_eq!(exeml_label_fault(&"a".repeat(32)), None);
        assert!(exeml_label_fault("black cat").is_some());
        assert!(exeml_label_fault("猫").is_some());
    }

    #[test]
    fn file_names_with_plus_space_or_tab_warn() {
        assert!(file_name_warning("a b/c.jpg").is_none());
        assert!(file_name_warning("a/c d.jpg").is_some());
        assert!(file_name_warning("a/c+d.jpg").is_some());
        assert!(file_name_warning("a/c\td.jpg").is_some());
    }

    #[test]
    fn problems_past_the_limit_are_counted() {
        let mut problems = Problems::new("a.txt");
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
