//! Telling a KITTI tree from the listing: its folder names, six-digit frame ids, and the heads
//! of a label and a calibration file.

use std::collections::{BTreeMap, BTreeSet};

use crate::detect::file_name;
use crate::{ListingSummary, Verdict};

use super::labels::is_object_line;
use super::tree::{KittiFolder, is_frame_id, locate};

/// Label or calibration files whose heads are looked at, at most.
const FILES_LOOKED_AT: usize = 3;

/// Lines of a label file checked.
const LINES_LOOKED_AT: usize = 5;

/// What `head` returns at most: a last line reaching this far may be cut.
const HEAD_BYTES: usize = 64 * 1024;

/// Files that list frames: split lists (`ImageSets/train.txt` in OpenPCDet and
/// MMDetection3D) and the devkit's mapping to the raw recordings.
const FRAME_LISTS: &[&str] = &[
    "train.txt",
    "val.txt",
    "trainval.txt",
    "test.txt",
    "train_mapping.txt",
    "train_rand.txt",
];

/// The KITTI object detection tree.
pub struct KittiLayout;

impl crate::Layout for KittiLayout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn description(&self) -> &'static str {
        "KITTI object detection: training/testing with image_2, label_2, velodyne, calib"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    /// The devkit, lists of frames (splits, the mapping to raw data), and what training tools
    /// derive from the frames (`kitti_infos_train.pkl`, `kitti_gt_database/`): they hold no
    /// frame of their own.
    fn is_structure(&self, path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        let name = file_name(&lower);
        let mut folders = lower.split('/').rev().skip(1);
        folders.any(|c| c.starts_with("devkit") || c == "imagesets" || c.ends_with("gt_database"))
            || FRAME_LISTS.contains(&name)
            || (name.ends_with(".pkl") && name.contains("infos"))
    }
}

/// Judges whether the source is a KITTI object tree: `image_2/`, `label_2/`, `velodyne/` and
/// `calib/` folders, in `training/` and `testing/` or anywhere.
pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let survey = Survey::of(summary);
    let Some(found) = survey.kitti_folders() else {
        return Verdict::Reject {
            reason: survey.rejection(),
        };
    };
    let frames = survey.folders.keys().any(|f| f.is_data());
    let labels = survey.has(KittiFolder::Label2);
    let mut reasons = vec![found];
    let mut confidence: f32 = match (frames, labels) {
        (true, true) => 0.95,
        (true, false) => 0.9,
        (false, _) => {
            reasons.push(
                "but no image_2/ or velodyne/ file: no frame for the labels and calibrations"
                    .to_owned(),
            );
            0.6
        }
    };
    let (six_digit, data) = survey.ids;
    if data > 0 {
        if six_digit * 2 >= data {
            reasons.push(format!(
                "{six_digit} of {data} frame files looked at have six-digit frame ids (000000)"
            ));
        } else {
            confidence -= 0.1;
            reasons.push(format!(
                "but only {six_digit} of {data} frame files looked at have six-digit frame ids (000000)"
            ));
        }
    }
    match label_head(&survey.labels, head) {
        Some(Ok(path)) => reasons.push(format!(
            "{path} starts with KITTI object lines (type, truncation, occlusion, alpha, 2D box, 3D dimensions, location, rotation_y)"
        )),
        Some(Err(why)) => {
            // KITTI's folder names around other label files: not read as KITTI unless asked.
            confidence = confidence.min(0.4);
            reasons.push(format!("but {why}"));
        }
        None => {}
    }
    match calib_head(&survey.calibs, head) {
        Some(Ok(path)) => reasons.push(format!(
            "{path} holds KITTI calibration (P2, R0_rect, Tr_velo_to_cam)"
        )),
        Some(Err(path)) => {
            confidence -= 0.1;
            reasons.push(format!(
                "but {path} does not start like a KITTI calibration (P0: … P3:, R0_rect:, Tr_velo_to_cam:)"
            ));
        }
        None => {}
    }
    Verdict::Match {
        confidence,
        reasons,
    }
}

/// Why a listing is a KITTI tree, when it has folders only KITTI names so (`label_2/`,
/// `velodyne/` with `.bin` scans, `calib/`): for other layouts whose folder names KITTI's
/// `image_2/` also fits, to step aside.
pub(crate) fn kitti_signature(summary: &ListingSummary) -> Option<String> {
    Survey::of(summary).kitti_folders()
}

