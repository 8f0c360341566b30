//! Reading single values the lenient way manifests need.

use serde_json::{Map, Value};
use wharf_model::ProblemCode;

/// Takes the first of `names` present in `map`, with the spelling found.
pub(super) fn take(
    map: &mut Map<String, Value>,
    names: &[&'static str],
) -> Option<(&'static str, Value)> {
    names
        .iter()
        .find_map(|name| map.remove(*name).map(|value| (*name, value)))
}

/// `base.key`, a JSON path one key deeper.
pub(super) fn at(base: &str, key: &str) -> String {
    format!("{base}.{key}")
}

/// A value as a problem shows it: strings quoted (so that whitespace shows), containers by size.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Array(items) => format!("an array of {}", counted(items.len(), "item")),
        Value::Object(map) => format!("an object of {}", counted(map.len(), "key")),
        other => other.to_string(),
    }
}

fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `hard`: a boolean, or the string `"true"`/`"false"` in any case.
pub(super) fn flag(value: &Value) -> Result<bool, ProblemCode> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        Value::String(_) => Err(ProblemCode::InvalidValue),
        _ => Err(ProblemCode::WrongType),
    }
}

/// A number in [0, 1] (`confidence`, `hard-coefficient`).
pub(super) fn unit(value: &Value) -> Result<f64, ProblemCode> {
    match value.as_f64() {
        Some(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Some(_) => Err(ProblemCode::InvalidValue),
        None => Err(ProblemCode::WrongType),
    }
}

/// A time in seconds: `hh:mm:ss.SSS`, `mm:ss.SSS`, or plain seconds as a string or a number.
/// Minutes and seconds after the first part must be under 60.
pub(super) fn seconds(value: &Value) -> Option<f64> {
    let text = match value {
        Value::Number(n) => return n.as_f64().filter(|v| v.is_finite() && *v >= 0.0),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let parts: Vec<&str> = text.split(':').collect();
    let (whole, last) = match parts.as_slice() {
        [s] => return decimal(s),
        [m, s] => (whole_number(m)? * 60.0, *s),
        [h, m, s] => {
            let minutes = whole_number(m).filter(|m| *m < 60.0)?;
            (whole_number(h)? * 3600.0 + minutes * 60.0, *s)
        }
        _ => return None,
    };
    let secs = decimal(last).filter(|s| *s < 60.0)?;
    Some(whole + secs)
}

/// Digits only, at most 12 of them.
fn whole_number(text: &str) -> Option<f64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `digits` or `digits.digits`: no sign, no exponent.
fn decimal(text: &str) -> Option<f64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || int.len() > 12 {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_in_every_accepted_form() {
        let s = |v: Value| seconds(&v);
        assert_eq!(s(json!("00:01:10.123")), Some(70.123));
        assert_eq!(s(json!("01:00:00")), Some(3600.0));
        assert_eq!(s(json!("1:10.5")), Some(70.5));
        assert_eq!(s(json!("75:10.5")), Some(4510.5));
        assert_eq!(s(json!("12.25")), Some(12.25));
        assert_eq!(s(json!(" 3 ")), Some(3.0));
        assert_eq!(s(json!(4.5)), Some(4.5));
        for bad in [
            json!("00:60:00.000"),
            json!("00:00:60.000"),
            json!("1:2:3:4"),
            json!("-1"),
            json!("1e3"),
            json!("00:01:10,123"),
            json!("abc"),
            json!(""),
            json!("1."),
            json!(-2),
            json!(true),
        ] {
            assert_eq!(s(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn flags_and_units() {
        assert_eq!(flag(&json!("TRUE")), Ok(true));
        assert_eq!(flag(&json!(false)), Ok(false));
        assert_eq!(flag(&json!("yes")), Err(ProblemCode::InvalidValue));
        assert_eq!(flag(&json!(1)), Err(ProblemCode::WrongType));
        assert_eq!(unit(&json!(0.8)), Ok(0.8));
        assert_eq!(unit(&json!(1.5)), Err(ProblemCode::InvalidValue));
        assert_eq!(unit(&json!("0.5")), Err(ProblemCode::WrongType));
    }
}
