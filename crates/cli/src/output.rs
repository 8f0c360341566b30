//! How results are printed: aligned text for people, JSON with `--json`.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use wharf_model::{
    Collection, Dataset, Job, JobError, Label, Page, Project, Sample, Severity, ValidationReport,
    Version,
};

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub fn update_progress(bar: &ProgressBar, job: &Job) {
    let c = &job.counters;
    bar.set_message(format!(
        "{}: discovered {} · processed {} · imported {} ({} annotations) · unchanged {} · failed {} · {} · {:.0}/s",
        job.state.as_str(),
        c.discovered,
        c.processed,
        c.imported,
        c.annotations,
        c.unchanged,
        c.failed,
        human_bytes(c.bytes),
        job.rate
    ));
}

pub fn job(job: &Job, errors: &[JobError], json: bool) -> Result<()> {
    if json {
        #[derive(Serialize)]
        struct JobWithErrors<'a> {
            #[serde(flatten)]
            job: &'a Job,
            errors: &'a [JobError],
        }
        return print_json(&JobWithErrors { job, errors });
    }
    let c = &job.counters;
    println!("job       {}", job.id);
    println!("state     {}", job.state.as_str());
    println!("source    {}", job.source_uri);
    let version = match &job.result {
        Some(r) if r.version_created => {
            format!(" (new version v{})", r.version.unwrap_or_default())
        }
        Some(r) => match r.version {
            Some(v) => format!(" (unchanged, stays at v{v})"),
            None => String::new(),
        },
        None => String::new(),
    };
    println!("dataset   {}{version}", job.dataset_name);
    println!(
        "objects   discovered {}, processed {}, imported {}, unchanged {}, skipped {}, failed {}, removed {}",
        c.discovered, c.processed, c.imported, c.unchanged, c.skipped, c.failed, c.removed
    );
    println!(
        "annotations imported {}, left out by the filters {}",
        c.annotations, c.annotations_skipped
    );
    println!("bytes     {}", human_bytes(c.bytes));
    println!("rate      {:.1} objects/s", job.rate);
    if let (Some(code), Some(message)) = (&job.error_code, &job.error_message) {
        println!("error     {message} ({code})");
    }
    for e in errors {
        println!("  item error: {}: {} ({})", e.path, e.message, e.code);
    }
    Ok(())
}

pub fn jobs(jobs: &[Job], json: bool) -> Result<()> {
    if json {
        return print_json(&jobs);
    }
    println!(
        "{:<36}  {:<10}  {:<24}  {:>10}  {:>8}  CREATED",
        "ID", "STATE", "DATASET", "PROCESSED", "FAILED"
    );
    for j in jobs {
        println!(
            "{:<36}  {:<10}  {:<24}  {:>10}  {:>8}  {}",
            j.id,
            j.state.as_str(),
            j.dataset_name,
            j.counters.processed,
            j.counters.failed,
            j.created_at
        );
    }
    Ok(())
}

pub fn datasets(datasets: &[Dataset], json: bool) -> Result<()> {
    if json {
        return print_json(&datasets);
    }
    println!("{:<32}  {:<12}  {:>7}  UPDATED", "NAME", "TYPE", "VERSION");
    for d in datasets {
        println!(
            "{:<32}  {:<12}  {:>7}  {}",
            d.name,
            d.data_type,
            format!("v{}", d.latest_version),
            d.updated_at
        );
    }
    Ok(())
}

pub fn dataset(dataset: &Dataset, versions: &[Version], json: bool) -> Result<()> {
    if json {
        #[derive(Serialize)]
        struct DatasetWithVersions<'a> {
            #[serde(flatten)]
            dataset: &'a Dataset,
            versions: &'a [Version],
        }
        return print_json(&DatasetWithVersions { dataset, versions });
    }
    println!("dataset   {} ({})", dataset.name, dataset.id);
    println!("type      {}", dataset.data_type);
    println!("source    {}", dataset.source_uri.as_deref().unwrap_or("-"));
    for v in versions {
        println!(
            "  {:<5} {:>8} samples  {:>8} files  {:>10}  {}",
            v.name,
            v.sample_count,
            v.file_count,
            human_bytes(v.byte_size),
            v.created_at
        );
    }
    Ok(())
}

pub fn samples(page: &Page<Sample>, json: bool) -> Result<()> {
    if json {
        return print_json(page);
    }
    println!("{:<48}  {:>10}  {:<24}  SIZE", "KEY", "BYTES", "MEDIA TYPE");
    for s in &page.items {
        for f in &s.files {
            let dims = match (f.width, f.height) {
                (Some(w), Some(h)) => format!("{w}x{h}"),
                _ => "-".to_owned(),
            };
            println!(
                "{:<48}  {:>10}  {:<24}  {dims}",
                s.key, f.size, f.media_type
            );
        }
    }
    if let Some(next) = &page.next {
        println!("more: --next '{next}'");
    }
    Ok(())
}

