use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Read};

use serde_json::{Value, json};
use wharf_model::{Problem, ProblemCode, Severity, Shape};

use super::*;
use crate::{ListingSummary, Verdict};

use ProblemCode::*;
use Severity::{Error, Warning};

#[derive(Default)]
struct Collect {
    samples: Vec<ManifestSample>,
    problems: Vec<Problem>,
}

impl ManifestSink for Collect {
    fn sample(&mut self, sample: ManifestSample) {
        self.samples.push(sample);
    }
    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

fn read_bytes(bytes: &[u8]) -> (Collect, ManifestStats) {
    let mut sink = Collect::default();
    let stats = read(bytes, "data/V001.manifest", &mut sink);
    (sink, stats)
}

fn fixture(name: &str) -> (Collect, ManifestStats) {
    let path = format!(
        "{}/tests/fixtures/manifest/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    read_bytes(&std::fs::read(path).unwrap())
}

/// A fixture that must read without a problem.
fn clean(name: &str) -> Vec<ManifestSample> {
    let (sink, stats) = fixture(name);
    assert!(sink.problems.is_empty(), "{name}: {:#?}", sink.problems);
    assert_eq!(stats.rejected, 0);
    assert_eq!(stats.samples, sink.samples.len() as u64);
    sink.samples
}

/// (code, severity, line, json path) of every problem.
fn problems(sink: &Collect) -> Vec<(ProblemCode, Severity, u64, &str)> {
    sink.problems
        .iter()
        .map(|p| {
            (
                p.code,
                p.severity,
                p.line.unwrap(),
                p.json_path.as_deref().unwrap(),
            )
        })
        .collect()
}

fn annotation(label: &str, shape: Shape, attributes: Value) -> Annotation {
    let Value::Object(attributes) = attributes else {
        panic!("attributes must be an object");
    };
    Annotation {
        label: label.into(),
        shape,
        attributes: attributes.into_iter().collect(),
        confidence: None,
        annotated_by: None,
        difficult: false,
        hard: false,
        bounds: None,
        source_format: FORMAT.into(),
        parts: Vec::new(),
    }
}

fn human(mut a: Annotation) -> Annotation {
    a.annotated_by = Some("human".into());
    a
}

fn object(uri: &str) -> Source {
    Source::Object(uri.into())
}

// ---------------------------------------------------------------- one sample per dataset type

#[test]
fn image_classification_as_in_the_reference() {
    let samples = clean("image_classification.manifest");
    assert_eq!(samples.len(), 2);
    let s = &samples[0];
    assert_eq!(
        (
            s.line,
            &s.source,
            s.usage.as_deref(),
            s.hard,
            s.hard_coefficient
        ),
        (
            1,
            &object("s3://path/to/image1.jpg"),
            Some("train"),
            true,
            Some(0.8)
        )
    );
    assert_eq!(s.id.as_deref(), Some("0162005993f8065ef47eefb59d1e4970"));
    assert_eq!(
        s.inference_loc.as_deref(),
        Some("/path/to/inference-output")
    );
    let mut cat = human(annotation(
        "cat",
        Shape::Class,
        json!({"color": "white", "kind": "Persian cat", "hard-coefficient": 0.8, "creation-time": "2019-01-23 11:30:30"}),
    ));
    cat.hard = true;
    let mut animal = annotation(
        "animal",
        Shape::Class,
        json!({"creation-time": "2019-01-23 11:30:30"}),
    );
    animal.annotated_by = Some("modelarts/active-learning".into());
    animal.confidence = Some(0.8);
    assert_eq!(s.annotations, [cat, animal]);
    assert!(s.annotation_files.is_empty());

    let unlabeled = &samples[1];
    assert_eq!(
        (
            unlabeled.line,
            &unlabeled.source,
            unlabeled.usage.as_deref(),
            unlabeled.hard
        ),
        (2, &object("s3://path/to/image2.jpg"), None, false)
    );
    assert!(unlabeled.annotations.is_empty() && unlabeled.property.is_empty());
}

#[test]
fn object_detection_and_segmentation_name_their_voc_files() {
    for (name, kind, sample_type) in [
        ("object_detection.manifest", "object_detection", None),
        ("image_segmentation.manifest", "image_segmentation", Some(0)),
    ] {
        let samples = clean(name);
        let s = &samples[0];
        assert_eq!(s.source, object("s3://path/to/image1.jpg"));
        assert_eq!((s.hard, s.hard_coefficient), (true, Some(0.8)));
        assert_eq!(s.sample_type, sample_type);
        assert!(s.annotations.is_empty());
        assert_eq!(
            s.annotation_files,
            [AnnotationFile {
                location: "s3://path/to/annotation1.xml".into(),
                format: "PASCAL VOC".into(),
                kind: kind.into(),
            }]
        );
    }
}

#[test]
fn text_classification_trims_the_references_own_name_with_a_warning() {
    let (sink, stats) = fixture("text_classification.manifest");
    assert_eq!(
        problems(&sink),
        [(InvalidValue, Warning, 1, "$.annotation[0].name")]
    );
    assert_eq!(sink.problems[0].found.as_deref(), Some("\" positive\""));
    assert_eq!(stats.samples, 1);
    let s = &sink.samples[0];
    assert_eq!(s.source, Source::Content("I like this product ".into()));
    assert_eq!(s.id.as_deref(), Some("XGDVGS"));
    assert_eq!(
        s.annotations,
        [human(annotation(
            "positive",
            Shape::Class,
            json!({"creation-time": "2019-01-23 11:30:30"})
        ))]
    );
}

#[test]
fn named_entities_become_character_spans() {
    let samples = clean("text_entity.manifest");
    let s = &samples[0];
    let Source::Content(text) = &s.source else {
        panic!("inline text expected")
    };
    let spans: Vec<(&str, String)> = s
        .annotations
        .iter()
        .map(|a| match a.shape {
            Shape::TextSpan { start, end } => (
                a.label.as_str(),
                text.chars()
                    .skip(start as usize)
                    .take((end - start) as usize)
                    .collect(),
            ),
            _ => panic!("span expected"),
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("Person", "Michael Jordan".to_owned()),
            ("Category", "basketball".to_owned())
        ]
    );
    assert_eq!(
        s.annotations[0],
        human(annotation(
            "Person",
            Shape::TextSpan { start: 0, end: 14 },
            json!({"creation-time": "2019-01-23 11:30:30"})
        ))
    );
}

#[test]
fn triplets_keep_entity_ids_and_relation_ends() {
    let samples = clean("text_triplet.manifest");
    let s = &samples[0];
    assert_eq!(
        s.id.as_deref(),
        Some("865c2aee2138c524716d6fa4273e9369.000000001")
    );
    let time = "2019-04-17 11:22:12";
    assert_eq!(
        s.annotations,
        [
            human(annotation(
                "lives_in",
                Shape::Class,
                json!({"id": "R1", "from": "E1", "to": "E2", "creation-time": time})
            )),
            human(annotation(
                "Person",
                Shape::TextSpan { start: 0, end: 3 },
                json!({"id": "E1", "creation-time": time})
            )),
            human(annotation(
                "City",
                Shape::TextSpan { start: 12, end: 20 },
                json!({"id": "E2", "creation-time": time})
            )),
        ]
    );
}

#[test]
fn audio_classification_and_its_sound_alias() {
    let samples = clean("audio_classification.manifest");
    let labels: Vec<(&Source, &str, &Shape)> = samples
        .iter()
        .flat_map(|s| {
            s.annotations
                .iter()
                .map(move |a| (&s.source, a.label.as_str(), &a.shape))
        })
        .collect();
    assert_eq!(
        labels,
        [
            (&object("s3://path/to/pets.wav"), "cat", &Shape::Class),
            (&object("s3://path/to/birds.wav"), "bird", &Shape::Class)
        ]
    );
}

#[test]
fn speech_content_is_text() {
    let samples = clean("audio_content.manifest");
    assert_eq!(
        samples[0].annotations,
        [human(annotation(
            "",
            Shape::Text {
                text: "Today is a good day.".into()
            },
            json!({"creation-time": "2019-01-23 11:30:30"})
        ))]
    );
}

#[test]
fn speech_segments_in_seconds_with_speaker_and_content() {
    let samples = clean("audio_segmentation.manifest");
    let a = &samples[0].annotations;
    assert_eq!(
        a[0],
        human(annotation(
            "",
            Shape::AudioSegment {
                start: 70.123,
                end: 75.456
            },
            json!({"@modelarts:source": "Tom", "@modelarts:content": "How are you?", "creation-time": "2019-01-23 11:30:30"})
        ))
    );
    assert_eq!(
        a[1],
        annotation(
            "",
            Shape::AudioSegment {
                start: 82.003,
                end: 94.5
            },
            json!({"@modelarts:source": "Jerry", "@modelarts:content": "I'm fine, thank you."})
        )
    );
}

#[test]
fn video_frames_keep_their_properties() {
    let samples = clean("video.manifest");
    let s = &samples[0];
    assert_eq!(
        s.source,
        object("s3://input/path/to/annotation1_t1.473722.jpg")
    );
    assert_eq!(
        (s.usage.as_deref(), s.sample_type),
        (Some("train"), Some(0))
    );
    assert_eq!(
        Value::Object(s.property.clone()),
        json!({"@modelarts:parent_duration": 8, "@modelarts:parent_source": "s3://path/to/annotation1.mp4", "@modelarts:time_in_video": 1.473722})
    );
    assert_eq!(
        s.annotation_files[0].location,
        "s3://path/to/annotation1_t1.473722.xml"
    );
}

// ---------------------------------------------------------------- lenient spellings

#[test]
fn lenient_spellings_read_alike() {
    let (sink, stats) = fixture("lenient.manifest");
    // The SDK export's string-encoded array property: kept, and said once for the manifest.
    assert_eq!(
        problems(&sink),
        [(WrongType, Warning, 2, "$.annotation[0].property")]
    );
    assert_eq!((stats.lines, stats.samples, stats.rejected), (4, 4, 0));
    let s = &sink.samples;

    assert_eq!(s[0].source, object("obs://bucket/a.jpg"));
    assert_eq!(
        (
            s[0].usage.as_deref(),
            s[0].hard,
            s[0].hard_coefficient,
            s[0].sample_type
        ),
        (Some("eval"), true, Some(0.5), Some(0))
    );
    assert_eq!(
        s[0].inference_loc.as_deref(),
        Some("obs://bucket/out/a.json")
    );
    let mut cat = human(annotation(
        "cat",
        Shape::Class,
        json!({"hard-coefficient": 0.25, "creation-time": "2019-01-23 11:30:30"}),
    ));
    cat.hard = true;
    assert_eq!(s[0].annotations, [cat]);

    assert_eq!(
        s[1].annotations[0].attributes["property"],
        json!([{"type": 0, "property": {}}])
    );
    assert_eq!(s[2].annotations[0].label, "daisy");

    assert_eq!(s[3].source, object("https://example.com/b.jpg"));
    assert_eq!((s[3].usage.as_deref(), s[3].hard), (Some("test"), false));
    assert_eq!(
        Value::Object(s[3].property.clone()),
        json!({"@modelarts:parent_source": "s3://v.mp4"})
    );
    assert_eq!(
        s[3].annotations,
        [annotation("dog", Shape::Class, json!({"color": "brown"}))]
    );
}

#[test]
fn detection_keys_in_underscores_and_any_case() {
    let line = r#"{"source":"S3://b/a.jpg","annotation":[{"type":"OBJECT_DETECTION","annotation_loc":"s3://b/a.xml","annotation_format":"pascal voc"}]}"#;
    let (sink, _) = read_bytes(line.as_bytes());
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!(
        sink.samples[0].annotation_files,
        [AnnotationFile {
            location: "s3://b/a.xml".into(),
            format: "PASCAL VOC".into(),
            kind: "object_detection".into()
        }]
    );
}

#[test]
fn content_source_is_case_insensitive_and_taken_as_written() {
    let (sink, _) = read_bytes(br#"{"source":"CONTENT://50% off"}"#);
    assert_eq!(sink.samples[0].source, Source::Content("50% off".into()));
}

#[test]
fn property_keys_are_kept_but_the_readers_own_win() {
    let line = r#"{"source":"s3://a","annotation":[{"type":"image_classification","name":"a","id":"L1","property":{"id":"shadowed","@modelarts:x":1}}]}"#;
    let (sink, _) = read_bytes(line.as_bytes());
    assert_eq!(
        sink.samples[0].annotations[0].attributes,
        BTreeMap::from([
            ("@modelarts:x".to_owned(), json!(1)),
            ("id".to_owned(), json!("L1"))
        ])
    );
}

// ---------------------------------------------------------------- malformed input

#[test]
fn malformed_corpus_gives_exact_problems() {
    let (sink, stats) = fixture("malformed.manifest");
    let expected = [
        (MissingField, Error, 2, "$.source"),
        (WrongType, Error, 3, "$.source"),
        (InvalidValue, Error, 4, "$.source"),
        (InvalidValue, Warning, 5, "$.usage"),
        (InvalidValue, Warning, 5, "$.sample-type"),
        (InvalidValue, Warning, 5, "$.hard"),
        (WrongType, Error, 6, "$.annotation"),
        (MissingField, Error, 7, "$.annotation[0].name"),
        (InvalidValue, Error, 7, "$.annotation[1].type"),
        (InvalidValue, Warning, 7, "$.annotation[2].name"),
        (InvalidValue, Warning, 7, "$.annotation[2].confidence"),
        (Syntax, Error, 8, "$"),
        (Syntax, Error, 10, "$"),
        (WrongType, Error, 11, "$"),
        (InvalidValue, Warning, 12, "$.annotation[0].type"),
        (
            OutOfBounds,
            Error,
            12,
            "$.annotation[0].property.@modelarts:end_index",
        ),
        (
            InvalidValue,
            Error,
            13,
            "$.annotation[0].property.@modelarts:end_index",
        ),
        (
            WrongType,
            Error,
            13,
            "$.annotation[1].property.@modelarts:start_index",
        ),
        (
            InvalidValue,
            Error,
            13,
            "$.annotation[1].property.@modelarts:end_index",
        ),
        (DuplicateId, Warning, 14, "$.annotation[2].id"),
        (
            UnknownReference,
            Error,
            14,
            "$.annotation[0].property.@modelarts:to",
        ),
        (
            InvalidValue,
            Error,
            15,
            "$.annotation[0].property.@modelarts:start_time",
        ),
        (
            InvalidValue,
            Error,
            15,
            "$.annotation[1].property.@modelarts:end_time",
        ),
        (
            MissingField,
            Error,
            15,
            "$.annotation[2].property.@modelarts:content",
        ),
        (MissingField, Error, 16, "$.annotation[0].annotation-loc"),
        (InvalidValue, Error, 16, "$.annotation[1].annotation-format"),
        (MissingField, Error, 17, "$.annotation[0].type"),
        (WrongType, Error, 17, "$.annotation[1]"),
        (WrongType, Warning, 17, "$.annotation[2].annotated-by"),
        (WrongType, Warning, 17, "$.annotation[2].hard"),
        (
            InvalidValue,
            Warning,
            17,
            "$.annotation[2].hard-coefficient",
        ),
        (WrongType, Warning, 18, "$.property"),
        (InvalidValue, Warning, 18, "$.annotations"),
    ];
    assert_eq!(problems(&sink), expected);
    assert!(
        sink.problems
            .iter()
            .all(|p| p.file == "data/V001.manifest" && !p.message.is_empty())
    );
    assert_eq!(
        stats,
        ManifestStats {
            lines: 18,
            samples: 11,
            rejected: 6
        }
    );
    let lines: Vec<u64> = sink.samples.iter().map(|s| s.line).collect();
    assert_eq!(lines, [1, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18]);

    let by_line = |line: u64| sink.samples.iter().find(|s| s.line == line).unwrap();
    // Kept with warnings: no usage, not hard, no sample type.
    let five = by_line(5);
    assert_eq!(
        (five.usage.as_deref(), five.hard, five.sample_type),
        (None, false, None)
    );
    // The good label of line 7 stays, trimmed, without its bad confidence.
    let seven = &by_line(7).annotations;
    assert_eq!(
        (seven.len(), seven[0].label.as_str(), seven[0].confidence),
        (1, "dog", None)
    );
    // The relation to a missing entity goes, both entities stay.
    let labels: Vec<&str> = by_line(14)
        .annotations
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(labels, ["Person", "City"]);
    assert!(by_line(15).annotations.is_empty() && by_line(16).annotation_files.is_empty());
    assert!(by_line(18).annotations.is_empty() && by_line(18).property.is_empty());

    let find = |line: u64, path: &str| {
        sink.problems
            .iter()
            .find(|p| p.line == Some(line) && p.json_path.as_deref() == Some(path))
            .unwrap()
    };
    let unknown = find(7, "$.annotation[1].type");
    assert_eq!(unknown.found.as_deref(), Some("modelarts/keypoints"));
    assert!(
        unknown
            .expected
            .as_deref()
            .unwrap()
            .contains("text_triplet")
    );
    let time = find(15, "$.annotation[0].property.@modelarts:start_time");
    assert_eq!(time.found.as_deref(), Some("\"00:01:10,123\""));
    assert!(time.expected.as_deref().unwrap().contains("hh:mm:ss.SSS"));
    let bounds = find(12, "$.annotation[0].property.@modelarts:end_index");
    assert_eq!(
        (bounds.found.as_deref(), bounds.expected.as_deref()),
        (
            Some("20"),
            Some("at most 11, the text's length in characters")
        )
    );
    let reference = find(14, "$.annotation[0].property.@modelarts:to");
    assert_eq!(
        (reference.found.as_deref(), reference.expected.as_deref()),
        (Some("E3"), Some("one of E1"))
    );
    assert!(find(10, "$").message.contains("pretty-printed"));
    assert!(find(8, "$").message.contains("column"));
    let mixed = find(12, "$.annotation[0].type");
    assert!(
        mixed
            .message
            .contains("line 1 has modelarts/image_classification")
    );
}

#[test]
fn mixed_label_types_warn_once_and_triplets_are_one_type() {
    let text = concat!(
        r#"{"source":"content://ab","annotation":[{"type":"text_triplet","name":"r","property":{"@modelarts:from":"E1","@modelarts:to":"E2"}},{"type":"text_entity","id":"E1","name":"a","property":{"@modelarts:start_index":0,"@modelarts:end_index":1}},{"type":"text_entity","id":"E2","name":"b","property":{"@modelarts:start_index":1,"@modelarts:end_index":2}}]}"#,
        "\n",
        r#"{"source":"content://ab","annotation":[{"type":"text_classification","name":"x"}]}"#,
        "\n",
        r#"{"source":"s3://a.wav","annotation":[{"type":"audio_content","property":{"@modelarts:content":"x"}}]}"#,
        "\n",
    );
    let (sink, _) = read_bytes(text.as_bytes());
    assert_eq!(
        problems(&sink),
        [(InvalidValue, Warning, 2, "$.annotation[0].type")]
    );
    assert_eq!(sink.samples[0].annotations.len(), 3);
}

#[test]
fn non_utf8_line_is_reported_and_the_next_read() {
    let (sink, stats) =
        read_bytes(b"{\"source\":\"s3://a/\xC4\xE3.jpg\"}\n{\"source\":\"s3://b\"}\n");
    assert_eq!(problems(&sink), [(NotUtf8, Error, 1, "$")]);
    assert_eq!(
        sink.problems[0].found.as_deref(),
        Some("bytes 0xC4 0xE3 0x2E 0x6A")
    );
    assert_eq!((stats.samples, stats.rejected), (1, 1));
    assert_eq!(sink.samples[0].line, 2);
}

#[test]
fn utf16_file_is_one_problem() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "{\"source\":\"s3://a\"}\n{\"source\":\"s3://b\"}\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let (sink, stats) = read_bytes(&bytes);
    assert_eq!(problems(&sink), [(NotUtf8, Error, 1, "$")]);
    assert_eq!((stats.samples, stats.rejected), (0, 1));
}

#[test]
fn bom_crlf_and_blank_lines_are_fine() {
    let text = "\u{feff}{\"source\":\"s3://a\"}\r\n\r\n   \n{\"source\":\"s3://b\"}\r\n";
    let (sink, stats) = read_bytes(text.as_bytes());
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!(
        stats,
        ManifestStats {
            lines: 4,
            samples: 2,
            rejected: 0
        }
    );
    assert_eq!(sink.samples[1].line, 4);
}

#[test]
fn deep_nesting_is_a_problem_not_a_panic() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let text = format!(
        "{{\"source\":\"s3://a\",\"annotation\":{}}}\n{}\n{{\"source\":\"s3://b\",\"annotation\":[{{\"type\":\"image_classification\",\"name\":\"x\",\"property\":{:?}}}]}}\n",
        deep(200),
        deep(1_000_000),
        deep(500),
    );
    let (sink, stats) = read_bytes(text.as_bytes());
    assert_eq!(
        problems(&sink),
        [
            (TooDeep, Error, 1, "$"),
            (TooDeep, Error, 2, "$"),
            (WrongType, Warning, 3, "$.annotation[0].property")
        ]
    );
    assert_eq!(
        sink.problems[0].expected.as_deref(),
        Some("at most 128 levels of nesting")
    );
    assert_eq!((stats.samples, stats.rejected), (1, 2));
}

/// Yields `prefix`, then `count` bytes of `fill`, then `suffix`, without holding the middle.
struct Long {
    prefix: &'static [u8],
    fill: std::io::Take<std::io::Repeat>,
    suffix: &'static [u8],
}

impl Read for Long {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.prefix.is_empty() {
            return self.prefix.read(buf);
        }
        match self.fill.read(buf)? {
            0 => self.suffix.read(buf),
            n => Ok(n),
        }
    }
}

