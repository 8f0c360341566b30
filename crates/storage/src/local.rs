//! Listing local and mounted folders.
//!
//! A dedicated walker rather than OpenDAL's simulated recursive listing: it is several times
//! faster on large trees, it follows symbolic links, and it reports an entry it cannot read (a
//! dangling link, a loop, a name that is not UTF-8) as that item's failure instead of skipping
//! it silently.

use std::path::{Path, PathBuf};

use futures::stream::BoxStream;
use wharf_model::{ErrorCode, WharfError, WharfResult};

use crate::Listed;
use crate::ObjectEntry;
use crate::listing::media_type_of;

/// Entries buffered between the walking thread and the importer.
const QUEUE: usize = 1024;

/// Every file under `root`, in file-name order within each folder.
pub(crate) fn list(root: PathBuf) -> BoxStream<'static, WharfResult<Listed>> {
    let (tx, rx) = tokio::sync::mpsc::channel(QUEUE);
    tokio::task::spawn_blocking(move || {
        let walk = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .min_depth(1);
        for item in walk {
            let listed = match item {
                Ok(entry) if entry.file_type().is_dir() => continue,
                Ok(entry) => describe(&root, entry.path()),
                Err(e) => match e.path() {
                    Some(path) => Listed::Unreadable {
                        path: relative(&root, path),
                        error: WharfError::new(
                            ErrorCode::ItemReadFailed,
                            format!("cannot read '{}': {e}", relative(&root, path)),
                        ),
                    },
                    None => Listed::Unreadable {
                        path: String::new(),
                        error: WharfError::new(
                            ErrorCode::ItemReadFailed,
                            format!("cannot walk '{}': {e}", root.display()),
                        ),
                    },
                },
            };
            if tx.blocking_send(Ok(listed)).is_err() {
                return;
            }
        }
    });
    Box::pin(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

fn describe(root: &Path, path: &Path) -> Listed {
    let key = relative(root, path);
    let unreadable = |why: String| Listed::Unreadable {
        path: key.clone(),
        error: WharfError::new(
            ErrorCode::ItemReadFailed,
            format!("cannot read '{key}': {why}"),
        ),
    };
    if path
        .strip_prefix(root)
        .ok()
        .and_then(|p| p.to_str())
        .is_none()
    {
        return unreadable("the file name is not valid UTF-8; rename it".to_owned());
    }
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return unreadable(e.to_string()),
    };
    let modified_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    Listed::Object(ObjectEntry {
        fingerprint: format!("stat:{}-{}", meta.len(), modified_ms.unwrap_or(0)),
        media_type: media_type_of(&key),
        size: meta.len(),
        modified_ms,
        path: key,
    })
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
