//! Rosetta's request signature: `X-STARDUST-KEY` (the access key), `X-TS` (epoch
//! milliseconds) and `X-SIGN`, the lowercase hex MD5 of `"{ts}&{secretKey}&{accessKey}"`
//! (Stardust `docs-api`, `src/en/overview/authentication.md`).
//!
//! A timestamp more than [`WINDOW_MS`] away from the server's clock is refused as expired, so
//! that a captured request cannot be replayed later. Codes: 402 for a missing or unknown key,
//! 401 for a wrong signature, 403 for an expired one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use md5::{Digest, Md5};
use wharf_model::{Dialect, Workspace};

use super::envelope::{AUTHENTICATION_FAILED, RosettaError, SIGNATURE_EXPIRED, WRONG_SIGNATURE};
use crate::DialectState;

/// How far `X-TS` may be from the server's clock, either way.
pub(crate) const WINDOW_MS: i64 = 5 * 60 * 1000;

/// The workspace of a correctly signed request.
pub(crate) struct Caller(pub Workspace);

impl FromRequestParts<DialectState> for Caller {
    type Rejection = RosettaError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &DialectState,
    ) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let (Some(access_key), Some(ts), Some(sign)) =
            (header("x-stardust-key"), header("x-ts"), header("x-sign"))
        else {
            return Err(RosettaError::new(
                AUTHENTICATION_FAILED,
                "Authentication Failed: send the headers X-STARDUST-KEY, X-TS and X-SIGN",
            ));
        };
        let Ok(ts_ms) = ts.parse::<i64>() else {
            return Err(RosettaError::new(
                SIGNATURE_EXPIRED,
                format!(
                    "Signature Expired: X-TS is '{ts}'; expected the time in epoch milliseconds"
                ),
            ));
        };
        let now = chrono::Utc::now().timestamp_millis();
        if (now - ts_ms).abs() > WINDOW_MS {
            return Err(RosettaError::new(
                SIGNATURE_EXPIRED,
                format!(
                    "Signature Expired: X-TS is {} s away from the server's clock; at most {} s is accepted",
                    (now - ts_ms).abs() / 1000,
                    WINDOW_MS / 1000
                ),
            ));
        }
        let key = state
            .catalog
            .dialect_key(Dialect::Rosetta, access_key)
            .await
            .map_err(RosettaError::from)?
            .ok_or_else(|| {
                RosettaError::new(
                    AUTHENTICATION_FAILED,
                    "Authentication Failed: the X-STARDUST-KEY is not a Rosetta key of this server; \
                     make one with `wharf keys create --dialect rosetta`",
                )
            })?;
        if !signature_matches(sign, ts, &key.secret_key, access_key) {
            return Err(RosettaError::new(
                WRONG_SIGNATURE,
                "Wrong Signature: X-SIGN must be the lowercase hex MD5 of \"{X-TS}&{secretKey}&{X-STARDUST-KEY}\"",
            ));
        }
        Ok(Caller(key.workspace))
    }
}

/// The signature of a request, as a client computes it.
pub(crate) fn sign(ts: &str, secret_key: &str, access_key: &str) -> String {
    hex::encode(Md5::digest(format!("{ts}&{secret_key}&{access_key}")))
}

/// Compares in time independent of where the strings differ.
fn signature_matches(given: &str, ts: &str, secret_key: &str, access_key: &str) -> bool {
    let expected = sign(ts, secret_key, access_key);
    let given = given.to_ascii_lowercase();
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_md5_of_ts_secret_and_key() {
        // printf '1715857414000&sk&AK' | md5sum
        assert_eq!(
            sign("1715857414000", "sk", "AK"),
            "3018591f9761d88e764a5bbc30996d7f"
        );
        let good = sign("1", "secret", "AK");
        assert!(signature_matches(&good, "1", "secret", "AK"));
        assert!(signature_matches(&good.to_uppercase(), "1", "secret", "AK"));
        assert!(!signature_matches(&good, "2", "secret", "AK"));
        assert!(!signature_matches(&good[..31], "1", "secret", "AK"));
        assert!(!signature_matches(
            &sign("1", "other", "AK"),
            "1",
            "secret",
            "AK"
        ));
    }
}
