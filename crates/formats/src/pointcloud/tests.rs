//! Tests of the point cloud header readers: real-looking headers, then every refusal, each with
//! its code, line and key.

use wharf_model::{Problem, ProblemCode, Severity};

use super::*;

const ASCII: &[u8] = include_bytes!("../../tests/fixtures/pointcloud/ascii_xyzi.pcd");
const BINARY: &[u8] = include_bytes!("../../tests/fixtures/pointcloud/binary_xyzir.pcd");
const FILE: &str = "lidar_point_cloud_0/000001.pcd";

/// A binary header of `x y z intensity`, with `lines` in place of the usual ones where given.
fn header(replace: &[(&str, &str)]) -> String {
    let mut lines = vec![
        ("VERSION", "VERSION .7"),
        ("FIELDS", "FIELDS x y z intensity"),
        ("SIZE", "SIZE 4 4 4 4"),
        ("TYPE", "TYPE F F F F"),
        ("COUNT", "COUNT 1 1 1 1"),
        ("WIDTH", "WIDTH 640"),
        ("HEIGHT", "HEIGHT 2"),
        ("VIEWPOINT", "VIEWPOINT 0 0 0 1 0 0 0"),
        ("POINTS", "POINTS 1280"),
        ("DATA", "DATA binary"),
    ];
    for (key, line) in replace {
        let slot = lines.iter_mut().find(|(k, _)| k == key).unwrap();
        slot.1 = line;
    }
    let mut text: String = lines
        .iter()
        .filter(|(_, line)| !line.is_empty())
        .map(|(_, line)| format!("{line}\n"))
        .collect();
    text.push_str("\u{0}\u{1}binary points follow");
    text
}

fn refused(text: &str) -> Problem {
    match read_pcd_header(text.as_bytes(), FILE) {
        Ok(header) => panic!("expected a problem, read {header:#?}"),
        Err(problem) => problem,
    }
}

/// Asserts code, line and key, and that the message is one sentence.
fn assert_problem(problem: &Problem, code: ProblemCode, line: Option<u64>, field: &str) {
    assert_eq!(
        (problem.code, problem.line, problem.field.as_deref()),
        (code, line, Some(field)),
        "{problem:#?}"
    );
    assert_eq!(problem.file, FILE);
    assert_eq!(problem.severity, Severity::Error);
    assert!(problem.message.ends_with('.'), "{}", problem.message);
}

// ---------------------------------------------------------------------------------------------
// Good headers

#[test]
fn an_ascii_header_with_a_comment_reads_whole() {
    let header = read_pcd_header(ASCII, FILE).unwrap();
    assert_eq!(
        header,
        PcdHeader {
            version: Some("0.7".into()),
            fields: vec!["x".into(), "y".into(), "z".into(), "intensity".into()],
            sizes: vec![4; 4],
            types: vec!['F'; 4],
            counts: vec![1; 4],
            width: 4,
            height: 1,
            points: 4,
            viewpoint: Some([0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]),
            data: PcdData::Ascii,
        }
    );
    assert_eq!(pcd_expected_body_bytes(&header), None);
    let header_len = pcd_header_len(ASCII).unwrap();
    assert!(ASCII[..header_len as usize].ends_with(b"DATA ascii\n"));
    assert_eq!(
        check_pcd_size(&header, header_len, ASCII.len() as u64, FILE),
        None
    );
}

#[test]
fn a_binary_header_gives_the_body_size_and_the_file_is_whole() {
    let header = read_pcd_header(BINARY, FILE).unwrap();
    assert_eq!(header.fields.len(), 5);
    assert_eq!(header.sizes, [4, 4, 4, 4, 2]);
    assert_eq!(header.types, ['F', 'F', 'F', 'F', 'U']);
    assert_eq!(header.data, PcdData::Binary);
    assert_eq!(pcd_expected_body_bytes(&header), Some(3 * 18));
    let header_len = pcd_header_len(BINARY).unwrap();
    assert_eq!(header_len + 3 * 18, BINARY.len() as u64);
    assert_eq!(
        check_pcd_size(&header, header_len, BINARY.len() as u64, FILE),
        None
    );
}

