//! Alibaba Cloud's request signature V3 (`ACS3-HMAC-SHA256`), checked as its API gateway checks
//! it ("Request syntax and signature method V3",
//! `https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature`).
//!
//! A client sends `x-acs-date` (UTC, `2024-01-02T03:04:05Z`), `x-acs-signature-nonce` (a new
//! random value for each request), `x-acs-content-sha256` (the hex SHA-256 of the body) and
//! `Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b>,Signature=<hex>`. The
//! signature is the hex HMAC-SHA256, under the secret, of
//! `ACS3-HMAC-SHA256\n<hex SHA-256 of the canonical request>`. The canonical request is the
//! method, the path (each segment percent-encoded as RFC 3986 says, `/` kept), the query
//! (pairs sorted by name, names and values percent-encoded the same way, a space as `%20`),
//! each signed header as `name:value` (several values sorted and joined with `,`), the signed
//! header names, and the hex SHA-256 of the body.
//!
//! The server rebuilds the canonical request from what it received, the body's hash computed
//! (not taken from the header), and compares in constant time. The host and every `x-acs-`
//! header the request carries must be signed, as the page requires, so that none can be
//! changed on the way. An `x-acs-date` more than [`WINDOW_SECONDS`] from the server's clock is
//! `InvalidTimeStamp.Expired`, and a nonce seen again while its request could still be accepted
//! is `SignatureNonceUsed`: a captured request cannot be replayed. Nonces are remembered by each
//! server process, at most [`NONCE_CAPACITY`] of them (the oldest go first past that).

use std::collections::{HashSet, VecDeque};
use std::sync::{LazyLock, Mutex};

use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use percent_encoding::{percent_decode, percent_encode};
use wharf_model::{Dialect, Workspace};

use super::envelope::{
    INCOMPLETE_SIGNATURE, KEY_NOT_FOUND, NONCE_USED, PaiError, SIGNATURE_METHOD,
    SIGNATURE_MISMATCH, TIMESTAMP_EXPIRED, TIMESTAMP_FORMAT,
};
use crate::DialectState;
use crate::signing::{
    ENCODED, authorization_parts, canonical_query, header, hmac_matches, sha256_hex, shown,
};

pub(crate) const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// How far `x-acs-date` may be from the server's clock, either way: the gateway's 15 minutes.
pub(crate) const WINDOW_SECONDS: i64 = 15 * 60;
/// Nonces a server process remembers.
pub(crate) const NONCE_CAPACITY: usize = 100_000;
/// Header values a refusal never shows, though a client may sign them.
const HIDDEN_HEADERS: &[&str] = &[
    "authorization",
    "x-acs-security-token",
    "x-acs-bearer-token",
];

/// A correctly signed request: its workspace, the access key that signed it, and its body
/// (already read, to be hashed).
pub(crate) struct Signed {
    pub workspace: Workspace,
    pub access_key: String,
    pub body: Bytes,
}

/// The parts of an `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization {
    access_key: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn incomplete(detail: impl std::fmt::Display) -> PaiError {
    PaiError::gateway(
        StatusCode::BAD_REQUEST,
        INCOMPLETE_SIGNATURE,
        format!("The request signature does not conform to Aliyun standards: {detail}"),
    )
}

impl FromRequest<DialectState> for Signed {
    type Rejection = PaiError;