#[test]
fn a_line_over_the_limit_is_skipped_and_the_next_read() {
    let reader = Long {
        prefix: b"{\"source\":\"s3://a\",\"id\":\"",
        fill: std::io::repeat(b'x').take(MAX_LINE_BYTES as u64 + 10),
        suffix: b"\"}\n{\"source\":\"s3://b\"}\n",
    };
    let mut sink = Collect::default();
    let stats = read(BufReader::new(reader), "big.manifest", &mut sink);
    assert_eq!(problems(&sink), [(TooLarge, Error, 1, "$")]);
    let expected_bytes = 25 + MAX_LINE_BYTES + 10 + 2;
    assert_eq!(
        sink.problems[0].found.as_deref(),
        Some(format!("{expected_bytes} bytes").as_str())
    );
    assert_eq!(
        stats,
        ManifestStats {
            lines: 2,
            samples: 1,
            rejected: 1
        }
    );
    assert_eq!(sink.samples[0].source, object("s3://b"));
}

/// Fails after `ok` bytes.
struct Failing<'a> {
    ok: &'a [u8],
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok.is_empty() {
            return Err(std::io::Error::other("connection reset"));
        }
        self.ok.read(buf)
    }
}

#[test]
fn a_read_error_stops_with_one_problem() {
    let reader = Failing {
        ok: b"{\"source\":\"s3://a\"}\n{\"sou",
    };
    let mut sink = Collect::default();
    let stats = read(BufReader::new(reader), "m.manifest", &mut sink);
    assert_eq!(problems(&sink), [(Unreadable, Error, 2, "$")]);
    assert!(sink.problems[0].message.contains("connection reset"));
    assert_eq!(stats.samples, 1);
}

