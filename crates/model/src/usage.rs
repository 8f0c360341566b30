//! A sample's usage: the split of the dataset it belongs to, spelt as ModelArts manifests spell
//! it (`val` is `eval`), whatever the layout it was read from calls the split.

pub const TRAIN: &str = "train";
pub const EVAL: &str = "eval";
pub const TEST: &str = "test";
pub const INFERENCE: &str = "inference";

/// Every usage, as stored.
pub const ALL: [&str; 4] = [TRAIN, EVAL, TEST, INFERENCE];

/// The usage a split's name gives (a folder `train/`, `val/`, `testing/`), in any case.
pub fn of_split_name(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "train" | "training" => Some(TRAIN),
        "val" | "valid" | "validation" | "eval" => Some(EVAL),
        "test" | "testing" => Some(TEST),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_give_usages_in_any_case() {
        assert_eq!(of_split_name("Training"), Some(TRAIN));
        assert_eq!(of_split_name("VAL"), Some(EVAL));
        assert_eq!(of_split_name("testing"), Some(TEST));
        assert_eq!(of_split_name("trainval"), None);
    }
}
