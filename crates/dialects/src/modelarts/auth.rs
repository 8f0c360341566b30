//! Huawei Cloud's AK/SK request signature (`SDK-HMAC-SHA256`), checked as its API gateway
//! checks it ("API Request Signing Guide", the signature mechanism:
//! `https://support.huaweicloud.com/devg-apisign/api-sign-algorithm-001.html`).
//!
//! A client sends `X-Sdk-Date: YYYYMMDDTHHMMSSZ` and
//! `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`, where the
//! signature is the hex HMAC-SHA256, under the secret key, of
//! `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`. The canonical
//! request is the method, the path (each segment percent-encoded, ending in `/`), the query
//! (pairs sorted, percent-encoded), each signed header as `name:value`, the signed header
//! names, and the hex SHA-256 of the body (`X-Sdk-Content-Sha256` when the client sends it,
//! e.g. `UNSIGNED-PAYLOAD`).
//!
//! The server rebuilds the canonical request from what it received, the `Host` header
//! included, and compares in constant time. A date more than [`WINDOW_SECONDS`] from the
//! server's clock is refused, as the gateway refuses it, so that a captured request cannot be
//! replayed later. Every refusal is `APIGW.0301` with 401, and says which check failed.

use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::HeaderMap;
use chrono::{NaiveDateTime, Utc};
use percent_encoding::{percent_decode_str, utf8_percent_encode};
use wharf_model::{Dialect, Workspace};

use super::envelope::ModelArtsError;
use crate::DialectState;
use crate::signing::{
    ENCODED, authorization_parts, canonical_query, header, hmac_matches, sha256_hex, shown,
};

/// How far `X-Sdk-Date` may be from the server's clock, either way: the gateway's 15 minutes.
pub(crate) const WINDOW_SECONDS: i64 = 15 * 60;
pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";
const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";
/// The SHA-256 of no bytes.
const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Header values a refusal never shows, though a client may sign them.
const HIDDEN_HEADERS: &[&str] = &["authorization", "x-security-token"];

/// A correctly signed request: its workspace, and its body (already read, to be hashed).
pub(crate) struct Signed {
    pub workspace: Workspace,
    pub body: Bytes,
}

/// The parts of an `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization {
    access_key: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl FromRequest<DialectState> for Signed {
    type Rejection = ModelArtsError;

    async fn from_request(request: Request, state: &DialectState) -> Result<Self, Self::Rejection> {
        let method = request.method().as_str().to_owned();
        let uri = request
            .extensions()
            .get::<OriginalUri>()
            .map_or_else(|| request.uri().clone(), |o| o.0.clone());
        let headers = request.headers().clone();
        let authorization = parse_authorization(header(&headers, "authorization"))
            .map_err(ModelArtsError::unauthenticated)?;
        let date = header(&headers, "x-sdk-date").ok_or_else(|| {
            ModelArtsError::unauthenticated(
                "the request has no X-Sdk-Date header; send the signing time as YYYYMMDDTHHMMSSZ in UTC",
            )
        })?;
        check_date(date, Utc::now().naive_utc()).map_err(ModelArtsError::unauthenticated)?;
        let secret = secret_of(state, &authorization.access_key).await?;
        let body = Bytes::from_request(request, state).await.map_err(|e| {
            ModelArtsError::invalid(format!("the request body cannot be read: {e}"))
        })?;
        let canonical = canonical_request(
            &method,
            uri.path(),
            uri.query(),
            &headers,
            uri.authority().map(|a| a.as_str()),
            &authorization.signed_headers,
            &body,
        )
        .map_err(ModelArtsError::unauthenticated)?;
        if !signature_matches(
            &secret.secret_key,
            date,
            &canonical,
            &authorization.signature,
        ) {
            tracing::info!(access_key = %authorization.access_key, "refused a ModelArts request: wrong signature");
            return Err(ModelArtsError::unauthenticated(format!(
                "verify aksk signature fail, canonicalRequest:{}",
                shown(&canonical, &authorization.signed_headers, HIDDEN_HEADERS)
            )));
        }
        Ok(Signed {
            workspace: secret.workspace,
            body,
        })
    }
}

