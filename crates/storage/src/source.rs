//! A source opened for reading: the OpenDAL operator and its layers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::{BoxStream, StreamExt};
use opendal::layers::{ConcurrentLimitLayer, RetryLayer, TimeoutLayer};
use opendal::{EntryMode, Metadata, Operator, services};
use tokio_util::io::{StreamReader, SyncIoBridge};
use wharf_model::{ErrorCode, WharfError, WharfResult};

use crate::error::storage_error;
use crate::listing::media_type_of;
use crate::probe::{FIRST_READ, ImageSize, SECOND_READ, image_size};
use crate::{AccessPolicy, Credentials, Listed, ObjectEntry, Scheme, SourceUri};

/// Requests in flight at once against one source.
const MAX_CONCURRENT_REQUESTS: usize = 64;

/// A source resolved to a store and ready to list and read.
///
/// Paths are keys relative to the source's prefix, as the listing gives them. A path that is an
/// object's URI (`s3://bucket/key`, as a ModelArts manifest names its images) is read from the
/// same store, outside the prefix or in another bucket, with the same credentials and endpoint.
#[derive(Clone)]
pub struct Source {
    uri: SourceUri,
    op: Operator,
    /// The resolved folder of a local source, which is walked rather than listed.
    local_dir: Option<std::path::PathBuf>,
    /// What the source was opened with, to open the buckets that object URIs name.
    credentials: Credentials,
    policy: AccessPolicy,
    /// The buckets object URIs named so far, each opened at its root.
    buckets: Arc<Mutex<HashMap<String, Source>>>,
}

