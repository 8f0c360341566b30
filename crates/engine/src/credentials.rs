//! The credentials a run reads its source with, and keeping their secrets out of what it says.

use wharf_catalog::Catalog;
use wharf_model::{WharfError, WharfResult};
use wharf_storage::{Credentials, Scheme};

/// The run's own credentials, else those of its stored connection, each completed from the
/// environment of the process that reads.
pub(crate) async fn resolve(
    catalog: &Catalog,
    workspace_id: &str,
    scheme: Scheme,
    own: Option<Credentials>,
    connection_id: Option<&str>,
) -> WharfResult<Credentials> {
    let env = Credentials::from_env(scheme);
    if let Some(own) = own {
        return Ok(own.or(env));
    }
    if let Some(connection) = connection_id {
        let stored = catalog.connection_secret(workspace_id, connection).await?;
        let from_connection = Credentials {
            access_key_id: stored.access_key_id,
            secret_access_key: stored.secret_access_key,
            session_token: None,
            endpoint: stored.endpoint,
            region: stored.region,
            protocol: stored.protocol,
        };
        return Ok(from_connection.or(env));
    }
    Ok(env)
}

/// The secrets of `credentials`, to cut out of messages.
pub(crate) fn secrets(credentials: &Credentials) -> Vec<String> {
    credentials
        .secret_access_key
        .iter()
        .chain(&credentials.session_token)
        .cloned()
        .collect()
}

/// Removes any secret that found its way into an error message.
pub(crate) fn redact(mut e: WharfError, secrets: &[String]) -> WharfError {
    e.message = redact_text(e.message, secrets);
    e
}

/// Removes any secret from a text.
pub(crate) fn redact_text(mut text: String, secrets: &[String]) -> String {
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "<redacted>");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::ErrorCode;

    #[test]
    fn secrets_are_cut_out_of_messages() {
        let e = WharfError::new(
            ErrorCode::StorageError,
            "signature for key wJalrXUtnFEMI did not match",
        );
        let e = redact(e, &["wJalrXUtnFEMI".to_owned()]);
        assert_eq!(e.message, "signature for key <redacted> did not match");
    }
}
