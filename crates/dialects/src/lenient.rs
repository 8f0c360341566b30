//! Request fields as the platforms' clients send them, not only as their pages type them.
//!
//! The pages type some integers as strings and some codes as numbers, and clients follow
//! either; a field that takes both spellings takes them through these.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer, or a string of one; absent or `null` is `None`.
pub(crate) fn optional_integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, found {n}"))),
        Some(Value::String(s)) => {
            s.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!("expected an integer, found \"{s}\""))
            })
        }
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected an integer, found {other}"
        ))),
    }
}

/// A string, or a number as its text (`"0"` and `0` alike).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    optional_text(d)?.ok_or_else(|| serde::de::Error::custom("expected a string, found null"))
}

/// [`text`], where absent or `null` is `None`.
pub(crate) fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a string or a number, found {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::optional_integer")]
        count: Option<i64>,
        #[serde(deserialize_with = "super::text")]
        kind: String,
    }

    #[test]
    fn both_spellings_are_read_and_others_refused() {
        let read = |json: &str| serde_json::from_str::<Body>(json).map(|b| (b.count, b.kind));
        assert_eq!(
            read(r#"{"count": 3, "kind": "0"}"#).unwrap(),
            (Some(3), "0".to_owned())
        );
        assert_eq!(
            read(r#"{"count": " 3", "kind": 0}"#).unwrap(),
            (Some(3), "0".to_owned())
        );
        assert_eq!(read(r#"{"kind": "x"}"#).unwrap(), (None, "x".to_owned()));
        assert!(read(r#"{"count": "three", "kind": "0"}"#).is_err());
        assert!(read(r#"{"count": 1.5, "kind": "0"}"#).is_err());
        assert!(read(r#"{"kind": null}"#).is_err());
        assert!(read(r#"{"kind": [0]}"#).is_err());
    }
}