pub fn sample(sample: &Sample, json: bool) -> Result<()> {
    if json {
        return print_json(sample);
    }
    println!("key          {}", sample.key);
    println!("id           {}", sample.id);
    println!("added in     v{}", sample.added_in);
    if let Some(format) = &sample.source_format {
        println!("format       {format}");
    }
    if let Some(scene) = &sample.scene {
        println!("scene        {scene}");
    }
    if let Some(text) = &sample.text {
        println!("text         {text}");
    }
    for f in &sample.files {
        let mut facts = vec![format!("{} bytes", f.size), f.media_type.clone()];
        if let (Some(w), Some(h)) = (f.width, f.height) {
            facts.push(format!("{w}x{h}"));
        }
        if let Some(points) = f.points {
            facts.push(format!("{points} points"));
        }
        println!("file         {}  ({})", f.path, facts.join(", "));
    }
    println!("annotations  {}", sample.annotation_count);
    for a in &sample.annotations {
        let shape = serde_json::to_string(&a.shape)?;
        let flags = [(a.difficult, " difficult"), (a.hard, " hard")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<String>();
        println!("  {:<20} {shape}{flags}", a.label);
    }
    Ok(())
}

pub fn projects(projects: &[Project], json: bool) -> Result<()> {
    if json {
        return print_json(&projects);
    }
    println!("{:>8}  {:<40}  CREATED", "ID", "NAME");
    for p in projects {
        println!("{:>8}  {:<40}  {}", p.id, p.name, p.created_at);
    }
    Ok(())
}

pub fn collections(collections: &[Collection], json: bool) -> Result<()> {
    if json {
        return print_json(&collections);
    }
    println!(
        "{:<32}  {:>6}  {:<24}  DESCRIPTION",
        "NAME", "FIELDS", "CREATED"
    );
    for c in collections {
        println!(
            "{:<32}  {:>6}  {:<24}  {}",
            c.name,
            c.schema.fields.len(),
            c.created_at,
            c.description
        );
    }
    Ok(())
}

pub fn collection(collection: &Collection, json: bool) -> Result<()> {
    if json {
        return print_json(collection);
    }
    println!("collection {} ({})", collection.name, collection.id);
    if !collection.description.is_empty() {
        println!("  {}", collection.description);
    }
    println!("  partitions: {}", collection.partitions.join(", "));
    println!(
        "  dynamic field: {}",
        if collection.schema.enable_dynamic_field {
            "on ($meta)"
        } else {
            "off"
        }
    );
    println!("  {:<32}  {:<18}  DETAILS", "FIELD", "TYPE");
    for field in &collection.schema.fields {
        let mut details = Vec::new();
        if field.is_primary {
            details.push("primary key".to_owned());
        }
        if field.auto_id {
            details.push("auto id".to_owned());
        }
        if let Some(dim) = field.dim {
            details.push(format!("dim {dim}"));
        }
        if let Some(element) = field.element_type {
            details.push(format!("of {}", element.name()));
        }
        if let Some(capacity) = field.max_capacity {
            details.push(format!("up to {capacity} elements"));
        }
        if let Some(length) = field.max_length {
            details.push(format!("max length {length}"));
        }
        if field.nullable {
            details.push("nullable".to_owned());
        }
        if let Some(default) = &field.default_value {
            details.push(format!("default {default}"));
        }
        println!(
            "  {:<32}  {:<18}  {}",
            field.name,
            field.data_type.name(),
            details.join(", ")
        );
    }
    Ok(())
}

pub fn labels(labels: &[Label], json: bool) -> Result<()> {
    if json {
        return print_json(&labels);
    }
    println!(
        "{:<32}  {:>8}  {:>12}  {:>8}  PARENT",
        "LABEL", "ID", "ANNOTATIONS", "SAMPLES"
    );
    for l in labels {
        println!(
            "{:<32}  {:>8}  {:>12}  {:>8}  {}",
            l.name,
            l.source_id.map_or("-".to_owned(), |i| i.to_string()),
            l.annotations,
            l.samples,
            l.parent.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// Labels a human-readable validation report names, by annotation count.
const LABELS_SHOWN: usize = 10;

pub fn validation(report: &ValidationReport, json: bool) -> Result<()> {
    if json {
        return print_json(report);
    }
    println!("source       {}", report.source);
    println!(
        "format       {}",
        report.format.as_deref().unwrap_or("none matched")
    );
    for v in &report.detection {
        let verdict = if v.matched {
            format!("match {:.2}", v.confidence)
        } else {
            "rejected".to_owned()
        };
        println!("  {:<8} {verdict}: {}", v.format, v.reasons.join("; "));
    }
    println!(
        "read         {} files listed, {} annotation file(s), {} samples, {} annotations, {} labels, {} files left out",
        report.files,
        report.annotation_files,
        report.samples,
        report.annotations,
        report.labels,
        report.skipped
    );
    if !report.label_annotations.is_empty() {
        let mut by_count: Vec<(&String, &u64)> = report.label_annotations.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = by_count
            .iter()
            .take(LABELS_SHOWN)
            .map(|(label, count)| format!("{label} {count}"))
            .collect();
        let more = by_count.len().saturating_sub(LABELS_SHOWN);
        let more = if more > 0 {
            format!(", and {more} more (--json lists them all)")
        } else {
            String::new()
        };
        println!("labels       {}{more}", shown.join(", "));
    }
    println!(
        "problems     {} errors, {} warnings",
        report.errors, report.warnings
    );
    for p in &report.problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = match (p.line, &p.json_path) {
            (Some(line), Some(path)) => format!("{}:{line} {path}", p.file),
            (Some(line), None) => format!("{}:{line}", p.file),
            (None, Some(path)) => format!("{} {path}", p.file),
            (None, None) => p.file.clone(),
        };
        let place = if place.is_empty() {
            String::new()
        } else {
            format!("{place}: ")
        };
        println!("  {severity:<7} {place}{} ({})", p.message, p.code.as_str());
    }
    if report.problems_omitted > 0 {
        println!(
            "  ... and {} more (use --json for the first {})",
            report.problems_omitted,
            report.problems.len()
        );
    }
    Ok(())
}

fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
