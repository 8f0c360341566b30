//! One URI syntax for every source.
//!
//! | form | store |
//! | --- | --- |
//! | `s3://bucket/prefix` | S3 and S3-compatible (endpoint from the credentials) |
//! | `gs://bucket/prefix` | Google Cloud Storage |
//! | `az://container/prefix`, `https://<account>.blob.core.windows.net/<container>/<prefix>` | Azure Blob |
//! | `oss://bucket.endpoint/prefix`, `oss://bucket/prefix` | Alibaba Cloud OSS |
//! | `obs://bucket.endpoint/prefix`, `obs://bucket/prefix` | Huawei Cloud OBS |
//! | `file:///abs/path`, `nas:///abs/path` | a local or mounted directory under an allowed root |
//! | `http(s)://host/path/file` | one file served over HTTP |
//!
//! Credentials never go in the URI: a URI with a user or password part is refused, so that a
//! URI can be shown and logged as it is.

use std::fmt;

use url::Url;
use wharf_model::{ErrorCode, WharfError, WharfResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    S3,
    Gcs,
    Azblob,
    Oss,
    Obs,
    Fs,
    Http,
}

impl Scheme {
    /// The stores whose protocol an endpoint may be said to speak, by the names users give.
    pub const PROTOCOLS: &'static str = "s3, gcs, azblob, oss or obs";

    /// The store protocol a name gives (`s3`, `gcs` or `gs`, `azblob` or `azure`, `oss`,
    /// `obs`), in any case.
    pub fn of_protocol(name: &str) -> Option<Scheme> {
        match name.trim().to_ascii_lowercase().as_str() {
            "s3" => Some(Self::S3),
            "gcs" | "gs" => Some(Self::Gcs),
            "azblob" | "azure" | "az" => Some(Self::Azblob),
            "oss" => Some(Self::Oss),
            "obs" => Some(Self::Obs),
            _ => None,
        }
    }

    /// Whether sources of this scheme are buckets of an object store.
    pub fn is_bucket_store(self) -> bool {
        !matches!(self, Self::Fs | Self::Http)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::Gcs => "gs",
            Self::Azblob => "az",
            Self::Oss => "oss",
            Self::Obs => "obs",
            Self::Fs => "file",
            Self::Http => "http",
        }
    }
}

/// A parsed source location. Parsing never touches the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceUri {
    pub scheme: Scheme,
    /// Bucket or container; empty for local paths and HTTP.
    pub bucket: String,
    /// The key prefix inside the bucket without leading or trailing `/`; for local paths the
    /// absolute directory; for HTTP the path of the file.
    pub prefix: String,
    /// An endpoint the URI itself names (OSS/OBS `bucket.endpoint`, an Azure account URL, an
    /// HTTP origin).
    pub endpoint: Option<String>,
    /// The Azure storage account named by an account URL.
    pub account: Option<String>,
    original: String,
}

const SUPPORTED: &str = "s3://, gs://, az://, https://<account>.blob.core.windows.net/, oss://, obs://, file://, nas://, http(s)://";

impl SourceUri {
    /// The root of another bucket of the same store: same scheme, endpoint and account.
    pub(crate) fn bucket_root(&self, bucket: &str) -> SourceUri {
        SourceUri {
            scheme: self.scheme,
            bucket: bucket.to_owned(),
            prefix: String::new(),
            endpoint: self.endpoint.clone(),
            account: self.account.clone(),
            original: format!("{}://{bucket}/", self.scheme.name()),
        }
    }

