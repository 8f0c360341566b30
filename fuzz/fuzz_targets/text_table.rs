//! Any bytes read as ModelArts text classification files and CSV tables: no panic, and every
//! problem names the file. The first byte picks the header and schema settings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::modelarts_dir::{
    ColumnKind, ColumnSchema, TextLabelFormat, check_table, text_lines, text_with_results,
};

fuzz_target!(|data: &[u8]| {
    let Some((&settings, bytes)) = data.split_first() else {
        return;
    };
    let (_, problems) = text_lines(bytes, "fuzz.txt", &TextLabelFormat::default());
    assert!(problems.iter().all(|p| p.file == "fuzz.txt"));
    let (text, result) = bytes.split_at(bytes.len() / 2);
    let (_, problems) = text_with_results(text, "fuzz.txt", result, "fuzz_result.txt");
    assert!(
        problems
            .iter()
            .all(|p| p.file == "fuzz.txt" || p.file == "fuzz_result.txt")
    );
    let schema = [
        ColumnSchema {
            name: "n".to_owned(),
            kind: ColumnKind::Int,
        },
        ColumnSchema {
            name: "at".to_owned(),
            kind: ColumnKind::Timestamp,
        },
        ColumnSchema {
            name: "x".to_owned(),
            kind: ColumnKind::Double,
        },
    ];
    let with_header = settings & 1 == 1;
    let schema = (settings & 2 == 2).then_some(&schema[..]);
    let report = check_table(bytes, "fuzz.csv", with_header, schema);
    assert!(report.problems.iter().all(|p| p.file == "fuzz.csv"));
});
