//! What every YOLO parser shares: size limits, UTF-8, lines, and a bounded problem list.

use wharf_model::{Problem, ProblemCode, Severity};

/// Largest file a YOLO parser reads. Label, names and config files are small; anything
/// larger is the wrong file or an attempt to exhaust memory.
pub(super) const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Longest label line read. A segment of 1 MiB already has some 50 000 points.
pub(super) const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Most classes a names file may define (LVIS has 1 203, ImageNet-21k some 21 000).
pub(super) const MAX_CLASSES: usize = 100_000;

/// Problems listed per file. A file of garbage would otherwise give one problem per line,
/// millions of them; past this only a count is kept.
const MAX_PROBLEMS: usize = 1000;

/// Checks the size, drops a UTF-8 byte order mark (Windows editors write one) and decodes.
/// Errors are boxed here and below: a `Problem` is large, and errors are the rare path.
pub(super) fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, Box<Problem>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Box::new(Problem::error(
            ProblemCode::TooLarge,
            file,
            format!(
                "{file} is {} bytes, more than the 16 MiB a YOLO text file may have: check it is the right file",
                bytes.len()
            ),
        )
        .found(format!("{} bytes", bytes.len()))
        .expected("at most 16 MiB")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| Box::new(not_utf8(bytes, e.valid_up_to(), file)))
}

fn not_utf8(bytes: &[u8], valid_up_to: usize, file: &str) -> Problem {
    let before = bytes.get(..valid_up_to).unwrap_or_default();
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
    Problem::error(
        ProblemCode::NotUtf8,
        file,
        format!(
            "{file} line {line} has byte 0x{byte:02X}, which is not UTF-8: save the file as UTF-8"
        ),
    )
    .at_line(line)
    .found(format!("byte 0x{byte:02X}"))
    .expected("UTF-8 text")
}

/// Lines numbered from 1, with `\r` and trailing blanks removed.
pub(super) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1..)
        .map(|(line, number)| (number, line.trim_end()))
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

/// The problems of one file, of which the first [`MAX_PROBLEMS`] are kept.
pub(super) struct Problems {
    file: String,
    kept: Vec<Problem>,
    dropped: usize,
    dropped_errors: usize,
}

impl Problems {
    pub(super) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
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

    /// The kept problems, then one that counts those left out.
    pub(super) fn finish(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            let message = format!(
                "{}: {} more problems ({} of them errors) are not listed; fix the ones above and read the file again",
                self.file, self.dropped, self.dropped_errors
            );
            let summary = if self.dropped_errors > 0 {
                Problem::error(ProblemCode::TooLarge, &self.file, message)
            } else {
                Problem::warning(ProblemCode::TooLarge, &self.file, message)
            };
            self.kept.push(
                summary
                    .found(format!("{} problems", MAX_PROBLEMS + self.dropped))
                    .expected(format!("at most {MAX_PROBLEMS} listed per file")),
            );
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_drops_a_byte_order_mark_and_places_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBFcat\n", "c.txt").unwrap(), "cat\n");
        let p = decode(b"cat\ndog\n\xFFx", "c.txt").unwrap_err();
        assert_eq!(
            (p.code, p.line, p.found.as_deref()),
            (ProblemCode::NotUtf8, Some(3), Some("byte 0xFF"))
        );
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(
            decode(&big, "c.txt").unwrap_err().code,
            ProblemCode::TooLarge
        );
    }

    #[test]
    fn lines_are_numbered_and_trimmed() {
        let all: Vec<_> = lines("a \r\nb\t\n").collect();
        assert_eq!(all, [(1, "a"), (2, "b"), (3, "")]);
    }

    #[test]
    fn problems_past_the_limit_are_counted_not_kept() {
        let mut problems = Problems::new("l.txt");
        for _ in 0..MAX_PROBLEMS + 5 {
            problems.push(Problem::error(ProblemCode::Syntax, "l.txt", "bad"));
        }
        let list = problems.finish();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        let last = &list[MAX_PROBLEMS];
        assert_eq!(
            (last.code, last.severity),
            (ProblemCode::TooLarge, Severity::Error)
        );
        assert!(last.message.contains("5 more problems"), "{}", last.message);
    }
}