/// The workspace and secret of a ModelArts access key, or why there is none.
async fn secret_of(
    state: &DialectState,
    access_key: &str,
) -> Result<wharf_catalog::DialectKey, ModelArtsError> {
    if let Some(key) = state
        .catalog
        .dialect_key(Dialect::Modelarts, access_key)
        .await?
    {
        return Ok(key);
    }
    for other in Dialect::ALL
        .into_iter()
        .filter(|d| *d != Dialect::Modelarts)
    {
        if state
            .catalog
            .dialect_key(other, access_key)
            .await?
            .is_some()
        {
            return Err(ModelArtsError::unauthenticated(format!(
                "Get secretKey failed,ak:{access_key},err:the access key is a {} key of this server, not a ModelArts one; \
                 make one with `wharf keys create --dialect modelarts`",
                other.as_str()
            )));
        }
    }
    Err(ModelArtsError::unauthenticated(format!(
        "Get secretKey failed,ak:{access_key},err:ak not exist; make a key pair with `wharf keys create --dialect modelarts`"
    )))
}

fn parse_authorization(value: Option<&str>) -> Result<Authorization, String> {
    let expected =
        format!("expected `{ALGORITHM} Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>`");
    let Some(value) = value else {
        return Err(format!(
            "the request has no Authorization header; sign it with the access key and secret key: {expected}"
        ));
    };
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(format!(
            "the Authorization header is signed with '{algorithm}'; this server checks {ALGORITHM} only: {expected}"
        ));
    }
    let parts = authorization_parts(rest, "Access").ok_or_else(|| {
        format!("the Authorization header lacks Access, SignedHeaders or Signature: {expected}")
    })?;
    Ok(Authorization {
        access_key: parts.access_key,
        signed_headers: parts.signed_headers,
        signature: parts.signature,
    })
}

/// Whether a signing time is well formed and within the window of `now`.
fn check_date(date: &str, now: NaiveDateTime) -> Result<(), String> {
    let Ok(signed_at) = NaiveDateTime::parse_from_str(date, DATE_FORMAT) else {
        return Err(format!(
            "X-Sdk-Date is '{date}'; expected the signing time as YYYYMMDDTHHMMSSZ in UTC, e.g. {}",
            now.format(DATE_FORMAT)
        ));
    };
    if (now - signed_at).num_seconds().abs() > WINDOW_SECONDS {
        return Err(format!(
            "signature expired, signature time:{date}, server time:{}; X-Sdk-Date must be within {} minutes of the server's clock",
            now.format(DATE_FORMAT),
            WINDOW_SECONDS / 60
        ));
    }
    Ok(())
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
        canonical_query(query.unwrap_or(""), false)
    );
    for name in signed_headers {
        let values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
            .collect();
        let value = match (values.is_empty(), name.as_str(), authority) {
            // HTTP/2 carries the host as the URI's authority.
            (true, "host", Some(authority)) => authority.to_owned(),
            (true, _, _) => {
                return Err(format!(
                    "verify aksk signature fail: SignedHeaders names '{name}', which the request does not carry"
                ));
            }
            (false, _, _) => values.join(","),
        };
        canonical.push_str(&format!("{name}:{value}\n"));
    }
    let payload = if body.is_empty() {
        EMPTY_HASH.to_owned()
    } else {
        match header(headers, "x-sdk-content-sha256") {
            Some(declared) => declared.to_owned(),
            None => sha256_hex(body),
        }
    };
    canonical.push_str(&format!("\n{}\n{payload}", signed_headers.join(";")));
    Ok(canonical)
}

