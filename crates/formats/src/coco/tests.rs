use super::*;

#[derive(Default)]
struct Collect {
    labels: Vec<LabelDef>,
    images: Vec<CocoImage>,
    annotations: Vec<(i64, Annotation)>,
    problems: Vec<Problem>,
}

impl CocoSink for Collect {
    fn labels(&mut self, labels: Vec<LabelDef>) {
        self.labels = labels;
    }
    fn image(&mut self, image: &CocoImage) {
        self.images.push(image.clone());
    }
    fn annotation(&mut self, image: u32, annotation: Annotation) {
        let image_id = self.images[image as usize].id;
        self.annotations.push((image_id, annotation));
    }
    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

fn read_text(text: &str) -> (Collect, CocoStats) {
    let mut sink = Collect::default();
    let stats = read(
        || Ok(text.as_bytes()),
        "annotations/instances_val.json",
        &mut sink,
    );
    (sink, stats)
}

/// (code, line, json path) of every problem.
fn problems(sink: &Collect) -> Vec<(ProblemCode, Option<u64>, Option<&str>)> {
    sink.problems
        .iter()
        .map(|p| (p.code, p.line, p.json_path.as_deref()))
        .collect()
}

const INSTANCES: &str = r#"{
  "info": {"description": "test"},
  "images": [
    {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
    {"id": 2, "file_name": "sub/b.jpg", "width": 100, "height": 50},
    {"id": 3, "file_name": "empty.jpg", "width": 10, "height": 10}
  ],
  "annotations": [
    {"id": 10, "image_id": 1, "category_id": 7, "bbox": [10, 20, 30, 40], "area": 1200, "iscrowd": 0,
     "segmentation": [[10, 20, 40, 20, 40, 60], [1, 1, 2, 1, 2, 2]]},
    {"id": 11, "image_id": 2, "category_id": 8, "bbox": [0, 0, 100, 50], "iscrowd": 1,
     "segmentation": {"size": [50, 100], "counts": "PPYo0"}},
    {"id": 12, "image_id": 2, "category_id": 7, "bbox": [1, 2, 3, 4], "score": 0.87}
  ],
  "categories": [
    {"id": 7, "name": "car", "supercategory": "vehicle"},
    {"id": 8, "name": "crowd", "supercategory": ""}
  ]
}"#;

#[test]
fn reads_instances_with_categories_last() {
    let (sink, stats) = read_text(INSTANCES);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!(
        stats,
        CocoStats {
            images: 3,
            categories: 2,
            records: 3,
            rejected: 0
        }
    );
    assert_eq!(
        sink.images
            .iter()
            .map(|i| i.file_name.as_str())
            .collect::<Vec<_>>(),
        ["a.jpg", "sub/b.jpg", "empty.jpg"]
    );
    assert_eq!(
        (sink.images[1].width, sink.images[1].height),
        (Some(100), Some(50))
    );
    assert_eq!(
        sink.labels
            .iter()
            .map(|l| (l.name.as_str(), l.source_id, l.parent.as_deref()))
            .collect::<Vec<_>>(),
        [("car", Some(7), Some("vehicle")), ("crowd", Some(8), None)]
    );

    // One annotation per record: the polygon, bounded by the record's bbox.
    let first: Vec<(&Shape, Option<[f64; 4]>)> = sink
        .annotations
        .iter()
        .filter(|(_, a)| a.attributes["coco_id"] == 10)
        .map(|(_, a)| (&a.shape, a.bounds))
        .collect();
    assert_eq!(
        first,
        [(
            &Shape::Polygon {
                rings: vec![
                    vec![[10.0, 20.0], [40.0, 20.0], [40.0, 60.0]],
                    vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0]]
                ]
            },
            Some([10.0, 20.0, 40.0, 60.0])
        )]
    );
    let crowd: Vec<&Annotation> = sink
        .annotations
        .iter()
        .filter(|(id, _)| *id == 2)
        .map(|(_, a)| a)
        .filter(|a| a.label == "crowd")
        .collect();
    assert_eq!(crowd.len(), 1);
    // A crowd region is kept as such; it is not a difficult one.
    assert_eq!(crowd[0].attributes[ISCROWD], true);
    assert!(!crowd[0].difficult);
    assert!(matches!(
        crowd[0].shape,
        Shape::RleMask {
            height: 50,
            width: 100,
            ..
        }
    ));
    // A record with a box alone is a box, with no separate bounds.
    let boxed = sink
        .annotations
        .iter()
        .find(|(_, a)| a.attributes["coco_id"] == 12)
        .unwrap();
    assert_eq!(
        (&boxed.1.shape, boxed.1.bounds),
        (
            &Shape::Box {
                x_min: 1.0,
                y_min: 2.0,
                x_max: 4.0,
                y_max: 6.0
            },
            None
        )
    );
    let scored = sink
        .annotations
        .iter()
        .find(|(_, a)| a.attributes["coco_id"] == 12)
        .unwrap();
    assert_eq!(
        (
            scored.1.confidence,
            scored.1.label.as_str(),
            scored.1.source_format.as_str()
        ),
        (Some(0.87), "car", "coco")
    );
    assert!(
        !sink.annotations.iter().any(|(id, _)| *id == 3),
        "an image without annotations is still an image"
    );
}

