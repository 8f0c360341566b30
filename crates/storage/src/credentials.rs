//! Storage credentials: per job, from a stored connection, or from the environment.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Scheme;

/// Keys and endpoint for one store. For Azure the access key id is the account name and the
/// secret the account key; for GCS the secret is a base64 service-account JSON.
///
/// `Debug` never prints the secret.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Credentials {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// The protocol the store at `endpoint` speaks, when it is not the one the source's scheme
    /// names: `s3` for an `obs://` or `oss://` bucket served by an S3-compatible endpoint, or
    /// for a `gs://` URL whose vendor is S3. See [`Scheme::of_protocol`] for the names.
    pub protocol: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("protocol", &self.protocol)
            .finish()
    }
}

impl Credentials {
    fn has_keys(&self) -> bool {
        self.access_key_id.is_some() || self.secret_access_key.is_some()
    }

    /// Fills what `self` lacks from `fallback`. Keys travel as a pair: a key id given here is
    /// never matched with a secret from elsewhere; so do an endpoint and its protocol.
    pub fn or(mut self, fallback: Credentials) -> Credentials {
        if !self.has_keys() {
            self.access_key_id = fallback.access_key_id;
            self.secret_access_key = fallback.secret_access_key;
            self.session_token = fallback.session_token;
        }
        // The protocol is the endpoint's: it comes with the endpoint it describes.
        if self.endpoint.is_none() {
            self.endpoint = fallback.endpoint;
            self.protocol = self.protocol.or(fallback.protocol);
        }
        self.region = self.region.or(fallback.region);
        self
    }

    /// The standard environment variables of each store's own tools.
    pub fn from_env(scheme: Scheme) -> Credentials {
        Self::from_lookup(scheme, |name| {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        })
    }

    fn from_lookup(scheme: Scheme, var: impl Fn(&str) -> Option<String>) -> Credentials {
        let first = |names: &[&str]| names.iter().find_map(|n| var(n));
        match scheme {
            Scheme::S3 => Credentials {
                access_key_id: var("AWS_ACCESS_KEY_ID"),
                secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
                session_token: var("AWS_SESSION_TOKEN"),
                endpoint: first(&["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]),
                region: first(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
                protocol: None,
            },
            Scheme::Gcs => Credentials {
                secret_access_key: var("GOOGLE_APPLICATION_CREDENTIALS_BASE64"),
                endpoint: var("STORAGE_EMULATOR_HOST").map(|h| {
                    if h.starts_with("http") {
                        h
                    } else {
                        format!("http://{h}")
                    }
                }),
                ..Default::default()
            },
            Scheme::Azblob => Credentials {
                access_key_id: var("AZURE_STORAGE_ACCOUNT"),
                secret_access_key: var("AZURE_STORAGE_KEY"),
                endpoint: var("AZURE_STORAGE_ENDPOINT"),
                ..Default::default()
            },
            Scheme::Oss => Credentials {
                access_key_id: first(&["ALIBABA_CLOUD_ACCESS_KEY_ID", "OSS_ACCESS_KEY_ID"]),
                secret_access_key: first(&[
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                    "OSS_ACCESS_KEY_SECRET",
                ]),
                endpoint: var("OSS_ENDPOINT"),
                ..Default::default()
            },
            Scheme::Obs => Credentials {
                access_key_id: first(&["HUAWEICLOUD_SDK_AK", "OBS_ACCESS_KEY_ID"]),
                secret_access_key: first(&["HUAWEICLOUD_SDK_SK", "OBS_SECRET_ACCESS_KEY"]),
                endpoint: var("OBS_ENDPOINT"),
                ..Default::default()
            },
            Scheme::Fs | Scheme::Http => Credentials::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let c = Credentials {
            access_key_id: Some("AKIDEXAMPLE".into()),
            secret_access_key: Some("wJalrXUtnFEMI".into()),
            session_token: Some("tok-123".into()),
            ..Default::default()
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(
            !shown.contains("wJalrXUtnFEMI") && !shown.contains("tok-123"),
            "{shown}"
        );
    }

    #[test]
    fn keys_travel_as_a_pair_while_endpoint_and_region_fill_in() {
        let job = Credentials {
            access_key_id: Some("job-key".into()),
            ..Default::default()
        };
        let env = Credentials {
            access_key_id: Some("env-key".into()),
            secret_access_key: Some("env-secret".into()),
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        let merged = job.or(env);
        assert_eq!(merged.access_key_id.as_deref(), Some("job-key"));
        assert_eq!(merged.secret_access_key, None);
        assert_eq!(merged.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(merged.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn environment_names_follow_each_store() {
        let env = |name: &str| match name {
            "AWS_ACCESS_KEY_ID" => Some("a".to_owned()),
            "AWS_ENDPOINT_URL" => Some("http://e".to_owned()),
            "STORAGE_EMULATOR_HOST" => Some("127.0.0.1:4443".to_owned()),
            _ => None,
        };
        let s3 = Credentials::from_lookup(Scheme::S3, env);
        assert_eq!(
            (s3.access_key_id.as_deref(), s3.endpoint.as_deref()),
            (Some("a"), Some("http://e"))
        );
        let gcs = Credentials::from_lookup(Scheme::Gcs, env);
        assert_eq!(gcs.endpoint.as_deref(), Some("http://127.0.0.1:4443"));
    }
}
