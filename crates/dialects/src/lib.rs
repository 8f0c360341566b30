//! The import APIs of the cloud platforms Wharf stands in for.
//!
//! A team that already calls a platform's API points its scripts and SDKs at Wharf and changes
//! only the endpoint and the keys. Each dialect is one module of the same shape:
//!
//! - `auth.rs`: the platform's authentication, checked against a dialect key pair made with
//!   `wharf keys create --dialect ...` (the secret is kept sealed: signatures need it);
//! - `envelope.rs`: the platform's response and error shapes, codes and wording;
//! - `wire.rs`: its request and response bodies, field for field;
//! - `handlers.rs`: each endpoint, translated into a call of Wharf's own service (submitting an
//!   import, validating a source, reading the catalog) and back.
//!
//! Nothing here reaches the database or the storage directly, and nothing in the engine or the
//! catalog knows a dialect exists: a dialect's behaviour is the native behaviour, spelled the
//! platform's way. What a platform records about a dataset that Wharf does not use (ModelArts'
//! dataset type code, work path, ...) is kept as the dataset's attributes for that dialect,
//! JSON the catalog stores without reading.
//!
//! | dialect | module |
//! | --- | --- |
//! | Rosetta (Stardust) | `rosetta`: sensor-tree imports and annotation requests |
//! | ModelArts (Huawei Cloud) | `modelarts`: datasets and import tasks, AK/SK signed |
//! | PAI (Alibaba Cloud) | `pai`: datasets, labels, versions, file metadata and dataset jobs, signed with ACS3-HMAC-SHA256 |

mod lenient;
mod modelarts;
mod pai;
mod rosetta;
mod signing;

use axum::Router;
use wharf_catalog::Catalog;
use wharf_engine::Engine;

/// What every dialect's handlers need.
#[derive(Clone)]
pub struct DialectState {
    pub catalog: Catalog,
    pub engine: Engine,
}

/// Every dialect's routes, at the platforms' own paths.
pub fn router(state: DialectState) -> Router {
    Router::new()
        .merge(rosetta::router())
        .merge(modelarts::router())
        .merge(pai::router())
        .with_state(state)
}

/// A random id of `len` characters drawn from `alphabet`, in the shape a platform gives its
/// ids (PAI's `d-` + lowercase letters and digits, ModelArts' mixed-case ones).
pub(crate) fn random_id(len: usize, alphabet: &[u8]) -> String {
    let mut raw = vec![0u8; len];
    if getrandom::fill(&mut raw).is_err() {
        // Without randomness: the time's digits, still unique enough for one id a request.
        let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        for (i, byte) in raw.iter_mut().enumerate() {
            *byte = (now >> ((i % 8) * 8)) as u8 ^ i as u8;
        }
    }
    raw.iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect()
}

/// Lowercase letters and digits.
pub(crate) const LOWER_ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Letters of both cases and digits.
pub(crate) const ALPHANUMERIC: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A request id as the platforms print them: 32 lowercase hex digits.
pub(crate) fn request_id() -> String {
    let mut raw = [0u8; 16];
    // Without randomness the id is still unique enough for a log line: the time.
    if getrandom::fill(&mut raw).is_err() {
        raw[..8].copy_from_slice(&chrono::Utc::now().timestamp_micros().to_be_bytes());
    }
    hex::encode(raw)
}
