//! What the platforms' request signatures share.
//!
//! Huawei Cloud's `SDK-HMAC-SHA256` and Alibaba Cloud's `ACS3-HMAC-SHA256` are both the same
//! recipe: a canonical request (method, path, sorted query, signed headers, body hash), its
//! SHA-256 in a string to sign, and the hex HMAC-SHA256 of that under the secret key, named
//! in an `Authorization` header of `Name=value` parameters. Each dialect's `auth` keeps what
//! its platform does its own way (the path's canonical form, the dates, the error codes);
//! the pieces below are the ones that are the same.

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use sha2::{Digest, Sha256};

/// Everything but RFC 3986's unreserved `A-Z a-z 0-9 - _ . ~` is percent-encoded.
pub(crate) const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parameters of an `Authorization` header after its algorithm name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AuthorizationParts {
    pub access_key: String,
    /// Lowercase, in the order given.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Reads `Name=value, ...` parameters, the access key under `access_field` (`Access` for
/// Huawei Cloud, `Credential` for Alibaba Cloud); `None` when one of the three is missing or
/// empty.
pub(crate) fn authorization_parts(
    parameters: &str,
    access_field: &str,
) -> Option<AuthorizationParts> {
    let (mut access_key, mut signed_headers, mut signature) = (None, None, None);
    for part in parameters.split(',') {
        let Some((name, value)) = part.trim().split_once('=') else {
            continue;
        };
        let value = value.trim();
        match name.trim() {
            name if name == access_field => access_key = Some(value.to_owned()),
            "SignedHeaders" => {
                signed_headers = Some(
                    value
                        .split(';')
                        .map(|h| h.trim().to_ascii_lowercase())
                        .filter(|h| !h.is_empty())
                        .collect::<Vec<_>>(),
                )
            }
            "Signature" => signature = Some(value.to_owned()),
            _ => {}
        }
    }
    match (access_key, signed_headers, signature) {
        (Some(access_key), Some(signed_headers), Some(signature))
            if !access_key.is_empty() && !signed_headers.is_empty() && !signature.is_empty() =>
        {
            Some(AuthorizationParts {
                access_key,
                signed_headers,
                signature,
            })
        }
        _ => None,
    }
}

/// A header's value, if it is there and text.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The query's pairs, decoded, sorted by name then value, and encoded again. With
/// `plus_is_space`, a `+` is a space, as form-style clients write queries.
pub(crate) fn canonical_query(query: &str, plus_is_space: bool) -> String {
    let decode = |s: &str| -> Vec<u8> {
        if plus_is_space {
            percent_decode(s.replace('+', " ").as_bytes()).collect()
        } else {
            percent_decode(s.as_bytes()).collect()
        }
    };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').unwrap_or((p, ""));
            (decode(key), decode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encode(k, ENCODED),
                percent_encode(v, ENCODED)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `given` (hex) is the HMAC-SHA256 of `string_to_sign` under `secret_key`, compared
/// in time independent of where the two differ.
pub(crate) fn hmac_matches(secret_key: &str, string_to_sign: &str, given: &str) -> bool {
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()) else {
        return false;
    };
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// A canonical request as a refusal shows it: lines joined with `|`, as the gateways print
/// them, and the values of the `hidden` headers (credentials) masked.
pub(crate) fn shown(canonical: &str, signed_headers: &[String], hidden: &[&str]) -> String {
    canonical
        .lines()
        .map(|line| match line.split_once(':') {
            Some((name, _))
                if hidden.contains(&name) && signed_headers.iter().any(|h| h == name) =>
            {
                format!("{name}:******")
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_parameters_are_read_in_any_order() {
        let parts = authorization_parts(
            " Signature=ab12, Credential=AK1 ,SignedHeaders=Host;X-Acs-Date",
            "Credential",
        );
        assert_eq!(
            parts,
            Some(AuthorizationParts {
                access_key: "AK1".to_owned(),
                signed_headers: vec!["host".to_owned(), "x-acs-date".to_owned()],
                signature: "ab12".to_owned(),
            })
        );
        assert_eq!(
            authorization_parts("Access=AK1, Signature=ab", "Access"),
            None
        );
        assert_eq!(
            authorization_parts("Access=, SignedHeaders=host, Signature=ab", "Access"),
            None
        );
    }

    #[test]
    fn queries_sort_by_name_then_value_and_encode_unreserved_only() {
        assert_eq!(
            canonical_query("b=2&a=x%20y&a=1&c", false),
            "a=1&a=x%20y&b=2&c="
        );
        assert_eq!(canonical_query("q=a+b*", true), "q=a%20b%2A");
        assert_eq!(canonical_query("q=a+b", false), "q=a%2Bb");
    }

    #[test]
    fn only_the_right_hmac_matches() {
        let right = hex::encode({
            let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
            mac.update(b"to sign");
            mac.finalize().into_bytes()
        });
        assert!(hmac_matches("secret", "to sign", &right));
        assert!(!hmac_matches("secret", "to sign!", &right));
        assert!(!hmac_matches("other", "to sign", &right));
        assert!(!hmac_matches("secret", "to sign", "not hex"));
    }

    #[test]
    fn credentials_are_masked_when_signed() {
        let canonical = "GET\n/\n\nauthorization:x\nhost:h\nx-acs-security-token:t";
        let signed = ["host".to_owned(), "x-acs-security-token".to_owned()];
        assert_eq!(
            shown(canonical, &signed, &["x-acs-security-token"]),
            "GET|/||authorization:x|host:h|x-acs-security-token:******"
        );
    }
}
