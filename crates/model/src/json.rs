//! Annotations as JSON text, written the way `serde_json` writes them, only faster.
//!
//! Annotation files are mostly coordinates with one or two decimals (`438.5`, `337.42`), and an
//! import of millions of polygons spends more time formatting them than on any other step of
//! the read. A number that is exactly what its hundredths say is written here with integer
//! formatting; every other number goes to `serde_json`'s own formatter. The text is the same
//! either way (the shortest that reads back to the same number), so fingerprints taken of it
//! do not change.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// Writes `value` as compact JSON, as `serde_json::to_writer` does.
pub fn to_writer<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, ShortDecimals);
    value.serialize(&mut serializer)
}

/// `value` as compact JSON, as `serde_json::to_string` gives it.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut text = Vec::with_capacity(128);
    to_writer(&mut text, value)?;
    // serde_json writes UTF-8 only.
    String::from_utf8(text).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// The compact formatter, with a fast path for numbers of at most two decimals.
struct ShortDecimals;

/// Below this, numbers two hundredths apart are millions of representable values apart, so a
/// number's hundredths are its shortest form whenever they read back to it.
const FAST_PATH_LIMIT: f64 = 1e9;

impl Formatter for ShortDecimals {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let magnitude = value.abs();
        if magnitude < FAST_PATH_LIMIT {
            // Rounded by hand: `f64::round` is a call into libm on x86-64's baseline.
            let hundredths = (magnitude * 100.0 + 0.5) as u64;
            if hundredths as f64 / 100.0 == magnitude {
                return write_hundredths(writer, value.is_sign_negative(), hundredths);
            }
        }
        CompactFormatter.write_f64(writer, value)
    }
}

/// Writes `hundredths / 100` as serde_json does: no trailing zeros, and `.0` when whole.
fn write_hundredths<W: ?Sized + io::Write>(
    writer: &mut W,
    negative: bool,
    hundredths: u64,
) -> io::Result<()> {
    let mut text = [0u8; 32];
    let mut len = 0;
    if negative {
        text[0] = b'-';
        len = 1;
    }
    let mut whole = itoa::Buffer::new();
    let whole = whole.format(hundredths / 100).as_bytes();
    text[len..len + whole.len()].copy_from_slice(whole);
    len += whole.len();
    text[len] = b'.';
    len += 1;
    let fraction = (hundredths % 100) as u8;
    text[len] = b'0' + fraction / 10;
    len += 1;
    if !fraction.is_multiple_of(10) {
        text[len] = b'0' + fraction % 10;
        len += 1;
    }
    writer.write_all(&text[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same(value: f64) {
        assert_eq!(
            to_string(&value).unwrap(),
            serde_json::to_string(&value).unwrap(),
            "{value:e} ({:#x})",
            value.to_bits()
        );
    }

    #[test]
    fn every_number_of_two_decimals_reads_as_serde_json_writes_it() {
        for hundredths in 0..2_000_000_u64 {
            let value = hundredths as f64 / 100.0;
            assert_same(value);
            assert_same(-value);
        }
        for whole in [
            1e6,
            12_345_678.0,
            99_999_999.99,
            999_999_999.0,
            1e9,
            1e15,
            1e16,
        ] {
            assert_same(whole);
            assert_same(whole + 0.25);
            assert_same(-whole - 0.5);
        }
    }

    #[test]
    fn other_numbers_read_as_serde_json_writes_them() {
        for value in [
            0.1 + 0.2,
            0.125,
            1.0 / 3.0,
            1e-7,
            0.001,
            0.005,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            123_456_789.123,
            2f64.powi(53),
        ] {
            assert_same(value);
            assert_same(-value);
        }
        // Arbitrary bit patterns, from a fixed-seed generator (xorshift).
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = f64::from_bits(state);
            if value.is_finite() {
                assert_same(value);
            }
            // And values near the fast path's limit, with few decimals.
            assert_same((state % 100_000_000_000) as f64 / 100.0);
        }
    }

    #[test]
    fn numbers_that_are_not_finite_are_null_as_in_serde_json() {
        assert_eq!(
            to_string(&[f64::NAN, f64::INFINITY]).unwrap(),
            "[null,null]"
        );
    }

    #[test]
    fn structures_read_as_serde_json_writes_them() {
        let value = serde_json::json!({ "rings": [[[438.0, 337.4], [1.0 / 3.0, -0.05]]], "n": 7, "s": "é\"" });
        assert_eq!(
            to_string(&value).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }
}