    pub fn parse(input: &str) -> WharfResult<Self> {
        let input = input.trim();
        if input.is_empty() {
            return Err(invalid(
                input,
                "the source is empty; expected a URI such as s3://bucket/prefix",
            ));
        }
        let Some((scheme, _)) = input.split_once("://") else {
            return Err(invalid(
                input,
                &format!("expected <scheme>://..., one of {SUPPORTED}"),
            ));
        };
        let scheme_lower = scheme.to_ascii_lowercase();
        let known = [
            "s3", "s3a", "gs", "gcs", "az", "azure", "abfs", "oss", "obs", "file", "nas", "http",
            "https",
        ];
        if !known.contains(&scheme_lower.as_str()) {
            return Err(WharfError::new(
                ErrorCode::UnknownScheme,
                format!("unknown scheme '{scheme}' in source '{input}'; Wharf reads {SUPPORTED}"),
            ));
        }
        let url =
            Url::parse(input).map_err(|e| invalid(input, &format!("not a valid URI ({e})")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "<redacted>",
                "credentials must not be part of the URI; pass them as the job's credentials or a stored connection",
            ));
        }
        let host = url.host_str().unwrap_or("").to_owned();
        let path = percent_decode(url.path());
        let key_prefix = path.trim_matches('/').to_owned();
        let original = input.to_owned();

        let bucket_uri = |scheme: Scheme, bucket: String, endpoint: Option<String>| {
            if bucket.is_empty() {
                return Err(WharfError::new(
                    ErrorCode::MissingBucket,
                    format!(
                        "source '{input}' names no bucket; expected {}://<bucket>/<prefix>",
                        scheme.name()
                    ),
                ));
            }
            Ok(SourceUri {
                scheme,
                bucket,
                prefix: key_prefix.clone(),
                endpoint,
                account: None,
                original: original.clone(),
            })
        };

