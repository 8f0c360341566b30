//! Validate-only: read a source exactly as an import would (see `read`), and write nothing.
//!
//! The report names every problem with its file, line or JSON path, what was found and what
//! was expected, so that a user can fix a broken dataset from it alone. Only the first
//! problems are kept; the rest are counted.

use std::collections::BTreeSet;

use wharf_model::{LabelDef, Problem, Severity, ValidationReport, WharfResult};
use wharf_storage::Source;

use crate::read::{PlannedSample, ReadSink, read_source};

/// Problems kept in a report; the rest are counted.
const MAX_REPORTED: usize = 1000;

/// Reads `source` as an import in `format` (detected when `None`) would, and reports.
pub async fn validate(source: &Source, format: Option<&str>) -> WharfResult<ValidationReport> {
    let mut report = Report {
        inner: ValidationReport {
            source: source.uri().as_str().to_owned(),
            format: None,
            detection: Vec::new(),
            files: 0,
            annotation_files: 0,
            samples: 0,
            annotations: 0,
            labels: 0,
            errors: 0,
            warnings: 0,
            problems: Vec::new(),
            problems_omitted: 0,
        },
        labels: BTreeSet::new(),
    };
    let outcome = read_source(source, format, &mut report).await?;
    let mut inner = report.inner;
    inner.format = outcome.format;
    inner.detection = outcome.detection;
    inner.files = outcome.files;
    inner.labels = report.labels.len() as u64;
    Ok(inner)
}

/// A report being filled, with the problem cap applied.
struct Report {
    inner: ValidationReport,
    labels: BTreeSet<String>,
}

impl ReadSink for Report {
    fn stages(&self) -> bool {
        false
    }

    fn annotation_file(&mut self, _path: &str) {
        self.inner.annotation_files += 1;
    }

    async fn labels(&mut self, labels: Vec<LabelDef>) -> WharfResult<()> {
        self.labels.extend(labels.into_iter().map(|l| l.name));
        Ok(())
    }

    async fn stage(&mut self, _key: &str, _seq: i64, _body: String) -> WharfResult<()> {
        Ok(())
    }

    async fn sample(&mut self, sample: PlannedSample) -> WharfResult<()> {
        self.inner.samples += 1;
        self.inner.annotations += sample.annotation_count() as u64;
        let labels = crate::filter::label_counts(&sample);
        self.labels
            .extend(labels.into_keys().filter(|l| !l.is_empty()));
        Ok(())
    }

    async fn problem(&mut self, problem: Problem) -> WharfResult<()> {
        match problem.severity {
            Severity::Error => self.inner.errors += 1,
            Severity::Warning => self.inner.warnings += 1,
        }
        if self.inner.problems.len() < MAX_REPORTED {
            self.inner.problems.push(problem);
        } else {
            self.inner.problems_omitted += 1;
        }
        Ok(())
    }
}