#[test]
fn reads_keypoints_and_captions() {
    let text = r#"{"categories": [{"id": 1, "name": "person", "keypoints": ["nose", "left_eye"], "skeleton": [[1, 2]]}],
      "images": [{"id": 5, "file_name": "p.jpg", "width": 20, "height": 20}],
      "annotations": [{"id": 1, "image_id": 5, "category_id": 1, "keypoints": [1, 2, 2, 3, 4, 1], "num_keypoints": 2},
                      {"id": 2, "image_id": 5, "caption": "A person stands."}]}"#;
    let (sink, _) = read_text(text);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!(sink.labels[0].attributes, ["nose", "left_eye"]);
    assert_eq!(
        sink.annotations[0].1.shape,
        Shape::Keypoints {
            points: vec![[1.0, 2.0, 2.0], [3.0, 4.0, 1.0]]
        }
    );
    assert_eq!(sink.annotations[0].1.attributes["num_keypoints"], 2);
    assert_eq!(
        (
            sink.annotations[1].1.label.as_str(),
            &sink.annotations[1].1.shape
        ),
        (
            "caption",
            &Shape::Text {
                text: "A person stands.".into()
            }
        )
    );
}

#[test]
fn bad_records_are_problems_with_their_place_and_the_rest_reads() {
    let text = r#"{"images": [
  {"id": 1, "file_name": "a.jpg", "width": 100, "height": 100},
  {"id": 1, "file_name": "dup.jpg"},
  {"id": "two", "file_name": "b.jpg"},
  {"file_name": "no-id.jpg"}
 ],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]},
  {"id": 2, "image_id": 1, "category_id": 1, "bbox": "1,2,3,4"},
  {"id": 3, "image_id": 99, "category_id": 1, "bbox": [1, 2, 3, 4]},
  {"id": 4, "image_id": 1, "category_id": 42, "bbox": [1, 2, 3, 4]},
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]},
  {"id": 6, "image_id": 1, "category_id": 1, "bbox": [1, 2, -3, 4]},
  {"id": 7, "image_id": 1, "category_id": 1, "bbox": [90, 90, 30, 30]},
  {"id": 8, "image_id": 1, "category_id": 1, "bbox": [1e300, 2, 3, 4]},
  {"id": 9, "image_id": 1, "category_id": 1, "segmentation": [[1, 2, 3]]},
  {"id": 10, "image_id": 1},
  {"id": 11, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4],},
  {"id": 12, "image_id": 1, "category_id": 1, "bbox": [5, 5, 5, 5]}
 ],
 "categories": [{"id": 1, "name": "cat"}]}"#;
    let (sink, stats) = read_text(text);
    assert_eq!(
        problems(&sink),
        vec![
            (ProblemCode::DuplicateId, Some(3), Some("$.images[1]")),
            (ProblemCode::WrongType, Some(4), Some("$.images[2].id")),
            (ProblemCode::MissingField, Some(5), Some("$.images[3].id")),
            (
                ProblemCode::WrongType,
                Some(9),
                Some("$.annotations[1].bbox")
            ),
            (
                ProblemCode::UnknownReference,
                Some(10),
                Some("$.annotations[2].image_id")
            ),
            (
                ProblemCode::UnknownReference,
                Some(11),
                Some("$.annotations[3].category_id")
            ),
            (
                ProblemCode::DuplicateId,
                Some(12),
                Some("$.annotations[4].id")
            ),
            (
                ProblemCode::InvalidValue,
                Some(13),
                Some("$.annotations[5].bbox")
            ),
            (
                ProblemCode::OutOfBounds,
                Some(14),
                Some("$.annotations[6].bbox")
            ),
            (
                ProblemCode::InvalidValue,
                Some(15),
                Some("$.annotations[7].bbox")
            ),
            (
                ProblemCode::InvalidValue,
                Some(16),
                Some("$.annotations[8].segmentation")
            ),
            (
                ProblemCode::MissingField,
                Some(17),
                Some("$.annotations[9].category_id")
            ),
            (ProblemCode::Syntax, Some(18), Some("$.annotations[10]")),
        ]
    );
    let wrong = &sink.problems[3];
    assert_eq!(
        (wrong.field.as_deref(), wrong.found.as_deref()),
        (Some("bbox"), Some("\"1,2,3,4\""))
    );
    assert!(wrong.expected.as_deref().unwrap().contains("four numbers"));
    assert_eq!(
        sink.problems[8].severity,
        wharf_model::Severity::Warning,
        "out of bounds is kept"
    );
    let kept: Vec<i64> = sink
        .annotations
        .iter()
        .map(|(_, a)| a.attributes["coco_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        kept,
        [1, 7, 9, 12],
        "the good records and the kept warnings"
    );
    assert_eq!((stats.records, stats.rejected), (12, 8));
}

