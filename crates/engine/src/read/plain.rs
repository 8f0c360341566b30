//! A source read as `plain`, streamed: every object is one sample, without annotations, and
//! the listing is never kept.

use futures::StreamExt;
use tokio::sync::mpsc;
use wharf_formats::PLAIN;
use wharf_formats::read::{PlannedSample, ReadSink};
use wharf_model::{Problem, ProblemCode, WharfResult};
use wharf_storage::{Listed, Source};

use super::empty_source;

/// Objects listed ahead of the reader, so that listing and writing overlap.
const LISTED_AHEAD: usize = 4096;

/// Streams the listing into samples without keeping it. Returns how many objects it found.
pub(super) async fn stream(source: &Source, sink: &mut impl ReadSink) -> WharfResult<u64> {
    let (tx, mut rx) = mpsc::channel(LISTED_AHEAD);
    let mut entries = source.list();
    let lister = tokio::spawn(async move {
        while let Some(item) = entries.next().await {
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    // Aborted when the sink stops the read early.
    let _lister = tokio_util::task::AbortOnDropHandle::new(lister);
    let mut files = 0;
    while let Some(item) = rx.recv().await {
        match item? {
            Listed::Object(entry) => {
                files += 1;
                sink.sample(PlannedSample::of_file(entry, Vec::new(), PLAIN))
                    .await?;
            }
            Listed::Unreadable { path, error } => {
                files += 1;
                sink.problem(Problem::error(ProblemCode::Unreadable, path, error.message))
                    .await?;
            }
        }
    }
    if files == 0 {
        return Err(empty_source(source));
    }
    Ok(files)
}
