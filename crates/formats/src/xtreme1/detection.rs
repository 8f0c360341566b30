//! Telling an Xtreme1 tree from the listing: the names of its sensor folders.

use std::collections::{BTreeMap, BTreeSet};

use super::tree::{Folder, Misnamed, Place, TreeKind, classify, locate, misnamed_message};
use crate::detect::{extension_of, file_name};
use crate::{ListingSummary, Verdict};

/// Judges whether the source is an Xtreme1 / BasicAI tree: `lidar_point_cloud_<N>/` folders
/// (LiDAR), or `image_<N>/` with `result/` (image), at the top, in `scene_*` folders or under
/// some other folder.
/// The Xtreme1 (BasicAI) tree.
pub struct Xtreme1Layout;

impl crate::Layout for Xtreme1Layout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn description(&self) -> &'static str {
        "Xtreme1/BasicAI tree: lidar_point_cloud_N, camera_image_N, camera_config, result"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, _path: &str) -> bool {
        false
    }
}

pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let survey = Survey::of(summary);
    // KITTI names its left camera `image_2/`, which reads as an Xtreme1 image folder.
    let xtreme1_only = [
        &survey.lidar,
        &survey.cameras,
        &survey.configs,
        &survey.results,
    ];
    if xtreme1_only.iter().all(|folders| folders.is_empty())
        && let Some(kitti) = crate::kitti::kitti_signature(summary)
    {
        return Verdict::Reject {
            reason: format!(
                "it looks like KITTI ({kitti}), not Xtreme1: an Xtreme1 tree has lidar_point_cloud_<N>/, or image_<N>/ with result/"
            ),
        };
    }
    if !survey.lidar.is_empty() {
        return lidar(&survey);
    }
    if !survey.images.is_empty() {
        return image(&survey, head);
    }
    if !survey.cameras.is_empty() || !survey.configs.is_empty() {
        let mut folders = names(&survey.cameras);
        folders.extend(names(&survey.configs));
        return Verdict::Match {
            confidence: 0.4,
            reasons: vec![
                format!("Xtreme1 camera folders ({})", folders.join(", ")),
                "but no lidar_point_cloud_<N>/ folder: Xtreme1 makes frames from point clouds, so it would find none".to_owned(),
            ],
        };
    }
    Verdict::Reject {
        reason: survey.rejection(),
    }
}

fn lidar(survey: &Survey) -> Verdict {
    let mut confidence: f32 = 0.9;
    let mut reasons = vec![format!(
        "LiDAR folders {} {}",
        names(&survey.lidar).join(", "),
        survey.place()
    )];
    if survey.pcd == 0 {
        confidence = 0.6;
        reasons.push("but no .pcd file directly in them".to_owned());
    } else {
        reasons.push(format!("{} .pcd point clouds in them", survey.pcd));
    }
    for (what, folders) in [
        ("camera folders", &survey.cameras),
        ("camera parameters", &survey.configs),
        ("results", &survey.results),
    ] {
        if !folders.is_empty() {
            reasons.push(format!("{what} in {}", names(folders).join(", ")));
        }
    }
    survey.doubts(&mut confidence, &mut reasons, TreeKind::LidarFusion);
    Verdict::Match {
        confidence,
        reasons,
    }
}

fn image(survey: &Survey, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let mut reasons = vec![format!(
        "image folders {} {}",
        names(&survey.images).join(", "),
        survey.place()
    )];
    let mut confidence: f32 = if survey.results.is_empty() {
        reasons.push("but no result/ folder: images without annotations".to_owned());
        0.5
    } else {
        reasons.push(format!("results in {}", names(&survey.results).join(", ")));
        0.9
    };
    if let Some(result) = &survey.result_json
        && let Some(bytes) = head(result)
    {
        let text = String::from_utf8_lossy(&bytes);
        if text.contains("\"objects\"") || text.contains("\"instances\"") {
            reasons.push(format!("{result} holds an objects list"));
        } else {
            confidence = confidence.min(0.7);
            reasons.push(format!(
                "but {result} does not start like an Xtreme1 result (no \"objects\" or \"instances\")"
            ));
        }
    }
    survey.doubts(&mut confidence, &mut reasons, TreeKind::Image);
    Verdict::Match {
        confidence,
        reasons,
    }
}

/// The distinct folder names of some folder paths, as `name/`.
fn names(paths: &BTreeSet<String>) -> Vec<String> {
    let names: BTreeSet<&str> = paths.iter().map(|p| file_name(p)).collect();
    names.into_iter().map(|n| format!("{n}/")).collect()
}