/// The KITTI folders seen in the listing's kept paths.
#[derive(Default)]
struct Survey {
    /// Files looked at, per folder.
    folders: BTreeMap<KittiFolder, u64>,
    /// The split folders holding them (`training/`), `""` for the top.
    groups: BTreeSet<String>,
    /// Frame files with a six-digit id, and frame files.
    ids: (u64, u64),
    labels: Vec<String>,
    calibs: Vec<String>,
}

impl Survey {
    fn of(summary: &ListingSummary) -> Self {
        let mut survey = Survey::default();
        for path in summary.examples.values().flatten() {
            let Some(at) = locate(path) else {
                continue;
            };
            *survey.folders.entry(at.folder).or_default() += 1;
            if !survey.groups.contains(&at.group) {
                survey.groups.insert(at.group);
            }
            if at.folder.is_data() {
                survey.ids.1 += 1;
                survey.ids.0 += u64::from(is_frame_id(at.id));
            }
            match at.folder {
                KittiFolder::Label2 => survey.labels.push(path.clone()),
                KittiFolder::Calib => survey.calibs.push(path.clone()),
                _ => {}
            }
        }
        survey
    }

    fn has(&self, folder: KittiFolder) -> bool {
        self.folders.contains_key(&folder)
    }

    fn has_any(&self, folders: &[KittiFolder]) -> bool {
        folders.iter().any(|f| self.has(*f))
    }

    /// The folders and where they are, when some folder only KITTI names so is there.
    fn kitti_folders(&self) -> Option<String> {
        if !self.has_any(&[
            KittiFolder::Label2,
            KittiFolder::Velodyne,
            KittiFolder::Calib,
        ]) {
            return None;
        }
        Some(format!(
            "KITTI folders {} {}",
            self.folder_names(),
            self.place()
        ))
    }

    fn folder_names(&self) -> String {
        let names: Vec<String> = self
            .folders
            .keys()
            .map(|f| format!("{}/", f.name()))
            .collect();
        names.join(", ")
    }

    fn place(&self) -> String {
        let shown: Vec<String> = self
            .groups
            .iter()
            .take(3)
            .map(|g| {
                if g.is_empty() {
                    "the top folder".to_owned()
                } else {
                    format!("{g}/")
                }
            })
            .collect();
        let more = match self.groups.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        format!("in {}{more}", shown.join(", "))
    }

    fn rejection(&self) -> String {
        if self.folders.is_empty() {
            return "no KITTI folder (image_2/, label_2/, velodyne/, calib/), at the top, in training/ and testing/, or below".to_owned();
        }
        format!(
            "only camera folders ({}) {}: without KITTI's label_2/, velodyne/ or calib/ beside them, image_<N>/ folders may as well be an Xtreme1 image tree",
            self.folder_names(),
            self.place()
        )
    }
}

/// The first label file whose head could be read: `Ok` with its path when its first lines are
/// KITTI object lines, `Err` saying which line is not.
fn label_head(
    labels: &[String],
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Option<Result<String, String>> {
    for path in labels.iter().take(FILES_LOOKED_AT) {
        let Some(bytes) = head(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let whole = bytes.len() < HEAD_BYTES;
        let mut lines: Vec<(usize, &str)> = text
            .split('\n')
            .enumerate()
            .map(|(i, line)| (i + 1, line.trim()))
            .collect();
        if !whole {
            lines.pop();
        }
        let mut checked = lines
            .into_iter()
            .filter(|(_, line)| !line.is_empty())
            .take(LINES_LOOKED_AT)
            .peekable();
        if checked.peek().is_none() {
            continue;
        }
        for (number, line) in checked {
            if !is_object_line(line) {
                let shown: String = line.chars().take(60).collect();
                return Some(Err(format!(
                    "{path} line {number} is `{shown}`, not a KITTI object line of 15 values"
                )));
            }
        }
        return Some(Ok(path.clone()));
    }
    None
}

/// The first calibration file whose head could be read: `Ok` when it holds the object
/// benchmark's matrices, else `Err`; both with its path.
fn calib_head(
    calibs: &[String],
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Option<Result<String, String>> {
    let bytes = calibs
        .iter()
        .take(FILES_LOOKED_AT)
        .find_map(|path| Some((path, head(path)?)))?;
    let (path, bytes) = bytes;
    let text = String::from_utf8_lossy(&bytes);
    let keys: BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, _)| key.trim())
        .collect();
    let kitti =
        keys.contains("P2") && (keys.contains("R0_rect") || keys.contains("Tr_velo_to_cam"));
    Some(if kitti {
        Ok(path.clone())
    } else {
        Err(path.clone())
    })
}