    async fn from_request(request: Request, state: &DialectState) -> Result<Self, Self::Rejection> {
        let method = request.method().as_str().to_owned();
        let uri = request
            .extensions()
            .get::<OriginalUri>()
            .map_or_else(|| request.uri().clone(), |o| o.0.clone());
        let headers = request.headers().clone();
        let authorization = parse_authorization(header(&headers, "authorization"))?;
        let date = header(&headers, "x-acs-date")
            .ok_or_else(|| incomplete("the request has no x-acs-date header; send the signing time in UTC, e.g. 2024-01-02T03:04:05Z"))?;
        let now = Utc::now();
        let signed_at = check_date(date, now)?;
        let nonce = header(&headers, "x-acs-signature-nonce").ok_or_else(|| {
            incomplete("the request has no x-acs-signature-nonce header; send a new random value with each request")
        })?;
        check_signed_headers(&headers, &authorization.signed_headers).map_err(incomplete)?;
        let secret = secret_of(state, &authorization.access_key).await?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| PaiError::invalid(format!("the request body cannot be read: {e}")))?;
        let canonical = canonical_request(
            &method,
            uri.path(),
            uri.query(),
            &headers,
            uri.authority().map(|a| a.as_str()),
            &authorization.signed_headers,
            &body,
        )
        .map_err(incomplete)?;
        if !signature_matches(&secret.secret_key, &canonical, &authorization.signature) {
            tracing::info!(access_key = %authorization.access_key, "refused a PAI request: wrong signature");
            let declared = header(&headers, "x-acs-content-sha256")
                .filter(|d| !d.eq_ignore_ascii_case(&sha256_hex(&body)))
                .map(|_| "; x-acs-content-sha256 is not the SHA-256 of the body received")
                .unwrap_or_default();
            return Err(PaiError::gateway(
                StatusCode::BAD_REQUEST,
                SIGNATURE_MISMATCH,
                format!(
                    "Specified signature does not match our calculation. server StringToSign is [{}]; \
                     the canonical request is [{}]{declared}",
                    string_to_sign(&canonical),
                    shown(&canonical, &authorization.signed_headers, HIDDEN_HEADERS)
                ),
            ));
        }
        if !NONCES
            .lock()
            .map_err(|_| {
                PaiError::from(wharf_model::WharfError::internal(
                    "the nonce cache is unusable",
                ))
            })?
            .admit(&authorization.access_key, nonce, signed_at, now)
        {
            return Err(PaiError::gateway(
                StatusCode::BAD_REQUEST,
                NONCE_USED,
                format!(
                    "Specified signature nonce was used already: x-acs-signature-nonce '{nonce}' came with an earlier request \
                     signed within {} minutes; send a new random nonce with each request",
                    WINDOW_SECONDS / 60
                ),
            ));
        }
        Ok(Signed {
            workspace: secret.workspace,
            access_key: authorization.access_key,
            body,
        })
    }
}

/// The workspace and secret of a PAI access key, or why there is none.
async fn secret_of(
    state: &DialectState,
    access_key: &str,
) -> Result<wharf_catalog::DialectKey, PaiError> {
    if let Some(key) = state.catalog.dialect_key(Dialect::Pai, access_key).await? {
        return Ok(key);
    }
    let not_found = |why: String| {
        PaiError::gateway(
            StatusCode::NOT_FOUND,
            KEY_NOT_FOUND,
            format!("Specified access key is not found: {why}"),
        )
    };
    for other in Dialect::ALL.into_iter().filter(|d| *d != Dialect::Pai) {
        if state
            .catalog
            .dialect_key(other, access_key)
            .await?
            .is_some()
        {
            return Err(not_found(format!(
                "{access_key} is a {} key of this server, not a PAI one; make one with `wharf keys create --dialect pai`",
                other.as_str()
            )));
        }
    }
    Err(not_found(format!(
        "{access_key} is no key of this server; make a key pair with `wharf keys create --dialect pai`"
    )))
}

fn parse_authorization(value: Option<&str>) -> Result<Authorization, PaiError> {
    let expected = format!(
        "expected `{ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>`"
    );
    let Some(value) = value else {
        return Err(incomplete(format!(
            "the request has no Authorization header; sign it with the access key pair: {expected}"
        )));
    };
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !algorithm.starts_with("ACS3-") {
        // Only the scheme is named: what follows may be a token.
        return Err(incomplete(format!(
            "the Authorization header is a '{algorithm}' credential, not a V3 signature: {expected}"
        )));
    }
    if algorithm != ALGORITHM {
        return Err(PaiError::gateway(
            StatusCode::BAD_REQUEST,
            SIGNATURE_METHOD,
            format!(
                "Specified signature method is not valid: the Authorization header is signed with '{algorithm}'; \
                 this server checks {ALGORITHM} only: {expected}"
            ),
        ));
    }
    let parts = authorization_parts(rest, "Credential").ok_or_else(|| {
        incomplete(format!(
            "the Authorization header lacks Credential, SignedHeaders or Signature: {expected}"
        ))
    })?;
    Ok(Authorization {
        access_key: parts.access_key,
        signed_headers: parts.signed_headers,
        signature: parts.signature,
    })
}

