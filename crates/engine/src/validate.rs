//! Validate-only: read a source exactly as an import would (see `read`), and write nothing.
//!
//! The report names every problem with its file, line or JSON path, what was found and what
//! was expected, so that a user can fix a broken dataset from it alone. Only the first
//! problems are kept; the rest are counted.
//!
//! Like an import, it reads the header of every image and point cloud a sample holds: a sample
//! with a damaged file is an error and is not counted, so that the samples, annotations and
//! labels it reports are the ones an import stores.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wharf_catalog::Catalog;
use wharf_model::{LabelDef, Problem, ProblemCode, Severity, ValidationReport, WharfResult};
use wharf_storage::{AccessPolicy, Credentials, Source};

use crate::credentials::{redact, redact_text};
use crate::import::{FileFault, file_facts};
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use wharf_formats::read::{PlannedSample, ReadOptions, ReadSink};

use crate::read::read_source;
use crate::submit::check_source;

/// What a client asks for when it validates a source through the API.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// Where the data is, e.g. `s3://bucket/prefix`.
    pub source: String,
    /// The format to read the source as; detected when absent.
    #[serde(default)]
    pub format: Option<String>,
    /// Credentials for this read only; never stored.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<Credentials>,
    /// The name of a stored connection whose credentials the read uses.
    #[serde(default)]
    pub connection: Option<String>,
    /// Read the source as a dataset of this data type would (`image`, `point_cloud`, ...):
    /// a sensor tree, for one, is checked as 2D or 3D accordingly.
    #[serde(default)]
    pub data_type: Option<String>,
}

/// Validates a source for a client of the API: the same checks as an import request, then the
/// same read as [`validate`], from the server's side, with the workspace's connections. No
/// secret appears in the report or in an error.
pub async fn validate_request(
    catalog: &Catalog,
    policy: &AccessPolicy,
    workspace_id: &str,
    request: ValidateRequest,
) -> WharfResult<ValidationReport> {
    if let Some(format) = &request.format {
        crate::check_format(format)?;
    }
    let (uri, connection) = check_source(
        catalog,
        policy,
        workspace_id,
        &request.source,
        request.credentials.as_ref(),
        request.connection.as_deref(),
    )
    .await?;
    let credentials = crate::credentials::resolve(
        catalog,
        workspace_id,
        uri.scheme,
        request.credentials,
        connection.map(|c| c.id).as_deref(),
    )
    .await?;
    let secrets = crate::credentials::secrets(&credentials);
    let read = async {
        let source = Source::open(&uri, credentials, policy).await?;
        validate_as(&source, request.format.as_deref(), request.data_type).await
    };
    let mut report = read.await.map_err(|e| redact(e, &secrets))?;
    for problem in &mut report.problems {
        problem.message = redact_text(std::mem::take(&mut problem.message), &secrets);
    }
    Ok(report)
}

/// Problems kept in a report; the rest are counted.
const MAX_REPORTED: usize = 1000;

/// Reads `source` as an import in `format` (detected when `None`) would, and reports.
pub async fn validate(source: &Source, format: Option<&str>) -> WharfResult<ValidationReport> {
    validate_as(source, format, None).await
}

/// [`validate`], reading the source as holding `data_type` (a dataset's) when one is given.
async fn validate_as(
    source: &Source,
    format: Option<&str>,
    data_type: Option<String>,
) -> WharfResult<ValidationReport> {
    let mut report = Report {
        inner: ValidationReport {
            source: source.uri().as_str().to_owned(),
            ..ValidationReport::default()
        },
        labels: BTreeSet::new(),
        source,
        pending: Vec::new(),
    };
    let options = ReadOptions {
        data_type,
        ..ReadOptions::default()
    };
    let outcome = read_source(source, format, &options, &mut report).await?;
    report.check_pending().await?;
    let mut inner = report.inner;
    inner.format = outcome.format;
    inner.detection = outcome.detection;
    inner.files = outcome.files;
    inner.labels = report.labels.len() as u64;
    Ok(inner)
}

/// Samples whose files' headers are read together, as an import's batch reads them.
const SAMPLES_CHECKED_AT_ONCE: usize = 256;
/// Samples whose headers are read at once.
const HEADERS_AT_ONCE: usize = 16;

/// A report being filled, with the problem cap applied.
struct Report<'s> {
    inner: ValidationReport,
    labels: BTreeSet<String>,
    source: &'s Source,
    /// Samples whose files' headers are still to be read.
    pending: Vec<PlannedSample>,
}

impl Report<'_> {
    /// Reads the headers of the pending samples' files, and counts each sample whose files
    /// all read; the faults of the others are errors, as an import's failed items are.
    async fn check_pending(&mut self) -> WharfResult<()> {
        let source = self.source;
        let checked: Vec<(PlannedSample, Vec<FileFault>)> =
            futures::stream::iter(std::mem::take(&mut self.pending))
                .map(|sample| {
                    async move {
                        let mut faults = Vec::new();
                        for file in &sample.files {
                            if let Err(fault) = file_facts(source, file, true).await {
                                faults.push(fault);
                            }
                        }
                        (sample, faults)
                    }
                    .boxed()
                })
                .buffered(HEADERS_AT_ONCE)
                .collect()
                .await;
        for (sample, faults) in checked {
            if faults.is_empty() {
                self.count(&sample);
                continue;
            }
            for fault in faults {
                let problem = match fault {
                    FileFault::Header(problem) => problem,
                    FileFault::Read(e) => {
                        Problem::error(ProblemCode::Unreadable, &sample.key, e.message)
                    }
                };
                self.record(problem);
            }
        }
        Ok(())
    }

    fn count(&mut self, sample: &PlannedSample) {
        self.inner.samples += 1;
        self.inner.annotations += sample.annotation_count() as u64;
        for (label, count) in crate::filter::label_counts(sample) {
            // A label is named once, when first counted: most samples repeat known labels.
            match self.inner.label_annotations.get_mut(&label) {
                Some(total) => *total += count as u64,
                None => {
                    self.inner
                        .label_annotations
                        .insert(label.clone(), count as u64);
                    self.labels.insert(label);
                }
            }
        }
    }

    fn record(&mut self, problem: Problem) {
        match problem.severity {
            Severity::Error => self.inner.errors += 1,
            Severity::Warning => self.inner.warnings += 1,
        }
        if problem.code == ProblemCode::NotUsed {
            self.inner.skipped += 1;
        }
        if self.inner.problems.len() < MAX_REPORTED {
            self.inner.problems.push(problem);
        } else {
            self.inner.problems_omitted += 1;
        }
    }
}

impl ReadSink for Report<'_> {
    fn keeps_annotations(&self) -> bool {
        false
    }

    fn annotation_file(&mut self, _path: &str) {
        self.inner.annotation_files += 1;
    }

    fn labels(&mut self, labels: Vec<LabelDef>) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            self.labels.extend(labels.into_iter().map(|l| l.name));
            Ok(())
        })
    }

    fn sample(&mut self, sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            self.pending.push(sample);
            if self.pending.len() >= SAMPLES_CHECKED_AT_ONCE {
                self.check_pending().await?;
            }
            Ok(())
        })
    }

    fn problem(&mut self, problem: Problem) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            self.record(problem);
            Ok(())
        })
    }
}
