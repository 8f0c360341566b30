//! The layout of last resort: every file is a sample, without annotations.

use crate::read::PlannedSample;
use crate::{ListingSummary, Verdict};

pub const FORMAT: &str = "plain";

/// Every file a sample; chosen when no other layout fits, never in place of one that does.
pub struct PlainLayout;

impl crate::Layout for PlainLayout {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn description(&self) -> &'static str {
        "every file a sample, without annotations"
    }

    fn detect(&self, summary: &ListingSummary, _head: &crate::Head<'_>) -> Verdict {
        if summary.files == 0 {
            return Verdict::Reject {
                reason: "the source holds no files".to_owned(),
            };
        }
        Verdict::Match {
            confidence: 0.1,
            reasons: vec![format!(
                "every one of the {} files becomes a sample, without annotations",
                summary.files
            )],
        }
    }

    fn is_structure(&self, _path: &str) -> bool {
        false
    }

    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |_, listing, _, sink| {
            Box::pin(async move {
                for entry in &listing.entries {
                    sink.sample(PlannedSample::of_file(entry.clone(), Vec::new(), FORMAT))
                        .await?;
                }
                Ok(())
            })
        })
    }
}
