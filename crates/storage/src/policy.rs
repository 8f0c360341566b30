//! What the operator allows a job to reach.
//!
//! Local paths are confined to configured roots, and custom endpoints that resolve to
//! loopback, link-local or private addresses are refused unless the operator allows them, so
//! that a job cannot be used to read the server's own disk or probe its network.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use wharf_model::{ErrorCode, WharfError, WharfResult};

#[derive(Debug, Clone, Default)]
pub struct AccessPolicy {
    /// Directories under which `file://` and `nas://` sources may lie.
    pub local_roots: Vec<PathBuf>,
    /// Allow endpoints on loopback, link-local and private addresses (local S3 servers).
    pub allow_private_endpoints: bool,
}

impl AccessPolicy {
    /// Resolves `path` (following symlinks) and checks that it lies under an allowed root.
    pub fn check_local_path(&self, path: &str) -> WharfResult<PathBuf> {
        let refused = |why: &str| {
            let roots: Vec<String> = self
                .local_roots
                .iter()
                .map(|r| r.display().to_string())
                .collect();
            WharfError::new(
                ErrorCode::PathNotAllowed,
                format!(
                    "local path '{path}' {why}; allowed roots: [{}] (set them with --allow-root or WHARF_ALLOWED_ROOTS)",
                    roots.join(", ")
                ),
            )
        };
        if self.local_roots.is_empty() {
            return Err(refused("cannot be read: no local roots are configured"));
        }
        let resolved = std::fs::canonicalize(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                WharfError::new(
                    ErrorCode::StorageBucketNotFound,
                    format!("local path '{path}' does not exist"),
                )
            } else {
                WharfError::new(
                    ErrorCode::StorageError,
                    format!("local path '{path}' cannot be opened: {e}"),
                )
            }
        });
        let resolved = match resolved {
            Ok(p) => p,
            // A missing path outside the roots is refused as outside, without saying more.
            Err(e) if self.under_any_root(Path::new(path)) => return Err(e),
            Err(_) => return Err(refused("is outside the allowed roots")),
        };
        if self.under_any_root(&resolved) {
            Ok(resolved)
        } else {
            Err(refused("is outside the allowed roots"))
        }
    }

    fn under_any_root(&self, path: &Path) -> bool {
        self.local_roots.iter().any(|root| {
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            path.starts_with(&root)
        })
    }

    /// Checks a custom endpoint. Host names are resolved, so a name that points at a private
    /// address is refused like the address itself.
    pub async fn check_endpoint(&self, endpoint: &str) -> WharfResult<()> {
        if self.allow_private_endpoints {
            return Ok(());
        }
        let url = url::Url::parse(endpoint).map_err(|e| {
            WharfError::new(
                ErrorCode::InvalidUri,
                format!("endpoint '{endpoint}' is not a URL ({e}); expected http(s)://host[:port]"),
            )
        })?;
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio_lookup(&host, port).await,
        };
        if let Some(ip) = addrs.iter().find(|ip| is_private(**ip)) {
            return Err(WharfError::new(
                ErrorCode::AddressNotAllowed,
                format!(
                    "endpoint '{endpoint}' resolves to {ip}, a loopback, link-local or private address; an operator can allow such endpoints with --allow-private-endpoints"
                ),
            ));
        }
        Ok(())
    }
}

async fn tokio_lookup(host: &str, port: u16) -> Vec<IpAddr> {
    let target = format!("{host}:{port}");
    match tokio::task::spawn_blocking(move || {
        std::net::ToSocketAddrs::to_socket_addrs(&target)
            .map(|it| it.map(|a| a.ip()).collect::<Vec<_>>())
    })
    .await
    {
        Ok(Ok(ips)) => ips,
        _ => Vec::new(),
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn private_endpoints_are_refused_unless_allowed() {
        let strict = AccessPolicy::default();
        for endpoint in [
            "http://127.0.0.1:9000",
            "http://10.1.2.3",
            "http://169.254.169.254",
            "http://[::1]:80",
            "http://localhost:9000",
        ] {
            let err = strict.check_endpoint(endpoint).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::AddressNotAllowed, "{endpoint}");
        }
        assert!(strict.check_endpoint("http://8.8.8.8").await.is_ok());
        let open = AccessPolicy {
            allow_private_endpoints: true,
            ..Default::default()
        };
        assert!(open.check_endpoint("http://127.0.0.1:9000").await.is_ok());
    }

    #[test]
    fn local_paths_must_lie_under_a_root() {
        let root = tempfile::tempdir().unwrap();
        let inside = root.path().join("set");
        std::fs::create_dir(&inside).unwrap();
        let policy = AccessPolicy {
            local_roots: vec![root.path().to_owned()],
            ..Default::default()
        };
        assert!(policy.check_local_path(inside.to_str().unwrap()).is_ok());
        let escape = format!("{}/set/../..", root.path().display());
        assert_eq!(
            policy.check_local_path(&escape).unwrap_err().code,
            ErrorCode::PathNotAllowed
        );
        assert_eq!(
            policy.check_local_path("/etc").unwrap_err().code,
            ErrorCode::PathNotAllowed
        );
        let missing = format!("{}/nope", root.path().display());
        assert_eq!(
            policy.check_local_path(&missing).unwrap_err().code,
            ErrorCode::StorageBucketNotFound
        );
        assert_eq!(
            AccessPolicy::default()
                .check_local_path("/tmp")
                .unwrap_err()
                .code,
            ErrorCode::PathNotAllowed
        );
    }
}