// ---------------------------------------------------------------- streaming

/// Writes `total` sample lines on demand; every 10 000th line has a numeric source.
struct Generated {
    next: u64,
    total: u64,
    pending: Vec<u8>,
    at: usize,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            if self.next == self.total {
                return Ok(0);
            }
            self.next += 1;
            let n = self.next;
            self.pending = if n.is_multiple_of(10_000) {
                format!("{{\"source\":{n}}}\n").into_bytes()
            } else {
                format!(
                    "{{\"source\":\"s3://bucket/img/{n}.jpg\",\"usage\":\"TRAIN\",\"annotation\":[{{\"type\":\"modelarts/image_classification\",\"name\":\"c{}\"}}]}}\n",
                    n % 7
                )
                .into_bytes()
            };
            self.at = 0;
        }
        let n = (self.pending.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[derive(Default)]
struct Count {
    samples: u64,
    last_line: u64,
    labels: HashMap<String, u64>,
    problem_lines: Vec<u64>,
}

impl ManifestSink for Count {
    fn sample(&mut self, sample: ManifestSample) {
        assert!(sample.line > self.last_line);
        self.last_line = sample.line;
        self.samples += 1;
        for a in sample.annotations {
            *self.labels.entry(a.label).or_default() += 1;
        }
    }
    fn problem(&mut self, problem: Problem) {
        self.problem_lines.push(problem.line.unwrap());
    }
}

#[test]
fn streams_a_hundred_thousand_lines() {
    let reader = Generated {
        next: 0,
        total: 100_000,
        pending: Vec::new(),
        at: 0,
    };
    let mut sink = Count::default();
    let stats = read(BufReader::new(reader), "big.manifest", &mut sink);
    assert_eq!(
        stats,
        ManifestStats {
            lines: 100_000,
            samples: 99_990,
            rejected: 10
        }
    );
    assert_eq!(sink.samples, 99_990);
    assert_eq!(sink.last_line, 99_999);
    assert_eq!(
        sink.problem_lines,
        (1..=10).map(|i| i * 10_000).collect::<Vec<_>>()
    );
    assert_eq!(sink.labels.len(), 7);
    assert_eq!(sink.labels.values().sum::<u64>(), 99_990);
}

// ---------------------------------------------------------------- detection

fn summary(paths: &[&str]) -> ListingSummary {
    let mut s = ListingSummary::default();
    for p in paths {
        s.add(p);
    }
    s
}

fn heads(files: &[(&str, &str)]) -> impl Fn(&str) -> Option<Vec<u8>> + use<> {
    let map: HashMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
    move |p| map.get(p).cloned()
}

fn confidence(v: &Verdict) -> f32 {
    match v {
        Verdict::Match { confidence, .. } => *confidence,
        Verdict::Reject { reason } => panic!("rejected: {reason}"),
    }
}

fn reason(v: &Verdict) -> &str {
    match v {
        Verdict::Reject { reason } => reason,
        Verdict::Match { .. } => panic!("matched: {v:?}"),
    }
}

const SAMPLE_LINE: &str = r#"{"source":"s3://b/a.jpg","annotation":[{"type":"modelarts/image_classification","name":"cat"}]}"#;

#[test]
fn detects_a_manifest_by_its_first_line() {
    let s = summary(&["V001/V001.manifest", "a.jpg"]);
    let head = heads(&[(
        "V001/V001.manifest",
        &format!("\n\n{SAMPLE_LINE}\n{SAMPLE_LINE}\n"),
    )]);
    let v = detect(&s, &head);
    assert_eq!(confidence(&v), 0.9);
    let Verdict::Match { reasons, .. } = v else {
        unreachable!()
    };
    assert!(
        reasons[0].starts_with("V001/V001.manifest: "),
        "{reasons:?}"
    );
}

#[test]
fn a_first_line_cut_by_the_head_still_counts() {
    let s = summary(&["a.manifest"]);
    let long = format!(
        r#"{{"annotation":[{{"type":"modelarts/object_detection","annotation-loc":"s3://x.xml"}}],"source":"s3://b/{}"#,
        "x".repeat(100)
    );
    assert_eq!(
        confidence(&detect(&s, &heads(&[("a.manifest", &long)]))),
        0.9
    );
    // ... but a complete first line must be valid JSON.
    let broken = format!("{{\"source\":\"s3://a\",}}\n{SAMPLE_LINE}\n");
    let v = detect(&s, &heads(&[("a.manifest", &broken)]));
    assert!(reason(&v).contains("not valid JSON"), "{v:?}");
}

#[test]
fn detects_jsonl_and_json_lines_at_lower_confidence() {
    let s = summary(&["labels.jsonl"]);
    assert_eq!(
        confidence(&detect(&s, &heads(&[("labels.jsonl", SAMPLE_LINE)]))),
        0.7
    );
    let s = summary(&["labels.json"]);
    assert_eq!(
        confidence(&detect(&s, &heads(&[("labels.json", SAMPLE_LINE)]))),
        0.6
    );
}

#[test]
fn rejects_with_a_reason() {
    let none = summary(&["a.jpg", "b.txt"]);
    assert_eq!(
        reason(&detect(&none, &heads(&[]))),
        "no .manifest, .jsonl or .json files"
    );

    let windows = summary(&["app.manifest"]);
    let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    assert!(
        reason(&detect(&windows, &heads(&[("app.manifest", xml)])))
            .starts_with("app.manifest: its first line is not a JSON object"),
    );

    let coco = summary(&["annotations/instances_val.json"]);
    let pretty = "{\n  \"info\": {},\n  \"images\": []\n}\n";
    assert!(
        reason(&detect(
            &coco,
            &heads(&[("annotations/instances_val.json", pretty)])
        ))
        .contains("only \"{\"")
    );
    let minified = r#"{"info":{"description":"source: x"},"images":[{"id":1,"file_name":"a.jpg"#;
    assert_eq!(
        reason(&detect(
            &coco,
            &heads(&[("annotations/instances_val.json", minified)])
        )),
        "annotations/instances_val.json: a COCO file (top-level key \"info\"), not one sample a line"
    );

    let other = summary(&["texts.jsonl"]);
    let line = "{\"text\":\"hi\",\"label\":{\"source\":1}}\n";
    assert_eq!(
        reason(&detect(&other, &heads(&[("texts.jsonl", line)]))),
        "texts.jsonl: its first line is a JSON object without a \"source\" key (keys: text, label)"
    );

    let blank = summary(&["empty.manifest"]);
    assert!(reason(&detect(&blank, &heads(&[("empty.manifest", "\n \n")]))).contains("empty"));
}

#[test]
fn an_unreadable_manifest_is_a_weak_match() {
    let s = summary(&["a.manifest"]);
    assert_eq!(confidence(&detect(&s, &heads(&[]))), 0.5);
    let s = summary(&["a.jsonl"]);
    assert!(reason(&detect(&s, &heads(&[]))).starts_with("could not read"));
}