impl Source {
    /// Resolves `uri` with `credentials` (already merged with connection and environment) under
    /// `policy`. Checks the policy and builds the client; makes no request to the store.
    pub async fn open(
        uri: &SourceUri,
        credentials: Credentials,
        policy: &AccessPolicy,
    ) -> WharfResult<Source> {
        let endpoint = uri
            .endpoint
            .clone()
            .or_else(|| credentials.endpoint.clone());
        if let Some(endpoint) = &endpoint {
            policy.check_endpoint(endpoint).await?;
        }
        let root = if uri.prefix.is_empty() {
            "/".to_owned()
        } else {
            format!("/{}/", uri.prefix)
        };
        let config_error = |e: opendal::Error| storage_error(uri, "cannot configure access", &e);
        let mut local_dir = None;
        let protocol = protocol_of(uri, endpoint.as_deref(), credentials.protocol.as_deref())?;
        let op = match protocol {
            Scheme::S3 => {
                let mut b = services::S3::default()
                    .bucket(&uri.bucket)
                    .root(&root)
                    .region(credentials.region.as_deref().unwrap_or("us-east-1"))
                    .disable_config_load()
                    .disable_ec2_metadata();
                if let Some(e) = &endpoint {
                    b = b.endpoint(e);
                }
                match (&credentials.access_key_id, &credentials.secret_access_key) {
                    (Some(id), Some(secret)) => {
                        b = b.access_key_id(id).secret_access_key(secret);
                        if let Some(token) = &credentials.session_token {
                            b = b.session_token(token);
                        }
                    }
                    (None, None) => b = b.skip_signature(),
                    _ => return Err(half_keys(uri)),
                }
                Operator::new(b).map_err(config_error)?
            }
            Scheme::Gcs => {
                let mut b = services::Gcs::default().bucket(&uri.bucket).root(&root);
                if let Some(e) = &endpoint {
                    b = b.endpoint(e);
                }
                match &credentials.secret_access_key {
                    Some(key) => b = b.credential(key),
                    None if endpoint.is_some() => {
                        b = b
                            .skip_signature()
                            .disable_vm_metadata()
                            .disable_config_load()
                    }
                    None => {}
                }
                Operator::new(b).map_err(config_error)?
            }
            Scheme::Azblob => {
                let account = credentials.access_key_id.clone().or_else(|| uri.account.clone()).ok_or_else(|| {
                    WharfError::new(
                        ErrorCode::InvalidRequest,
                        format!("'{uri}' needs an Azure storage account: give it as the access key id, in AZURE_STORAGE_ACCOUNT, or use an https://<account>.blob.core.windows.net URL"),
                    )
                })?;
                let endpoint =
                    endpoint.unwrap_or_else(|| format!("https://{account}.blob.core.windows.net"));
                let mut b = services::Azblob::default()
                    .container(&uri.bucket)
                    .root(&root)
                    .endpoint(&endpoint)
                    .account_name(&account);
                if let Some(key) = &credentials.secret_access_key {
                    b = b.account_key(key);
                }
                Operator::new(b).map_err(config_error)?
            }
            Scheme::Oss => {
                let endpoint = endpoint.ok_or_else(|| {
                    needs_endpoint(uri, "oss://<bucket>.oss-cn-hangzhou.aliyuncs.com/<prefix>")
                })?;
                let mut b = services::Oss::default()
                    .bucket(&uri.bucket)
                    .root(&root)
                    .endpoint(&endpoint);
                match (&credentials.access_key_id, &credentials.secret_access_key) {
                    (Some(id), Some(secret)) => b = b.access_key_id(id).access_key_secret(secret),
                    (None, None) => b = b.skip_signature(),
                    _ => return Err(half_keys(uri)),
                }
                Operator::new(b).map_err(config_error)?
            }
            Scheme::Obs => {
                let endpoint = endpoint.ok_or_else(|| {
                    needs_endpoint(
                        uri,
                        "obs://<bucket>.obs.cn-north-4.myhuaweicloud.com/<prefix>",
                    )
                })?;

                let mut b = services::Obs::default()
                    .bucket(&uri.bucket)
                    .root(&root)
                    .endpoint(&endpoint);
                match (&credentials.access_key_id, &credentials.secret_access_key) {
                    (Some(id), Some(secret)) => b = b.access_key_id(id).secret_access_key(secret),
                    (None, None) => {}
                    _ => return Err(half_keys(uri)),
                }
                Operator::new(b).map_err(config_error)?
            }
            Scheme::Fs => {
                let dir = policy.check_local_path(&uri.prefix)?;
                local_dir = Some(dir.clone());
                if !dir.is_dir() {
                    return Err(WharfError::new(
                        ErrorCode::InvalidUri,
                        format!(
                            "local source '{uri}' is not a directory; expected a folder of files"
                        ),
                    ));
                }
                Operator::new(services::Fs::default().root(&dir.to_string_lossy()))
                    .map_err(config_error)?
            }
            Scheme::Http => {
                let origin = endpoint.unwrap_or_default();
                Operator::new(services::Http::default().endpoint(&origin).root("/"))
                    .map_err(config_error)?
            }
        };
        let op = op
            .layer(
                TimeoutLayer::new()
                    .with_timeout(Duration::from_secs(60))
                    .with_io_timeout(Duration::from_secs(30)),
            )
            .layer(
                RetryLayer::new()
                    .with_jitter()
                    .with_min_delay(Duration::from_millis(200))
                    .with_max_delay(Duration::from_secs(5))
                    .with_max_times(4),
            )
            .layer(ConcurrentLimitLayer::new(MAX_CONCURRENT_REQUESTS));
        Ok(Source {
            uri: uri.clone(),
            op,
            local_dir,
            credentials,
            policy: policy.clone(),
            buckets: Arc::default(),
        })
    }

    pub fn uri(&self) -> &SourceUri {
        &self.uri
    }

