//! Layouts read through the registry from files held in memory: what a reader hands its sink
//! depends on nothing but [`SourceFiles`].

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use wharf_model::{LabelDef, ObjectEntry, Problem, WharfError, WharfResult};

use super::*;
use crate::{ReadContext, find_layout};

struct MemoryFiles(BTreeMap<String, Vec<u8>>);

impl MemoryFiles {
    fn bytes(&self, path: &str) -> WharfResult<&[u8]> {
        self.0
            .get(path)
            .map(Vec::as_slice)
            .ok_or_else(|| WharfError::invalid(format!("no file '{path}'")))
    }
}

impl SourceFiles for MemoryFiles {
    fn location(&self) -> String {
        "memory".to_owned()
    }

    fn head<'a>(&'a self, path: &'a str, max: u64) -> BoxFuture<'a, WharfResult<Vec<u8>>> {
        let head = self
            .bytes(path)
            .map(|b| b[..b.len().min(max as usize)].to_vec());
        async move { head }.boxed()
    }

    fn blocking_reader<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, WharfResult<Box<dyn std::io::Read + Send>>> {
        let reader = self
            .bytes(path)
            .map(|b| Box::new(std::io::Cursor::new(b.to_vec())) as Box<dyn std::io::Read + Send>);
        async move { reader }.boxed()
    }

    fn stat<'a>(&'a self, uri: &'a str) -> BoxFuture<'a, WharfResult<Option<ObjectEntry>>> {
        async move { Err(WharfError::invalid(format!("no store to find '{uri}' in"))) }.boxed()
    }

    fn image_size<'a>(
        &'a self,
        entry: &'a ObjectEntry,
    ) -> BoxFuture<'a, WharfResult<Option<(u32, u32)>>> {
        // The fixtures' images are not real: as a store whose header reads fail.
        async move { Ok(self.bytes(&entry.path).ok().map(|_| (640, 480))) }.boxed()
    }
}

#[derive(Default)]
struct Collected {
    samples: Vec<PlannedSample>,
    problems: Vec<Problem>,
    labels: Vec<String>,
}

impl ReadSink for Collected {
    fn keeps_annotations(&self) -> bool {
        true
    }

    fn labels(&mut self, labels: Vec<LabelDef>) -> BoxFuture<'_, WharfResult<()>> {
        self.labels.extend(labels.into_iter().map(|l| l.name));
        async { Ok(()) }.boxed()
    }

    fn sample(&mut self, sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>> {
        self.samples.push(sample);
        async { Ok(()) }.boxed()
    }

    fn problem(&mut self, problem: Problem) -> BoxFuture<'_, WharfResult<()>> {
        self.problems.push(problem);
        async { Ok(()) }.boxed()
    }
}

/// Reads `files` as the layout `format`, the way the engine does: list, then read.
async fn read(format: &str, files: &[(&str, &str)]) -> Collected {
    let files: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, text)| ((*p).to_owned(), text.as_bytes().to_vec()))
        .collect();
    let mut listing = Listing::default();
    for (path, bytes) in &files {
        listing.add(ObjectEntry {
            path: path.clone(),
            size: bytes.len() as u64,
            fingerprint: String::new(),
            modified_ms: None,
            media_type: if path.ends_with(".jpg") {
                "image/jpeg".to_owned()
            } else {
                "text/plain".to_owned()
            },
        });
    }
    let heads = files.clone();
    let head = |path: &str| heads.get(path).cloned();
    let context = ReadContext {
        files: Arc::new(MemoryFiles(files)),
        options: ReadOptions::default(),
        keeps_annotations: true,
    };
    let layout = find_layout(format).expect("a registered layout");
    let mut sink = Collected::default();
    layout
        .reader(context)
        .read(&listing, &head, &mut sink)
        .await
        .expect("the read runs to its end");
    sink
}

fn annotation_labels(sample: &PlannedSample) -> Vec<String> {
    match &sample.annotations {
        PlannedAnnotations::Inline(found) => found.iter().map(|a| a.label.clone()).collect(),
        PlannedAnnotations::Gathered(g) => g.labels.keys().cloned().collect(),
    }
}

#[tokio::test]
async fn a_voc_devkit_is_read_from_any_files_through_the_registry() {
    let xml = r#"<annotation><filename>000001.jpg</filename>
        <size><width>640</width><height>480</height><depth>3</depth></size>
        <object><name>dog</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>100</xmax><ymax>200</ymax></bndbox></object>
        </annotation>"#;
    let read = read(
        "voc",
        &[
            ("VOC2012/Annotations/000001.xml", xml),
            ("VOC2012/JPEGImages/000001.jpg", "jpeg"),
            ("VOC2012/ImageSets/Main/train.txt", "000001\n"),
        ],
    )
    .await;
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.samples.len(), 1);
    let sample = &read.samples[0];
    assert_eq!(sample.key, "VOC2012/JPEGImages/000001.jpg");
    assert_eq!(sample.usage.as_deref(), Some(wharf_model::usage::TRAIN));
    assert_eq!(annotation_labels(sample), ["dog"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coco_file_is_streamed_from_any_files_through_the_registry() {
    let coco = r#"{"images":[{"id":7,"file_name":"a.jpg","width":640,"height":480}],
        "categories":[{"id":1,"name":"cat"}],
        "annotations":[{"id":1,"image_id":7,"category_id":1,"bbox":[1,2,3,4],"area":12,"iscrowd":0}]}"#;
    let read = read(
        "COCO",
        &[
            ("annotations/instances_val2017.json", coco),
            ("val2017/a.jpg", "jpeg"),
        ],
    )
    .await;
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.labels, ["cat"]);
    assert_eq!(read.samples.len(), 1);
    assert_eq!(read.samples[0].key, "val2017/a.jpg");
    assert_eq!(read.samples[0].annotation_count(), 1);
    assert_eq!(annotation_labels(&read.samples[0]), ["cat"]);
}
