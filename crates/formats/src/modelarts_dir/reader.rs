//! The directory layouts of ModelArts' import guide: classification by folder or `.txt`
//! sidecar, sound classification, tables and text classification.
//!
//! A line of a text file is a sample without a file of its own: its key is `file:line`, its
//! file is the text file, its text is the sample's own `text`, and its labels are its
//! annotations.

use std::collections::HashMap;
use std::io::Read;

use crate::modelarts_dir;
use wharf_model::ObjectEntry;
use wharf_model::{
    Problem, ProblemCode, Severity, TextLabelPlacement, TextLabels, WharfError, WharfResult,
};

use crate::read::{
    Files, Listing, PlannedSample, ReadOptions, ReadSink, problems, read_small_files,
};

/// ModelArts directory layouts. The layout is chosen by what the source holds: images
/// (classification by folder or `.txt` sidecar), else `.wav` files (sound classification by
/// folder), else CSV files (tables), else text files (text classification).
pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    options: &ReadOptions,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let (labelled, labels, found) = if listing.image_count() > 0 {
        let sidecars: Vec<String> = listing
            .with_extension("txt")
            .filter(|t| listing.image_for(&t.path).is_some())
            .map(|t| t.path.clone())
            .collect();
        let texts: HashMap<String, Vec<u8>> = read_small_files(source, sidecars, sink)
            .await?
            .into_iter()
            .collect();
        modelarts_dir::image_classification(listing.paths(), &|p| texts.get(p).cloned())
    } else if listing.summary.count("wav") > 0 {
        modelarts_dir::sound_classification(listing.paths())
    } else if listing.summary.count("csv") > 0 {
        for table in listing.with_extension("csv") {
            read_table(source, table, options, sink).await?;
        }
        return Ok(());
    } else {
        return read_text_classification(source, listing, &options.text_labels, sink).await;
    };
    sink.labels(labels).await?;
    problems(sink, found).await?;
    for sample in labelled {
        if let Some(entry) = listing.entry(&sample.path) {
            sink.sample(PlannedSample::of_file(
                entry.clone(),
                sample.annotations,
                modelarts_dir::FORMAT,
            ))
            .await?;
        }
    }
    Ok(())
}

/// One CSV table, streamed through the checker (rows are checked, never kept); the table is
/// one sample.
async fn read_table(
    source: &Files,
    table: &ObjectEntry,
    options: &ReadOptions,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    sink.annotation_file(&table.path);
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = table.path.clone();
    let with_header = options.with_column_header;
    let schema = options.table_schema.clone();
    let checked =
        tokio::task::spawn_blocking(move || -> WharfResult<modelarts_dir::TableReport> {
            let mut reader = runtime.block_on(reader_source.blocking_reader(&path))?;
            let schema = (!schema.is_empty()).then_some(schema.as_slice());
            let mut checker = modelarts_dir::TableChecker::new(&path, with_header, schema);
            let mut buf = vec![0; 256 * 1024];
            loop {
                let n = reader.read(&mut buf).map_err(|e| {
                    WharfError::new(wharf_model::ErrorCode::StorageError, e.to_string())
                })?;
                if n == 0 {
                    return Ok(checker.finish());
                }
                checker.feed(&buf[..n]);
            }
        })
        .await;
    match checked {
        Ok(Ok(report)) => {
            problems(sink, report.problems).await?;
            sink.sample(PlannedSample::of_file(
                table.clone(),
                Vec::new(),
                modelarts_dir::FORMAT,
            ))
            .await
        }
        Ok(Err(e)) => {
            sink.problem(Problem::error(
                ProblemCode::Unreadable,
                &table.path,
                e.message,
            ))
            .await
        }
        Err(e) => {
            sink.problem(crate::read::reader_stopped(&table.path, e))
                .await
        }
    }
}

/// Text classification: `X.txt` with `X_result.txt` (label_type 0), or one sample and its
/// labels a line (label_type 1, separated as `labels` says). Unless `labels` says which, the
/// labels are in result files when there are any.
async fn read_text_classification(
    source: &Files,
    listing: &Listing,
    labels: &TextLabels,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let (pairs, mut found) = modelarts_dir::text_result_pairs(listing.paths());
    let same_line = match labels.placement {
        Some(TextLabelPlacement::SameLine) => true,
        Some(TextLabelPlacement::ResultFile) => false,
        None => pairs.is_empty(),
    };
    match labels.placement {
        // Said to be on the lines: result files are none of the reader's business.
        Some(TextLabelPlacement::SameLine) => found.clear(),
        // No text has a result file: the labels are on the lines (label_type 1), and a text
        // without a result file is no mistake.
        None if same_line => found.retain(|p| p.severity == Severity::Error),
        _ => {}
    }
    problems(sink, found).await?;
    if same_line {
        let format = modelarts_dir::TextLabelFormat {
            label_type: 1,
            sample_separator: labels.sample_separator.clone(),
            label_separator: labels.label_separator.clone(),
        };
        let texts: Vec<String> = listing
            .with_extension("txt")
            .map(|t| t.path.clone())
            .collect();
        for (path, bytes) in read_small_files(source, texts, sink).await? {
            let (read, found) = modelarts_dir::text_lines(&bytes, &path, &format);
            problems(sink, found).await?;
            text_samples(listing, &path, read, sink).await?;
        }
    } else {
        for (text, result) in pairs {
            let mut files = read_small_files(source, [text.clone(), result.clone()], sink).await?;
            let (Some((_, result_bytes)), Some((_, text_bytes))) = (files.pop(), files.pop())
            else {
                continue;
            };
            let (read, found) =
                modelarts_dir::text_with_results(&text_bytes, &text, &result_bytes, &result);
            problems(sink, found).await?;
            text_samples(listing, &text, read, sink).await?;
        }
    }
    Ok(())
}

async fn text_samples(
    listing: &Listing,
    file: &str,
    samples: Vec<modelarts_dir::TextSample>,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let Some(entry) = listing.entry(file) else {
        return Ok(());
    };
    for sample in samples {
        let annotations = sample
            .labels
            .into_iter()
            .map(|label| super::text::class(&label))
            .collect();
        let mut planned = PlannedSample::of_file(entry.clone(), annotations, modelarts_dir::FORMAT);
        planned.key = format!("{file}:{}", sample.line);
        planned.text = Some(sample.text);
        sink.sample(planned).await?;
    }
    Ok(())
}