#[test]
fn a_binary_file_shorter_than_its_points_is_truncated() {
    let header = read_pcd_header(BINARY, FILE).unwrap();
    let header_len = pcd_header_len(BINARY).unwrap();
    let problem = check_pcd_size(&header, header_len, BINARY.len() as u64 - 1, FILE).unwrap();
    assert_problem(&problem, ProblemCode::Truncated, None, "POINTS");
    assert_eq!(problem.found.as_deref(), Some("244 bytes"));
    assert_eq!(problem.expected.as_deref(), Some("at least 245 bytes"));
    assert!(
        problem.message.contains("3 points of 18 bytes"),
        "{}",
        problem.message
    );
}

#[test]
fn a_compressed_file_must_hold_its_two_length_words() {
    let text = header(&[("DATA", "DATA binary_compressed")]);
    let header = read_pcd_header(text.as_bytes(), FILE).unwrap();
    assert_eq!(header.data, PcdData::BinaryCompressed);
    assert_eq!(pcd_expected_body_bytes(&header), None);
    let len = pcd_header_len(text.as_bytes()).unwrap();
    assert!(check_pcd_size(&header, len, len + 8, FILE).is_none());
    let problem = check_pcd_size(&header, len, len + 3, FILE).unwrap();
    assert_eq!(problem.code, ProblemCode::Truncated);
}

#[test]
fn count_defaults_to_one_and_multiplies_the_point_size() {
    let without = header(&[("COUNT", "")]);
    let header = read_pcd_header(without.as_bytes(), FILE).unwrap();
    assert_eq!(header.counts, [1, 1, 1, 1]);
    assert_eq!(pcd_expected_body_bytes(&header), Some(1280 * 16));

    // A 33-bin histogram field, as PCL writes FPFH features.
    let text =
        "FIELDS fpfh\nSIZE 4\nTYPE F\nCOUNT 33\nWIDTH 10\nHEIGHT 1\nPOINTS 10\nDATA binary\n";
    let header = read_pcd_header(text.as_bytes(), FILE).unwrap();
    assert_eq!(pcd_expected_body_bytes(&header), Some(10 * 33 * 4));
    assert_eq!(header.version, None);
    assert_eq!(header.viewpoint, None);
}

#[test]
fn comments_blank_lines_crlf_and_legacy_columns_are_read() {
    let text = "\u{feff}# made by a converter\r\n\r\nVERSION .5\r\nCOLUMNS x y z\r\n# another\r\nSIZE 8 8 8\r\nTYPE F F F\r\nWIDTH 2\r\nHEIGHT 1\r\nPOINTS 2\r\nDATA ASCII\r\n1 2 3\r\n";
    let header = read_pcd_header(text.as_bytes(), FILE).unwrap();
    assert_eq!(header.fields, ["x", "y", "z"]);
    assert_eq!(header.sizes, [8, 8, 8]);
    assert_eq!(header.data, PcdData::Ascii);
    let len = pcd_header_len(text.as_bytes()).unwrap() as usize;
    assert!(text.as_bytes()[..len].ends_with(b"DATA ASCII\r\n"));
}

#[test]
fn a_head_ending_on_the_data_line_is_a_header_of_no_points() {
    let text = "FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 0\nHEIGHT 1\nPOINTS 0\nDATA binary";
    let header = read_pcd_header(text.as_bytes(), FILE).unwrap();
    assert_eq!(
        (header.points, pcd_expected_body_bytes(&header)),
        (0, Some(0))
    );
    assert_eq!(pcd_header_len(text.as_bytes()), Some(text.len() as u64));
}

// ---------------------------------------------------------------------------------------------
// Refusals

#[test]
fn each_missing_key_is_named() {
    for (key, line_count) in [
        ("FIELDS", 9),
        ("SIZE", 9),
        ("TYPE", 9),
        ("WIDTH", 9),
        ("HEIGHT", 9),
        ("POINTS", 9),
    ] {
        let text = header(&[(key, "")]);
        assert_eq!(text.lines().count(), line_count + 1);
        let problem = refused(&text);
        assert_problem(&problem, ProblemCode::MissingField, None, key);
        assert!(problem.message.contains(key), "{}", problem.message);
    }
}

