//! What every YOLO parser shares: size limits, UTF-8, lines, and a bounded problem list.

use wharf_model::Problem;

/// Longest label line read. A segment of 1 MiB already has some 50 000 points.
pub(super) const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Most classes a names file may define (LVIS has 1 203, ImageNet-21k some 21 000).
pub(super) const MAX_CLASSES: usize = 100_000;

pub(super) use crate::text::{ProblemList as Problems, short};

/// Checks the size, drops a UTF-8 byte order mark and decodes.
pub(super) fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, Box<Problem>> {
    crate::text::decode(bytes, file, "YOLO text file")
}

/// Lines numbered from 1, with `\r` and trailing blanks removed.
pub(super) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1..)
        .map(|(line, number)| (number, line.trim_end()))
}

#[cfg(test)]
mod tests {
    use wharf_model::ProblemCode;

    use super::*;

    #[test]
    fn decode_drops_a_byte_order_mark_and_places_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBFcat\n", "c.txt").unwrap(), "cat\n");
        let p = decode(b"cat\ndog\n\xFFx", "c.txt").unwrap_err();
        assert_eq!(
            (p.code, p.line, p.found.as_deref()),
            (ProblemCode::NotUtf8, Some(3), Some("byte 0xFF"))
        );
        let big = vec![b'a'; crate::text::MAX_TEXT_BYTES + 1];
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
}