/// Each segment of the decoded path, encoded, with a `/` at the end.
fn canonical_path(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut encoded = decoded
        .split('/')
        .map(|segment| utf8_percent_encode(segment, ENCODED).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !encoded.ends_with('/') {
        encoded.push('/');
    }
    encoded
}

/// The string a signature is the HMAC of.
fn string_to_sign(date: &str, canonical: &str) -> String {
    format!("{ALGORITHM}\n{date}\n{}", sha256_hex(canonical.as_bytes()))
}

/// Whether `given` is the signature of `canonical` at `date` under `secret_key`.
fn signature_matches(secret_key: &str, date: &str, canonical: &str, given: &str) -> bool {
    hmac_matches(secret_key, &string_to_sign(date, canonical), given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn parse(value: &str) -> Authorization {
        parse_authorization(Some(value)).unwrap()
    }

    /// Signatures made by the platform's official Python signer
    /// (`huaweicloudsdkcore.signer.signer.Signer`) for these requests.
    #[test]
    fn signatures_of_the_official_signer_verify() {
        let post = parse(
            "SDK-HMAC-SHA256 Access=AKEXAMPLE0123, SignedHeaders=content-type;host;x-project-id;x-sdk-date, \
             Signature=55c77d4218a77d4d8200435799ee4f8f2fb1e956a19e7643673ece68ad129b3b",
        );
        let canonical = canonical_request(
            "POST",
            "/v2/proj%201/datasets/ds%2Fx/import-tasks",
            Some("Limit=5&limit=10&name=a%20b%2F%C3%A9&offset=0"),
            &headers(&[
                ("content-type", "application/json"),
                ("host", "127.0.0.1:8080"),
                ("x-project-id", "proj1"),
                ("x-sdk-date", "20240102T030405Z"),
            ]),
            None,
            &post.signed_headers,
            br#"{"import_path":"s3://b/p/"}"#,
        )
        .unwrap();
        assert!(signature_matches(
            "secret-key-example",
            "20240102T030405Z",
            &canonical,
            &post.signature
        ));
        assert!(!signature_matches(
            "another-secret",
            "20240102T030405Z",
            &canonical,
            &post.signature
        ));
        assert!(!signature_matches(
            "secret-key-example",
            "20240102T030406Z",
            &canonical,
            &post.signature
        ));

        let get = parse(
            "SDK-HMAC-SHA256 Access=AKEXAMPLE0123, SignedHeaders=host;x-sdk-date, \
             Signature=80b651b1c5b84320dd32f967ad8278f071ed2bf9d7910c97ba3f4392f47255cc",
        );
        let canonical = canonical_request(
            "GET",
            "/v2/p/datasets",
            None,
            &headers(&[("x-sdk-date", "20240102T030405Z")]),
            Some("localhost"),
            &get.signed_headers,
            b"",
        )
        .unwrap();
        assert!(signature_matches(
            "secret-key-example",
            "20240102T030405Z",
            &canonical,
            &get.signature
        ));
        assert!(!signature_matches(
            "secret-key-example",
            "20240102T030405Z",
            &canonical,
            "not hex"
        ));
    }

    #[test]
    fn paths_and_queries_are_canonical() {
        assert_eq!(canonical_path("/v2/a%20b/c"), "/v2/a%20b/c/");
        assert_eq!(canonical_path("/v2/x/"), "/v2/x/");
        assert_eq!(canonical_path("/v2/%E6%95%B0"), "/v2/%E6%95%B0/");
        assert_eq!(canonical_query("", false), "");
        assert_eq!(canonical_query("b=2&a=1&a=0&c", false), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query("q=a+b~", false), "q=a%2Bb~");
    }

    #[test]
    fn a_signed_header_the_request_lacks_is_named() {
        let error = canonical_request(
            "GET",
            "/",
            None,
            &HeaderMap::new(),
            None,
            &["x-project-id".to_owned()],
            b"",
        )
        .unwrap_err();
        assert!(error.contains("x-project-id"), "{error}");
    }

    #[test]
    fn authorization_headers_are_read_or_refused_with_why() {
        let auth = parse("SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, Signature=ab");
        assert_eq!(
            auth,
            Authorization {
                access_key: "AK".to_owned(),
                signed_headers: vec!["host".to_owned(), "x-sdk-date".to_owned()],
                signature: "ab".to_owned(),
            }
        );
        assert!(
            parse_authorization(None)
                .unwrap_err()
                .contains("no Authorization")
        );
        assert!(
            parse_authorization(Some(
                "SDK-HMAC-SM3 Access=AK, SignedHeaders=host, Signature=ab"
            ))
            .unwrap_err()
            .contains("SDK-HMAC-SM3")
        );
        assert!(
            parse_authorization(Some("SDK-HMAC-SHA256 Access=AK"))
                .unwrap_err()
                .contains("SignedHeaders")
        );
    }

    #[test]
    fn dates_must_be_well_formed_and_recent() {
        let now = NaiveDateTime::parse_from_str("20240102T030405Z", DATE_FORMAT).unwrap();
        assert!(check_date("20240102T031405Z", now).is_ok());
        assert!(check_date("20240102T025405Z", now).is_ok());
        assert!(
            check_date("20240102T032006Z", now)
                .unwrap_err()
                .contains("expired")
        );
        assert!(
            check_date("2024-01-02", now)
                .unwrap_err()
                .contains("YYYYMMDDTHHMMSSZ")
        );
    }

    #[test]
    fn refusals_hide_credential_headers() {
        let canonical = "GET\n/\n\nauthorization:SDK x\nhost:h\n\nauthorization;host\nabc";
        let signed = ["authorization".to_owned(), "host".to_owned()];
        assert_eq!(
            shown(canonical, &signed, HIDDEN_HEADERS),
            "GET|/||authorization:******|host:h||authorization;host|abc"
        );
    }
}