        match scheme_lower.as_str() {
            "s3" | "s3a" => bucket_uri(Scheme::S3, host, None),
            "gs" | "gcs" => bucket_uri(Scheme::Gcs, host, None),
            "az" | "azure" | "abfs" => bucket_uri(Scheme::Azblob, host, None),
            "oss" | "obs" => {
                let scheme = if scheme_lower == "oss" {
                    Scheme::Oss
                } else {
                    Scheme::Obs
                };
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                match host.split_once('.') {
                    Some((bucket, endpoint)) => bucket_uri(
                        scheme,
                        bucket.to_owned(),
                        Some(format!("https://{endpoint}{port}")),
                    ),
                    None => bucket_uri(scheme, host, None),
                }
            }
            "file" | "nas" => {
                if !host.is_empty() && host != "localhost" {
                    return Err(invalid(
                        input,
                        &format!(
                            "expected an absolute path such as {scheme}:///data/images (three slashes); '{host}' is not a local path"
                        ),
                    ));
                }
                if path.is_empty() || path == "/" {
                    return Err(invalid(
                        input,
                        "the path is empty; expected an absolute directory",
                    ));
                }
                Ok(SourceUri {
                    scheme: Scheme::Fs,
                    bucket: String::new(),
                    prefix: path,
                    endpoint: None,
                    account: None,
                    original,
                })
            }
            _ => {
                if host.is_empty() {
                    return Err(invalid(input, "the URL names no host"));
                }
                if let Some(account) = host.strip_suffix(".blob.core.windows.net") {
                    let (container, prefix) = match key_prefix.split_once('/') {
                        Some((c, p)) => (c.to_owned(), p.to_owned()),
                        None => (key_prefix.clone(), String::new()),
                    };
                    if container.is_empty() {
                        return Err(WharfError::new(
                            ErrorCode::MissingBucket,
                            format!(
                                "source '{input}' names no container; expected https://{host}/<container>/<prefix>"
                            ),
                        ));
                    }
                    return Ok(SourceUri {
                        scheme: Scheme::Azblob,
                        bucket: container,
                        prefix,
                        endpoint: Some(format!("https://{host}")),
                        account: Some(account.to_owned()),
                        original,
                    });
                }
                if key_prefix.is_empty() || path.ends_with('/') {
                    return Err(invalid(
                        input,
                        "an HTTP source must name one file (HTTP servers cannot be listed); expected http(s)://host/path/file",
                    ));
                }
                let origin = url.origin().ascii_serialization();
                Ok(SourceUri {
                    scheme: Scheme::Http,
                    bucket: String::new(),
                    prefix: key_prefix,
                    endpoint: Some(origin),
                    account: None,
                    original,
                })
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.original
    }
}

impl fmt::Display for SourceUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

fn invalid(input: &str, expected: &str) -> WharfError {
    WharfError::new(
        ErrorCode::InvalidUri,
        format!("invalid source '{input}': {expected}"),
    )
}

fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str) -> ErrorCode {
        SourceUri::parse(input).unwrap_err().code
    }

    #[test]
    fn object_store_uris_split_into_bucket_and_prefix() {
        let u = SourceUri::parse("s3://photos/2024/cats/").unwrap();
        assert_eq!(
            (u.scheme, u.bucket.as_str(), u.prefix.as_str()),
            (Scheme::S3, "photos", "2024/cats")
        );
        let u = SourceUri::parse("gs://b").unwrap();
        assert_eq!((u.scheme, u.prefix.as_str()), (Scheme::Gcs, ""));
        let u = SourceUri::parse("oss://data.oss-cn-hangzhou.aliyuncs.com/coco").unwrap();
        assert_eq!(u.bucket, "data");
        assert_eq!(
            u.endpoint.as_deref(),
            Some("https://oss-cn-hangzhou.aliyuncs.com")
        );
        let u = SourceUri::parse("obs://bkt/x/y").unwrap();
        assert_eq!(
            (
                u.scheme,
                u.bucket.as_str(),
                u.prefix.as_str(),
                u.endpoint.clone()
            ),
            (Scheme::Obs, "bkt", "x/y", None)
        );
        // An endpoint named in the URI keeps its port.
        let u = SourceUri::parse("oss://data.oss.example.internal:9000/coco").unwrap();
        assert_eq!(
            u.endpoint.as_deref(),
            Some("https://oss.example.internal:9000")
        );
    }

    #[test]
    fn protocols_are_named_in_any_case() {
        assert_eq!(Scheme::of_protocol(" S3 "), Some(Scheme::S3));
        assert_eq!(Scheme::of_protocol("gcs"), Some(Scheme::Gcs));
        assert_eq!(Scheme::of_protocol("Azure"), Some(Scheme::Azblob));
        assert_eq!(Scheme::of_protocol("ftp"), None);
    }

    #[test]
    fn azure_account_urls_name_account_container_and_prefix() {
        let u = SourceUri::parse("https://acct.blob.core.windows.net/imgs/train/a").unwrap();
        assert_eq!(u.scheme, Scheme::Azblob);
        assert_eq!(u.account.as_deref(), Some("acct"));
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("imgs", "train/a"));
        assert_eq!(
            code("https://acct.blob.core.windows.net/"),
            ErrorCode::MissingBucket
        );
    }

    #[test]
    fn local_and_http_sources() {
        let u = SourceUri::parse("file:///data/my%20set").unwrap();
        assert_eq!((u.scheme, u.prefix.as_str()), (Scheme::Fs, "/data/my set"));
        assert_eq!(
            SourceUri::parse("nas:///mnt/nas/a").unwrap().scheme,
            Scheme::Fs
        );
        let u = SourceUri::parse("https://example.com/sets/manifest.json").unwrap();
        assert_eq!(
            (u.scheme, u.prefix.as_str()),
            (Scheme::Http, "sets/manifest.json")
        );
        assert_eq!(u.endpoint.as_deref(), Some("https://example.com"));
    }

    #[test]
    fn bad_uris_get_stable_codes() {
        assert_eq!(code("ftp://host/x"), ErrorCode::UnknownScheme);
        assert_eq!(code("just-a-name"), ErrorCode::InvalidUri);
        assert_eq!(code(""), ErrorCode::InvalidUri);
        assert_eq!(code("s3:///prefix-only"), ErrorCode::MissingBucket);
        assert_eq!(code("file://server/share"), ErrorCode::InvalidUri);
        assert_eq!(code("https://example.com/dir/"), ErrorCode::InvalidUri);
        let err = SourceUri::parse("s3://AKIA:topsecret@bucket/x").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidUri);
        assert!(!err.message.contains("topsecret"), "{}", err.message);
    }
}