    /// Every object under the source, recursively, as the store pages them in: nothing is held
    /// beyond the current page. Folders and folder markers are left out.
    pub fn list(&self) -> BoxStream<'static, WharfResult<Listed>> {
        let this = self.clone();
        if self.uri.scheme == Scheme::Http {
            let path = self.uri.prefix.clone();
            return futures::stream::once(async move {
                let meta = this
                    .op
                    .stat(&path)
                    .await
                    .map_err(|e| storage_error(&this.uri, "cannot read the file", &e))?;
                let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                Ok(Listed::Object(entry(name, &meta)))
            })
            .boxed();
        }
        if let Some(dir) = &self.local_dir {
            return crate::local::list(dir.clone());
        }
        futures::stream::once(async move {
            let lister = this
                .op
                .lister_with("")
                .recursive(true)
                .await
                .map_err(|e| storage_error(&this.uri, "cannot list", &e));
            (this, lister)
        })
        .flat_map(|(this, lister)| match lister {
            Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
            Ok(lister) => lister
                .filter_map(move |item| {
                    let listed = match item {
                        Err(e) => Some(Err(storage_error(&this.uri, "cannot list", &e))),
                        Ok(found)
                            if found.metadata().mode() == EntryMode::DIR
                                || found.path().ends_with('/') =>
                        {
                            None
                        }
                        Ok(found) => Some(Ok(Listed::Object(entry(
                            found.path().to_owned(),
                            found.metadata(),
                        )))),
                    };
                    futures::future::ready(listed)
                })
                .boxed(),
        })
        .boxed()
    }

    /// A blocking reader of a whole file, for parsers that take `std::io::Read`: the bytes
    /// stream in as the parser reads, never held whole. Use it on a blocking thread
    /// (`tokio::task::spawn_blocking`), inside the runtime that made it.
    pub async fn blocking_reader(
        &self,
        path: &str,
    ) -> WharfResult<impl std::io::Read + Send + use<>> {
        match self.elsewhere(path).await? {
            Some((bucket, key)) => bucket.blocking_reader_here(&key).await,
            None => self.blocking_reader_here(path).await,
        }
    }

    async fn blocking_reader_here(
        &self,
        path: &str,
    ) -> WharfResult<impl std::io::Read + Send + use<>> {
        let failed =
            |e: opendal::Error| storage_error(&self.uri, &format!("cannot read '{path}'"), &e);
        let stream = self
            .op
            .reader(path)
            .await
            .map_err(failed)?
            .into_bytes_stream(..)
            .await
            .map_err(failed)?;
        Ok(SyncIoBridge::new(StreamReader::new(stream)))
    }

    /// The first `max` bytes of a file, or all of a shorter one.
    pub async fn head(&self, path: &str, max: u64) -> WharfResult<Vec<u8>> {
        match self.elsewhere(path).await? {
            Some((bucket, key)) => bucket.head_here(&key, max).await,
            None => self.head_here(path, max).await,
        }
    }

    async fn head_here(&self, path: &str, max: u64) -> WharfResult<Vec<u8>> {
        let failed =
            |e: opendal::Error| storage_error(&self.uri, &format!("cannot read '{path}'"), &e);
        let size = self.op.stat(path).await.map_err(failed)?.content_length();
        if size == 0 {
            return Ok(Vec::new());
        }
        Ok(self
            .op
            .read_with(path)
            .range(0..max.min(size))
            .await
            .map_err(failed)?
            .to_vec())
    }

    /// Width and height of an image, read from its first bytes with a ranged read.
    /// `Ok(None)` when the bytes are not a recognised image header.
    pub async fn probe_image(&self, entry: &ObjectEntry) -> WharfResult<Option<ImageSize>> {
        match self.elsewhere(&entry.path).await? {
            Some((bucket, key)) => bucket.probe_image_here(&key, entry).await,
            None => self.probe_image_here(&entry.path, entry).await,
        }
    }

    /// The facts of an object the listing did not give, named by its path or URI; `None` when
    /// there is no such object.
    pub async fn stat(&self, path: &str) -> WharfResult<Option<ObjectEntry>> {
        let found = self.elsewhere(path).await?;
        let (source, key) = match &found {
            Some((bucket, key)) => (bucket, key.as_str()),
            None => (self, path),
        };
        match source.op.stat(key).await {
            Ok(meta) if meta.mode() != EntryMode::DIR => Ok(Some(entry(path.to_owned(), &meta))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage_error(
                &source.uri,
                &format!("cannot read '{path}'"),
                &e,
            )),
        }
    }

    /// The bucket an object's URI names, opened once at its root, and the object's key there;
    /// `None` for a key of the source itself, which the source reads.
    async fn elsewhere(&self, path: &str) -> WharfResult<Option<(Source, String)>> {
        if !is_object_uri(path) {
            return Ok(None);
        }
        let named = SourceUri::parse(path)?;
        if !named.scheme.is_bucket_store() || !self.uri.scheme.is_bucket_store() {
            return Err(WharfError::new(
                ErrorCode::InvalidRequest,
                format!(
                    "'{path}' is not an object of the store '{}' is in; expected <scheme>://<bucket>/<key> of the same store",
                    self.uri
                ),
            ));
        }
        let known = self
            .buckets
            .lock()
            .ok()
            .and_then(|buckets| buckets.get(&named.bucket).cloned());
        let bucket = match known {
            Some(bucket) => bucket,
            None => {
                let root = self.uri.bucket_root(&named.bucket);
                let opened = Source::open(&root, self.credentials.clone(), &self.policy).await?;
                if let Ok(mut buckets) = self.buckets.lock() {
                    buckets.insert(named.bucket.clone(), opened.clone());
                }
                opened
            }
        };
        Ok(Some((bucket, named.prefix)))
    }

    async fn probe_image_here(
        &self,
        path: &str,
        entry: &ObjectEntry,
    ) -> WharfResult<Option<ImageSize>> {
        let path = if self.uri.scheme == Scheme::Http {
            self.uri.prefix.as_str()
        } else {
            path
        };
        for limit in [FIRST_READ, SECOND_READ] {
            let end = limit.min(entry.size);
            if end == 0 {
                return Ok(None);
            }
            let head = self
                .op
                .read_with(path)
                .range(0..end)
                .await
                .map_err(|e| {
                    storage_error(&self.uri, &format!("cannot read '{}'", entry.path), &e)
                })?
                .to_vec();
            if let Some(size) = image_size(&head) {
                return Ok(Some(size));
            }
            if end == entry.size {
                break;
            }
        }
        Ok(None)
    }
}