#[test]
fn a_header_without_data_is_not_found_in_the_head() {
    let text = header(&[("DATA", "")]);
    let text = text.split('\u{0}').next().unwrap();
    let problem = refused(text);
    assert_problem(&problem, ProblemCode::MissingField, None, "DATA");
    assert!(
        problem
            .message
            .contains(&format!("not found in the first {} bytes", text.len())),
        "{}",
        problem.message
    );
    assert_eq!(pcd_header_len(text.as_bytes()), None);

    // A head that stops in the middle of a line says the same, whatever the cut line holds.
    let cut = &header(&[])[..40];
    assert_eq!(refused(cut).code, ProblemCode::MissingField);
}

#[test]
fn lengths_that_do_not_match_fields_are_refused_on_their_line() {
    for (key, line, number) in [
        ("SIZE", "SIZE 4 4 4", 3),
        ("TYPE", "TYPE F F F F F", 4),
        ("COUNT", "COUNT 1 1", 5),
    ] {
        let problem = refused(&header(&[(key, line)]));
        assert_problem(&problem, ProblemCode::InvalidValue, Some(number), key);
        assert_eq!(
            problem.expected.as_deref(),
            Some("4 values, one per field"),
            "{problem:#?}"
        );
    }
}

#[test]
fn bad_types_and_sizes_are_invalid_values() {
    let problem = refused(&header(&[("TYPE", "TYPE F F F D")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(4), "TYPE");
    assert_eq!(problem.found.as_deref(), Some("D"));

    let problem = refused(&header(&[("SIZE", "SIZE 4 4 4 3")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(3), "SIZE");
    assert_eq!(problem.found.as_deref(), Some("3"));

    let problem = refused(&header(&[("SIZE", "SIZE 4 4 four 4")]));
    assert_problem(&problem, ProblemCode::WrongType, Some(3), "SIZE");

    let problem = refused(&header(&[("COUNT", "COUNT 1 1 0 1")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(5), "COUNT");
}

#[test]
fn points_must_be_width_times_height() {
    let problem = refused(&header(&[("POINTS", "POINTS 1000")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(9), "POINTS");
    assert_eq!(
        (problem.found.as_deref(), problem.expected.as_deref()),
        (Some("1000"), Some("1280 (WIDTH × HEIGHT)"))
    );
}

#[test]
fn absurd_and_malformed_counts_are_refused() {
    let problem = refused(&header(&[("WIDTH", "WIDTH 1099511627777")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(6), "WIDTH");
    let problem = refused(&header(&[("POINTS", "POINTS 99999999999999999999999")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(9), "POINTS");
    let problem = refused(&header(&[("HEIGHT", "HEIGHT -1")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(7), "HEIGHT");
    let problem = refused(&header(&[("HEIGHT", "HEIGHT one")]));
    assert_problem(&problem, ProblemCode::WrongType, Some(7), "HEIGHT");
    let problem = refused(&header(&[("WIDTH", "WIDTH 640 2")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(6), "WIDTH");

    // Both at the limit: the product overflows nothing and is compared as it should be.
    let problem = refused(&header(&[
        ("WIDTH", "WIDTH 1099511627776"),
        ("HEIGHT", "HEIGHT 1099511627776"),
        ("POINTS", "POINTS 1"),
    ]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(9), "POINTS");
}

#[test]
fn unknown_data_and_bad_viewpoints_are_invalid() {
    let problem = refused(&header(&[("DATA", "DATA binary_lzf")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(10), "DATA");
    assert_eq!(problem.found.as_deref(), Some("binary_lzf"));

    let problem = refused(&header(&[("VIEWPOINT", "VIEWPOINT 0 0 0 1 0 0")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(8), "VIEWPOINT");
    let problem = refused(&header(&[("VIEWPOINT", "VIEWPOINT 0 0 0 1 0 0 x")]));
    assert_problem(&problem, ProblemCode::WrongType, Some(8), "VIEWPOINT");
    let problem = refused(&header(&[("VIEWPOINT", "VIEWPOINT 0 0 0 NaN 0 0 0")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(8), "VIEWPOINT");
}

#[test]
fn unknown_repeated_and_lower_case_keys_are_refused() {
    let problem = refused(&header(&[("VERSION", "COLOR rgb")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(1), "COLOR");
    let problem = refused(&header(&[("VERSION", "version .7")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(1), "version");
    assert!(
        problem.message.contains("upper case"),
        "{}",
        problem.message
    );
    let problem = refused(&header(&[("VERSION", "WIDTH 640")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(6), "WIDTH");
    assert!(
        problem.message.contains("lines 1 and 6"),
        "{}",
        problem.message
    );
    let problem = refused(&header(&[("FIELDS", "FIELDS")]));
    assert_problem(&problem, ProblemCode::InvalidValue, Some(2), "FIELDS");
}

#[test]
fn a_header_that_is_not_utf8_is_refused_on_its_line() {
    let mut bytes = b"# \xC9t\xE9 scan\nVERSION .7\n".to_vec();
    bytes.extend_from_slice(header(&[]).as_bytes());
    let problem = read_pcd_header(&bytes, FILE).unwrap_err();
    assert_eq!(
        (problem.code, problem.line),
        (ProblemCode::NotUtf8, Some(1))
    );
    assert_eq!(problem.found.as_deref(), Some("byte 0xC9"));

    // A binary file, such as a KITTI scan, fails on its first line, whatever follows.
    let floats: Vec<u8> = [1.5f32, -2.25, 0.5, 0.9]
        .iter()
        .flat_map(|f| f.to_le_bytes())
        .chain([0xff; 8])
        .collect();
    let problem = read_pcd_header(&floats, FILE).unwrap_err();
    assert_eq!(problem.line, Some(1));
}

#[test]
fn no_bytes_panic_the_header_reader() {
    let mut seed = 11u64;
    let pieces: &[&[u8]] = &[
        b"FIELDS x y z\n",
        b"SIZE 4 4 4\n",
        b"TYPE F F F\n",
        b"COUNT 1 1 1\n",
        b"WIDTH 3\n",
        b"HEIGHT 1\n",
        b"POINTS 3\n",
        b"DATA binary\n",
        b"DATA ascii",
        b"VIEWPOINT 0 0 0 1 0 0 0\n",
        b"# c\n",
        b"\xff\xfe",
        b"\r\n",
        b"4294967296 ",
        b"\n",
    ];
    for _ in 0..3000 {
        let mut bytes = Vec::new();
        for _ in 0..(seed % 12) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            bytes.extend_from_slice(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        if let Ok(header) = read_pcd_header(&bytes, FILE) {
            let len = pcd_header_len(&bytes).unwrap();
            let _ = check_pcd_size(&header, len, 0, FILE);
            let _ = check_pcd_size(&header, len, u64::MAX, FILE);
        }
        seed = seed.wrapping_add(1);
    }
}

// ---------------------------------------------------------------------------------------------
// KITTI

#[test]
fn kitti_sizes_give_points_or_say_why_not() {
    assert_eq!(kitti_bin_points(0, "velodyne/000000.bin").unwrap(), 0);
    assert_eq!(
        kitti_bin_points(123_456 * 16, "velodyne/000000.bin").unwrap(),
        123_456
    );
    let problem = kitti_bin_points(1_000_001, "velodyne/000001.bin").unwrap_err();
    assert_eq!(
        (problem.code, problem.file.as_str()),
        (ProblemCode::InvalidValue, "velodyne/000001.bin")
    );
    assert!(
        problem.message.contains("not a multiple of 16"),
        "{}",
        problem.message
    );
    assert!(
        problem
            .message
            .contains("1 bytes are left over after 62500 points")
    );
    assert_eq!(problem.expected.as_deref(), Some("a multiple of 16 bytes"));
    let problem = kitti_bin_points(12 * 1001, "velodyne/000002.bin").unwrap_err();
    assert!(
        problem.message.contains("x, y, z without reflectance"),
        "{}",
        problem.message
    );
}