/// The sensor folders seen in the listing's kept paths and top folders.
#[derive(Default)]
struct Survey {
    lidar: BTreeSet<String>,
    cameras: BTreeSet<String>,
    images: BTreeSet<String>,
    configs: BTreeSet<String>,
    results: BTreeSet<String>,
    misnamed: BTreeMap<String, Misnamed>,
    /// Whether sensor folders sit at the top.
    at_root: bool,
    /// Folders holding sensor folders: `scene_*` ones, and others.
    scenes: BTreeSet<String>,
    others: BTreeSet<String>,
    /// `.pcd` files directly in LiDAR folders, among the kept paths.
    pcd: u64,
    /// The first `.json` directly in a result folder.
    result_json: Option<String>,
}

impl Survey {
    fn of(summary: &ListingSummary) -> Self {
        let mut survey = Survey::default();
        // Top folders are complete, kept paths a sample: both are looked at.
        for top in &summary.top_folders {
            if let Some(folder) = classify(top) {
                survey.add("", top, folder);
            }
        }
        for path in summary.examples.values().flatten() {
            let Place::Sensor(located) = locate(path) else {
                continue;
            };
            let direct = located.depth == 1;
            match located.folder {
                Folder::LidarPointCloud(_) if direct && extension_of(path) == "pcd" => {
                    survey.pcd += 1;
                }
                Folder::Result if direct && extension_of(path) == "json" => {
                    survey.result_json.get_or_insert_with(|| path.clone());
                }
                _ => {}
            }
            survey.add(&located.group, &located.folder_path, located.folder);
        }
        survey
    }

    fn add(&mut self, group: &str, path: &str, folder: Folder) {
        let set = match folder {
            Folder::LidarPointCloud(_) => &mut self.lidar,
            Folder::CameraImage(_) => &mut self.cameras,
            Folder::Image(_) => &mut self.images,
            Folder::CameraConfig => &mut self.configs,
            Folder::Result => &mut self.results,
            Folder::LidarConfig => return,
            Folder::Misnamed(misnamed) => {
                self.misnamed.insert(path.to_owned(), misnamed);
                return;
            }
        };
        set.insert(path.to_owned());
        if group.is_empty() {
            self.at_root = true;
        } else if file_name(group).to_ascii_lowercase().starts_with("scene_") {
            self.scenes.insert(group.to_owned());
        } else {
            self.others.insert(group.to_owned());
        }
    }

    /// Where the sensor folders are, for a reason.
    fn place(&self) -> String {
        let mut places = Vec::new();
        if self.at_root {
            places.push("at the top".to_owned());
        }
        match self.scenes.len() {
            0 => {}
            1 => places.push("in 1 scene_* folder".to_owned()),
            n => places.push(format!("in {n} scene_* folders")),
        }
        if let Some(first) = self.others.first() {
            places.push(match self.others.len() {
                1 => format!("under {first}/"),
                n => format!("under {n} other folders such as {first}/"),
            });
        }
        places.join(" and ")
    }

    /// Lowers the confidence for what an import would find wrong.
    fn doubts(&self, confidence: &mut f32, reasons: &mut Vec<String>, kind: TreeKind) {
        if !self.misnamed.is_empty() {
            *confidence -= 0.2;
            reasons.push(format!(
                "but also folders Xtreme1 does not match: {}",
                self.misnamed_list(kind)
            ));
        }
        if !self.at_root && self.scenes.is_empty() {
            *confidence = confidence.min(0.8);
            reasons.push(
                "the tree is not at the top: its frames would be single frames, not scenes"
                    .to_owned(),
            );
        }
    }

    fn misnamed_list(&self, kind: TreeKind) -> String {
        let mut listed: Vec<String> = self
            .misnamed
            .iter()
            .take(3)
            .map(|(path, misnamed)| {
                let (message, _) = misnamed_message(file_name(path), misnamed, kind);
                message.trim_end_matches('.').to_owned()
            })
            .collect();
        if self.misnamed.len() > 3 {
            listed.push(format!("and {} more", self.misnamed.len() - 3));
        }
        listed.join("; ")
    }

    fn rejection(&self) -> String {
        if self.misnamed.is_empty() {
            return "no lidar_point_cloud_<N>/ or image_<N>/ folder, at the top, in scene_* folders or below"
                .to_owned();
        }
        // Older docs paired `point_cloud/` with `image0/`: LiDAR, unless only image names show.
        let lidar = self.misnamed.values().any(|m| match m {
            Misnamed::ObsoletePointCloud => true,
            Misnamed::LongIndex { prefix } | Misnamed::NoIndex { prefix } => *prefix != "image",
            Misnamed::Spelling { suggestion } => !suggestion.starts_with("image"),
            Misnamed::ObsoleteImage(_) => false,
        });
        let kind = if lidar
            || self
                .misnamed
                .values()
                .all(|m| matches!(m, Misnamed::ObsoleteImage(_)))
        {
            TreeKind::LidarFusion
        } else {
            TreeKind::Image
        };
        format!(
            "no folder named as Xtreme1 matches them: {}",
            self.misnamed_list(kind)
        )
    }
}