#[test]
fn file_level_damage_is_reported_once_and_what_came_before_stands() {
    let (sink, _) = read_text(
        "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"categories\": [{\"id\": 1, \"name\": \"x\"}],\n\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1},\n{\"id\": 2, \"ima",
    );
    assert_eq!(
        problems(&sink),
        vec![(ProblemCode::Truncated, Some(3), None)]
    );
    assert_eq!(sink.annotations.len(), 1);
    let (sink, _) = read_text("[{\"id\": 1}]");
    assert_eq!(problems(&sink)[0].0, ProblemCode::LayoutMismatch);
    let (sink, _) = read_text("{\"images\": [1, 2], \"annotations\": [[[[]]]]}");
    assert_eq!(
        sink.problems.iter().map(|p| p.code).collect::<Vec<_>>(),
        [
            ProblemCode::WrongType,
            ProblemCode::WrongType,
            ProblemCode::WrongType
        ]
    );
}

#[test]
fn an_unopenable_file_is_one_problem() {
    let mut sink = Collect::default();
    read(
        || Err::<&[u8], _>(std::io::Error::other("gone")),
        "x.json",
        &mut sink,
    );
    assert_eq!(problems(&sink), vec![(ProblemCode::Unreadable, None, None)]);
}

#[test]
fn detection_looks_for_coco_keys_and_names() {
    let mut summary = ListingSummary::default();
    for p in [
        "images/a.jpg",
        "images/b.jpg",
        "annotations/instances_train.json",
        "notes.json",
    ] {
        summary.add(p);
    }
    let head = |p: &str| match p {
        "annotations/instances_train.json" => Some(br#"{"info": {}, "images": [{"id": 1"#.to_vec()),
        _ => Some(br#"{"hello": 1}"#.to_vec()),
    };
    match detect(&summary, &head) {
        Verdict::Match {
            confidence,
            reasons,
        } => {
            assert!(confidence > 0.9);
            assert!(
                reasons.iter().any(|r| r.contains("instances_train.json")),
                "{reasons:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        annotation_files(&summary, &head),
        ["annotations/instances_train.json"]
    );
    let none = |_: &str| Some(b"{\"hello\": 1}".to_vec());
    assert!(
        matches!(detect(&summary, &none), Verdict::Reject { reason } if reason.contains("COCO keys"))
    );
    assert!(
        matches!(detect(&ListingSummary::default(), &none), Verdict::Reject { reason } if reason.contains("no .json"))
    );
}

#[test]
fn many_batches_come_back_in_file_order() {
    const RECORDS: usize = 20_000;
    let mut text = String::from(
        "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 100}],\n\"annotations\": [\n",
    );
    for i in 0..RECORDS {
        // Every 997th record names a missing image; every 1499th repeats the id before it.
        let image = if i % 997 == 0 { 2 } else { 1 };
        let id = if i % 1499 == 1 { i - 1 } else { i };
        let sep = if i + 1 < RECORDS { "," } else { "" };
        text.push_str(&format!("{{\"id\": {id}, \"image_id\": {image}, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}}{sep}\n"));
    }
    text.push_str("],\n\"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
    let (sink, stats) = read_text(&text);
    let lines: Vec<u64> = sink.problems.iter().map(|p| p.line.unwrap()).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "problems in file order"
    );
    let unknown = sink
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::UnknownReference)
        .count();
    let duplicate: Vec<&Problem> = sink
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::DuplicateId)
        .collect();
    assert_eq!(unknown, RECORDS.div_ceil(997));
    assert_eq!(
        duplicate.len(),
        (0..RECORDS).filter(|i| i % 1499 == 1).count()
    );
    assert_eq!(
        duplicate[0].json_path.as_deref(),
        Some("$.annotations[1].id")
    );
    assert_eq!(duplicate[0].line, Some(4));
    let ids: Vec<i64> = sink
        .annotations
        .iter()
        .map(|(_, a)| a.attributes["coco_id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "annotations in file order"
    );
    assert_eq!(stats.records, RECORDS as u64);
    assert_eq!(stats.rejected as usize, unknown + duplicate.len());
    assert_eq!(ids.len(), RECORDS - unknown - duplicate.len());
}

#[test]
fn box_corners_keep_the_decimals_of_their_terms() {
    let text = r#"{"images": [{"id": 1, "file_name": "a.jpg"}],
      "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [398.63, 56.13, 87.72, 29.05]}],
      "categories": [{"id": 1, "name": "car"}]}"#;
    let (sink, _) = read_text(text);
    assert_eq!(
        serde_json::to_string(&sink.annotations[0].1.shape).unwrap(),
        r#"{"type":"box","x_min":398.63,"y_min":56.13,"x_max":486.35,"y_max":85.18}"#
    );
}

#[test]
fn annotation_ids_are_told_apart_in_the_bitmap_and_beyond_it() {
    let mut ids = super::IdSet::default();
    let far = i64::try_from(super::IdSet::DENSE).unwrap_or(i64::MAX) + 5;
    for id in [0, 1, 63, 64, 1_000_000, far, -3, i64::MAX, i64::MIN] {
        assert!(ids.insert(id), "{id} is new");
    }
    for id in [0, 1, 63, 64, 1_000_000, far, -3, i64::MAX, i64::MIN] {
        assert!(!ids.insert(id), "{id} was seen");
    }
    assert!(ids.insert(2));
    assert!(ids.insert(far + 1));
}

#[test]
fn images_are_found_by_any_id_at_their_place_in_file_order() {
    let mut index = ImageIndex::default();
    index.insert(5, Some(640), Some(480));
    index.insert(-3, None, Some(10));
    index.insert(1 << 40, Some(1), Some(2));
    index.insert(0, Some(7), None);
    assert_eq!(index.get(5), Some((0, Some(640), Some(480))));
    assert_eq!(index.get(-3), Some((1, None, Some(10))));
    assert_eq!(index.get(1 << 40), Some((2, Some(1), Some(2))));
    assert_eq!(index.get(0), Some((3, Some(7), None)));
    for missing in [1, 4, 6, -1, 1 << 22, i64::MAX, i64::MIN] {
        assert_eq!(index.get(missing), None, "{missing}");
        assert!(!index.contains(missing));
    }
}

#[test]
fn a_keypoints_record_with_an_outline_is_one_annotation_with_its_outline_as_a_part() {
    let text = r#"{"images": [{"id": 5, "file_name": "p.jpg", "width": 100, "height": 100}],
      "annotations": [{"id": 1, "image_id": 5, "category_id": 1, "bbox": [10, 10, 20, 40],
                       "segmentation": [[10, 10, 30, 10, 30, 50]],
                       "keypoints": [15, 12, 2, 0, 0, 0], "num_keypoints": 1}],
      "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "left_eye"]}]}"#;
    let (sink, stats) = read_text(text);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!((stats.records, sink.annotations.len()), (1, 1));
    let person = &sink.annotations[0].1;
    assert!(matches!(&person.shape, Shape::Keypoints { points } if points.len() == 2));
    assert_eq!(person.bounds, Some([10.0, 10.0, 30.0, 50.0]));
    assert_eq!(
        person.parts,
        [AnnotationPart {
            label: "person".to_owned(),
            shape: Shape::Polygon {
                rings: vec![vec![[10.0, 10.0], [30.0, 10.0], [30.0, 50.0]]]
            }
        }]
    );
}

#[test]
fn captions_with_category_zero_are_captions_as_pycocotools_reads_them() {
    let text = r#"{"images": [{"id": 5, "file_name": "p.jpg"}],
      "annotations": [{"id": 1, "image_id": 5, "category_id": 0, "caption": "Two dogs."},
                      {"id": 2, "image_id": 5, "category_id": 3, "bbox": [1, 1, 2, 2]}],
      "categories": []}"#;
    let (sink, _) = read_text(text);
    assert_eq!(sink.annotations.len(), 1);
    let caption = &sink.annotations[0].1;
    assert_eq!(
        (caption.label.as_str(), &caption.shape),
        (
            "caption",
            &Shape::Text {
                text: "Two dogs.".to_owned()
            }
        )
    );
    // A box naming a missing category is still refused.
    assert_eq!(
        problems(&sink),
        [(
            ProblemCode::UnknownReference,
            Some(3),
            Some("$.annotations[1].category_id")
        )]
    );
}

#[test]
fn boxes_without_area_are_kept_with_a_warning() {
    let text = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
      "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 2, 0, 5]}],
      "categories": [{"id": 1, "name": "pole"}]}"#;
    let (sink, _) = read_text(text);
    assert_eq!(sink.annotations.len(), 1);
    assert_eq!(sink.problems.len(), 1, "{:?}", sink.problems);
    let warning = &sink.problems[0];
    assert_eq!(
        (warning.severity, warning.code, warning.json_path.as_deref()),
        (
            wharf_model::Severity::Warning,
            ProblemCode::InvalidValue,
            Some("$.annotations[0].bbox")
        )
    );
    assert!(warning.message.contains("no area"), "{}", warning.message);
}

