//! Lines of a reader, each held at most up to a limit: a longer line is passed over in the
//! reader's own chunks and only its length is reported.

use std::io::{BufRead, ErrorKind};

/// The next line, or why there is none.
pub(super) enum Next<'a> {
    /// A line without its `\n` and `\r`.
    Line {
        line: u64,
        bytes: &'a [u8],
    },
    /// A line over the limit, passed over; `bytes` is its length.
    TooLong {
        line: u64,
        bytes: u64,
    },
    /// The reader failed before the end of `line`.
    Failed {
        line: u64,
        error: std::io::Error,
    },
    End,
}

pub(super) struct Lines<R> {
    reader: R,
    limit: usize,
    buf: Vec<u8>,
    /// Lines handed out so far.
    line: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        Self {
            reader,
            limit,
            buf: Vec::new(),
            line: 0,
        }
    }

    pub fn next_line(&mut self) -> Next<'_> {
        self.buf.clear();
        let mut length: u64 = 0;
        let mut too_long = false;
        let mut started = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(error) => {
                    return Next::Failed {
                        line: self.line + 1,
                        error,
                    };
                }
            };
            if available.is_empty() {
                if !started {
                    return Next::End;
                }
                break;
            }
            started = true;
            let (chunk, consumed, ends) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (&available[..at], at + 1, true),
                None => (available, available.len(), false),
            };
            length += chunk.len() as u64;
            if !too_long {
                if self.buf.len() + chunk.len() > self.limit {
                    too_long = true;
                    self.buf.clear();
                } else {
                    reserve(&mut self.buf, self.limit, chunk.len());
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(consumed);
            if ends {
                break;
            }
        }
        self.line += 1;
        if too_long {
            return Next::TooLong {
                line: self.line,
                bytes: length,
            };
        }
        let bytes = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
        Next::Line {
            line: self.line,
            bytes,
        }
    }

    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.buf.capacity()
    }
}

/// Grows `buf` for `additional` bytes as `Vec` would, but never past `limit` (which the
/// caller has checked `additional` fits in).
fn reserve(buf: &mut Vec<u8>, limit: usize, additional: usize) {
    let needed = buf.len() + additional;
    if needed > buf.capacity() {
        let target = (buf.capacity() * 2).max(needed).min(limit);
        buf.reserve_exact(target - buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &[u8], limit: usize) -> Vec<String> {
        let mut lines = Lines::new(std::io::BufReader::with_capacity(4, text), limit);
        let mut out = Vec::new();
        loop {
            match lines.next_line() {
                Next::Line { line, bytes } => {
                    out.push(format!("{line}:{}", String::from_utf8_lossy(bytes)))
                }
                Next::TooLong { line, bytes } => out.push(format!("{line}:too long {bytes}")),
                Next::Failed { line, .. } => out.push(format!("{line}:failed")),
                Next::End => return out,
            }
        }
    }

    #[test]
    fn splits_lines_across_chunks_and_strips_cr() {
        assert_eq!(
            collect(b"ab\r\n\ncdefghij\nklm", 100),
            ["1:ab", "2:", "3:cdefghij", "4:klm"]
        );
        assert_eq!(collect(b"ab\n", 100), ["1:ab"]);
        assert!(collect(b"", 100).is_empty());
    }

    #[test]
    fn passes_over_long_lines_without_holding_them() {
        assert_eq!(
            collect(b"0123456789\nabc\n0123456789", 5),
            ["1:too long 10", "2:abc", "3:too long 10"]
        );
        let big = vec![b'x'; 100_000];
        let mut lines = Lines::new(std::io::BufReader::with_capacity(1024, &big[..]), 4096);
        assert!(matches!(
            lines.next_line(),
            Next::TooLong {
                line: 1,
                bytes: 100_000
            }
        ));
        assert!(lines.held() <= 4096, "held {}", lines.held());
    }
}