/// The signing time, if well formed and within the window of `now`.
fn check_date(date: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, PaiError> {
    let Ok(signed_at) = DateTime::parse_from_rfc3339(date) else {
        return Err(PaiError::gateway(
            StatusCode::BAD_REQUEST,
            TIMESTAMP_FORMAT,
            format!(
                "Specified time stamp or date value is not well formatted: x-acs-date is '{date}'; \
                 expected the signing time in UTC as yyyy-MM-ddTHH:mm:ssZ, e.g. {}",
                now.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        ));
    };
    let signed_at = signed_at.with_timezone(&Utc);
    if (now - signed_at).num_seconds().abs() > WINDOW_SECONDS {
        return Err(PaiError::gateway(
            StatusCode::BAD_REQUEST,
            TIMESTAMP_EXPIRED,
            format!(
                "Specified time stamp or date value is expired: x-acs-date is {date}, the server's time is {}; \
                 it must be within {} minutes of the server's clock",
                now.format("%Y-%m-%dT%H:%M:%SZ"),
                WINDOW_SECONDS / 60
            ),
        ));
    }
    Ok(signed_at)
}

/// The host and every `x-acs-` header the request carries must be signed.
fn check_signed_headers(headers: &HeaderMap, signed: &[String]) -> Result<(), String> {
    let is_signed = |name: &str| signed.iter().any(|s| s == name);
    let mut required: Vec<&str> = vec!["host"];
    required.extend(
        headers
            .keys()
            .map(|k| k.as_str())
            .filter(|k| k.starts_with("x-acs-")),
    );
    match required.into_iter().find(|name| !is_signed(name)) {
        Some(name) => Err(format!(
            "SignedHeaders does not name '{name}'; the host and every x-acs- header must be signed"
        )),
        None => Ok(()),
    }
}

/// The canonical request of what the server received. Fails naming a signed header the
/// request does not carry.
fn canonical_request(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    authority: Option<&str>,
    signed_headers: &[String],
    body: &[u8],
) -> Result<String, String> {
    let mut canonical = format!(
        "{method}\n{}\n{}\n",
        canonical_path(path),
        canonical_query(query.unwrap_or(""), true)
    );
    for name in signed_headers {
        let mut values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
            .collect();
        if values.is_empty() {
            match (name.as_str(), authority) {
                // HTTP/2 carries the host as the URI's authority.
                ("host", Some(authority)) => values.push(authority.to_owned()),
                _ => {
                    return Err(format!(
                        "SignedHeaders names '{name}', which the request does not carry"
                    ));
                }
            }
        }
        values.sort();
        canonical.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    canonical.push_str(&format!(
        "\n{}\n{}",
        signed_headers.join(";"),
        sha256_hex(body)
    ));
    Ok(canonical)
}

/// Each segment of the path, decoded and encoded again; `/` for an empty path.
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    path.split('/')
        .map(|segment| {
            let raw: Vec<u8> = percent_decode(segment.as_bytes()).collect();
            percent_encode(&raw, ENCODED).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The string a signature is the HMAC of.
fn string_to_sign(canonical: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical.as_bytes()))
}

/// Whether `given` is the signature of `canonical` under `secret_key`.
fn signature_matches(secret_key: &str, canonical: &str, given: &str) -> bool {
    hmac_matches(secret_key, &string_to_sign(canonical), given)
}

/// The nonces of accepted requests, until their requests' dates leave the window.
static NONCES: LazyLock<Mutex<NonceCache>> =
    LazyLock::new(|| Mutex::new(NonceCache::new(NONCE_CAPACITY)));

struct NonceCache {
    capacity: usize,
    seen: HashSet<(String, String)>,
    /// In the order admitted, with the time after which the request's date is refused anyway.
    order: VecDeque<(DateTime<Utc>, (String, String))>,
}

impl NonceCache {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records a nonce of an access key; false when it is already recorded.
    fn admit(
        &mut self,
        access_key: &str,
        nonce: &str,
        signed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        while let Some((until, _)) = self.order.front() {
            if *until >= now && self.order.len() < self.capacity {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
        let key = (access_key.to_owned(), nonce.to_owned());
        if !self.seen.insert(key.clone()) {
            return false;
        }
        let until = signed_at + chrono::Duration::seconds(WINDOW_SECONDS);
        self.order.push_back((until, key));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn parse(value: &str) -> Authorization {
        parse_authorization(Some(value)).unwrap()
    }

    /// Signatures made by the platform's official Python signer
    /// (`alibabacloud_tea_openapi`, `Utils.get_authorization`) for these requests.
    #[test]
    fn signatures_of_the_official_signer_verify() {
        let post = parse(
            "ACS3-HMAC-SHA256 Credential=AKEXAMPLE0123,SignedHeaders=accept;content-type;host;user-agent;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=f7ed6e3a50af6db9646e74461063dad7f6d780af152b425e68c833459d2da07c",
        );
        let body = br#"{"Name": "cats", "Property": "DIRECTORY"}"#;
        let sent = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-acs-version", "2021-02-04"),
            ("x-acs-action", "CreateDataset"),
            ("x-acs-date", "2024-01-02T03:04:05Z"),
            ("x-acs-signature-nonce", "3e1f1b0ad4c1f1a5b7e0c2d9f8a6b4c1"),
            ("content-type", "application/json; charset=utf-8"),
            ("accept", "application/json"),
            ("user-agent", "AlibabaCloud (Linux) Python/3.11 TeaDSL/2"),
            (
                "x-acs-content-sha256",
                "1cbcf08e3ee3ecc5b09d4b7a08634cde06289f90a6087a4af1508063b1eb6c2b",
            ),
        ]);
        let canonical = canonical_request(
            "POST",
            "/api/v1/datasets",
            None,
            &sent,
            None,
            &post.signed_headers,
            body,
        )
        .unwrap();
        assert!(signature_matches(
            "secret-key-example",
            &canonical,
            &post.signature
        ));
        assert!(!signature_matches(
            "another-secret",
            &canonical,
            &post.signature
        ));
        let tampered = canonical_request(
            "POST",
            "/api/v1/datasets",
            None,
            &sent,
            None,
            &post.signed_headers,
            br#"{"Name": "dogs", "Property": "DIRECTORY"}"#,
        )
        .unwrap();
        assert!(!signature_matches(
            "secret-key-example",
            &tampered,
            &post.signature
        ));

        // The query as Python's urlencode sends it: a space as `+`.
        let get = parse(
            "ACS3-HMAC-SHA256 Credential=AKEXAMPLE0123,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;\
             x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=431e3e65a98de811f06c314359f18fac1f9cda722ff1cba137a15a6c5d65c417",
        );
        let canonical = canonical_request(
            "GET",
            "/api/v1/datasets",
            Some("Name=a+b%2F%C3%A9&PageSize=10&Label=x%2By~"),
            &headers(&[
                ("x-acs-version", "2021-02-04"),
                ("x-acs-action", "ListDatasets"),
                ("x-acs-date", "2024-01-02T03:04:05Z"),
                ("x-acs-signature-nonce", "n1"),
                ("accept", "application/json"),
                (
                    "x-acs-content-sha256",
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ),
            ]),
            Some("localhost"),
            &get.signed_headers,
            b"",
        )
        .unwrap();
        assert!(signature_matches(
            "secret-key-example",
            &canonical,
            &get.signature
        ));
        assert!(!signature_matches(
            "secret-key-example",
            &canonical,
            "not hex"
        ));
    }

    #[test]
    fn paths_and_queries_are_canonical() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(
            canonical_path("/api/v1/datasets/a%20b/x~"),
            "/api/v1/datasets/a%20b/x~"
        );
        assert_eq!(canonical_path("/d/%2F/%e6%95%b0"), "/d/%2F/%E6%95%B0");
        assert_eq!(canonical_query("", true), "");
        assert_eq!(canonical_query("b=2&a=1&a=0&c", true), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query("q=a+b%2B*", true), "q=a%20b%2B%2A");
    }

    #[test]
    fn host_and_acs_headers_must_be_signed() {
        let sent = headers(&[("host", "h"), ("x-acs-date", "d"), ("x-acs-action", "A")]);
        let signed = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert!(
            check_signed_headers(&sent, &signed(&["host", "x-acs-action", "x-acs-date"])).is_ok()
        );
        let e = check_signed_headers(&sent, &signed(&["host", "x-acs-date"])).unwrap_err();
        assert!(e.contains("x-acs-action"), "{e}");
        let e = check_signed_headers(&sent, &signed(&["x-acs-action", "x-acs-date"])).unwrap_err();
        assert!(e.contains("host"), "{e}");
        let e = canonical_request("GET", "/", None, &sent, None, &signed(&["x-acs-nope"]), b"")
            .unwrap_err();
        assert!(e.contains("x-acs-nope"), "{e}");
    }

    #[test]
    fn authorization_headers_are_read_or_refused_with_why() {
        assert_eq!(
            parse("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=Host;x-acs-date,Signature=ab"),
            Authorization {
                access_key: "AK".to_owned(),
                signed_headers: vec!["host".to_owned(), "x-acs-date".to_owned()],
                signature: "ab".to_owned(),
            }
        );
        let code = |value: Option<&str>| parse_authorization(value).unwrap_err().code;
        assert_eq!(code(None), INCOMPLETE_SIGNATURE);
        assert_eq!(
            code(Some(
                "ACS3-HMAC-SM3 Credential=AK,SignedHeaders=host,Signature=ab"
            )),
            SIGNATURE_METHOD
        );
        assert_eq!(
            code(Some("ACS3-HMAC-SHA256 Credential=AK")),
            INCOMPLETE_SIGNATURE
        );
    }

    #[test]
    fn dates_must_be_well_formed_and_recent() {
        let now = DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(check_date("2024-01-02T03:19:05Z", now).is_ok());
        assert!(check_date("2024-01-02T02:49:05Z", now).is_ok());
        assert_eq!(
            check_date("2024-01-02T03:19:06Z", now).unwrap_err().code,
            TIMESTAMP_EXPIRED
        );
        assert_eq!(
            check_date("20240102T030405Z", now).unwrap_err().code,
            TIMESTAMP_FORMAT
        );
    }

    #[test]
    fn nonces_are_refused_again_within_the_window_only() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let mut cache = NonceCache::new(3);
        let t0 = at("2024-01-02T03:00:00Z");
        assert!(cache.admit("AK", "n1", t0, t0));
        assert!(!cache.admit("AK", "n1", t0, t0));
        assert!(cache.admit("AK2", "n1", t0, t0));
        // Past the window the first request's date is refused anyway: its nonce is forgotten.
        let later = at("2024-01-02T03:16:00Z");
        assert!(cache.admit("AK", "n1", later, later));
        // Full: the oldest goes.
        assert!(cache.admit("AK", "n2", later, later));
        assert!(cache.admit("AK", "n3", later, later));
        assert!(cache.admit("AK", "n4", later, later));
        assert!(cache.seen.len() <= 3);
    }

    #[test]
    fn refusals_hide_credential_headers() {
        let canonical =
            "GET\n/\n\nhost:h\nx-acs-security-token:tok\n\nhost;x-acs-security-token\nabc";
        let signed = ["host".to_owned(), "x-acs-security-token".to_owned()];
        assert_eq!(
            shown(canonical, &signed, HIDDEN_HEADERS),
            "GET|/||host:h|x-acs-security-token:******||host;x-acs-security-token|abc"
        );
    }
}