#[test]
fn panoptic_segments_are_annotations_of_their_png() {
    let text = r#"{"info": {}, "licenses": [],
      "images": [{"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426}],
      "annotations": [{"image_id": 139, "file_name": "000000000139.png", "segments_info": [
          {"id": 3226956, "category_id": 1, "iscrowd": 0, "bbox": [413, 158, 53, 138], "area": 2840},
          {"id": 6979964, "category_id": 200, "iscrowd": 1, "bbox": [0, 0, 640, 426], "area": 9000},
          {"id": 42, "category_id": 77, "bbox": [0, 0, 1, 1]}]}],
      "categories": [{"id": 1, "name": "person", "isthing": 1}, {"id": 200, "name": "wall-other-merged", "isthing": 0}]}"#;
    let mut sink = Collect::default();
    read(
        || Ok(text.as_bytes()),
        "annotations/panoptic_val2017.json",
        &mut sink,
    );
    let segments: Vec<(&str, &Shape, bool)> = sink
        .annotations
        .iter()
        .map(|(_, a)| {
            (
                a.label.as_str(),
                &a.shape,
                a.attributes.contains_key(ISCROWD),
            )
        })
        .collect();
    let mask = |value| Shape::SegmentMask {
        file: "annotations/panoptic_val2017/000000000139.png".to_owned(),
        value,
    };
    assert_eq!(
        segments,
        [
            ("person", &mask(3226956), false),
            ("wall-other-merged", &mask(6979964), true)
        ]
    );
    assert_eq!(
        sink.annotations[0].1.bounds,
        Some([413.0, 158.0, 466.0, 296.0])
    );
    assert_eq!(
        problems(&sink),
        [(
            ProblemCode::UnknownReference,
            Some(3),
            Some("$.annotations[0].segments_info[2].category_id")
        )]
    );
    assert!(is_panoptic_mask(
        "annotations/panoptic_val2017/000000000139.png"
    ));
    assert!(!is_panoptic_mask("val2017/000000000139.png"));
}

#[test]
fn file_names_give_the_split() {
    let usage = |f| usage_of_file(f);
    assert_eq!(usage("annotations/instances_train2017.json"), Some("train"));
    assert_eq!(
        usage("annotations/person_keypoints_val2017.json"),
        Some("eval")
    );
    assert_eq!(
        usage("annotations/image_info_test-dev2017.json"),
        Some("test")
    );
    assert_eq!(usage("annotations/instances_default.json"), None);
    assert_eq!(usage("trainval.json"), None);
}