fn entry(path: String, meta: &Metadata) -> ObjectEntry {
    let modified_ms = meta
        .last_modified()
        .map(|t| t.into_inner().as_millisecond());
    let fingerprint = match (meta.etag(), meta.content_md5()) {
        (Some(etag), _) => etag.trim_matches('"').to_owned(),
        (None, Some(md5)) => format!("md5:{md5}"),
        (None, None) => format!(
            "stat:{}-{}",
            meta.content_length(),
            modified_ms.unwrap_or(0)
        ),
    };
    let media_type = media_type_of(&path);
    ObjectEntry {
        path,
        size: meta.content_length(),
        fingerprint,
        modified_ms,
        media_type,
    }
}

/// The protocol a source is read with: the one its credentials (or connection) name for the
/// endpoint of a bucket (an S3-compatible endpoint serving `obs://` or `oss://` buckets), else
/// its scheme's. Refuses what would reach the wrong place: an unknown protocol, a protocol for
/// a local or HTTP source, and an OBS endpoint with a port (OBS addresses a bucket by host
/// name alone, so the port would be dropped).
pub fn protocol_of(
    uri: &SourceUri,
    endpoint: Option<&str>,
    protocol: Option<&str>,
) -> WharfResult<Scheme> {
    let protocol = match protocol {
        None => uri.scheme,
        Some(name) => {
            let protocol = Scheme::of_protocol(name).ok_or_else(|| {
                WharfError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "protocol '{name}' is not a store protocol Wharf speaks; expected {}",
                        Scheme::PROTOCOLS
                    ),
                )
            })?;
            if !uri.scheme.is_bucket_store() {
                return Err(WharfError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "'{uri}' is not a bucket of an object store, so protocol '{name}' does not apply; leave the protocol out"
                    ),
                ));
            }
            protocol
        }
    };
    if protocol == Scheme::Obs
        && let Some(endpoint) = endpoint.filter(|e| has_port(e))
    {
        return Err(WharfError::new(
            ErrorCode::InvalidRequest,
            format!(
                "'{uri}' is read at {endpoint}, which has a port: OBS endpoints are host names (obs.<region>.myhuaweicloud.com); if this endpoint speaks S3's protocol, set the connection's (or the credentials') protocol to s3"
            ),
        ));
    }
    Ok(protocol)
}

/// Whether a path is an object's URI (`s3://bucket/key`) rather than a key of the source.
fn is_object_uri(path: &str) -> bool {
    path.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether an endpoint URL names a port.
fn has_port(endpoint: &str) -> bool {
    url::Url::parse(endpoint).is_ok_and(|url| url.port().is_some())
}

fn half_keys(uri: &SourceUri) -> WharfError {
    WharfError::new(
        ErrorCode::InvalidRequest,
        format!(
            "credentials for '{uri}' give only one of the access key id and the secret; give both, or neither for anonymous access"
        ),
    )
}

fn needs_endpoint(uri: &SourceUri, example: &str) -> WharfError {
    WharfError::new(
        ErrorCode::InvalidRequest,
        format!("'{uri}' needs an endpoint: name it in the URI ({example}) or in the credentials"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protocol_applies_to_buckets_and_an_obs_endpoint_never_loses_its_port() {
        let obs = SourceUri::parse("obs://bkt/data/").unwrap();
        let local = SourceUri::parse("file:///data").unwrap();
        let endpoint = Some("http://127.0.0.1:9000");
        assert_eq!(protocol_of(&obs, endpoint, Some("s3")).unwrap(), Scheme::S3);
        assert_eq!(protocol_of(&obs, None, None).unwrap(), Scheme::Obs);
        assert_eq!(
            protocol_of(&obs, Some("https://obs.cn-north-4.myhuaweicloud.com"), None).unwrap(),
            Scheme::Obs
        );
        let port = protocol_of(&obs, endpoint, None).unwrap_err();
        assert!(port.message.contains("protocol to s3"), "{}", port.message);
        let unknown = protocol_of(&obs, endpoint, Some("ftp")).unwrap_err();
        assert!(unknown.message.contains("'ftp'"), "{}", unknown.message);
        assert!(protocol_of(&local, None, Some("s3")).is_err());
    }

    #[tokio::test]
    async fn lists_a_local_tree_with_sizes_and_fingerprints() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("set/a/b")).unwrap();
        std::fs::write(root.path().join("set/top.txt"), b"hello").unwrap();
        std::fs::write(root.path().join("set/a/b/deep.jpg"), b"not really a jpeg").unwrap();
        let policy = AccessPolicy {
            local_roots: vec![root.path().to_owned()],
            ..Default::default()
        };
        let uri = SourceUri::parse(&format!("file://{}/set", root.path().display())).unwrap();
        let source = Source::open(&uri, Credentials::default(), &policy)
            .await
            .unwrap();
        let mut entries: Vec<ObjectEntry> = source
            .list()
            .map(|e| match e.unwrap() {
                Listed::Object(entry) => entry,
                Listed::Unreadable { path, error } => panic!("{path}: {error}"),
            })
            .collect()
            .await;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let summary: Vec<(&str, u64, &str)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.size, e.media_type.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a/b/deep.jpg", 17, "image/jpeg"),
                ("top.txt", 5, "text/plain")
            ]
        );
        assert!(entries.iter().all(|e| e.fingerprint.starts_with("stat:")));
        assert_eq!(source.probe_image(&entries[0]).await.unwrap(), None);
    }
}
