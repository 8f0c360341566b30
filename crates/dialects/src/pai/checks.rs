//! The platform's rules for the fields of datasets and versions: names, enums, the `Uri` form
//! of each storage type, the `ImportInfo` shape of each, and the JSON-string fields.

use serde_json::Value;

use super::envelope::PaiError;
use super::wire::Label;

pub(crate) const PROPERTIES: &[&str] = &["FILE", "DIRECTORY"];
pub(crate) const DATA_SOURCE_TYPES: &[&str] = &[
    "OSS",
    "NAS",
    "EXTREMENAS",
    "CPFS",
    "BMCPFS",
    "MAXCOMPUTE",
    "URL",
];
/// PAI's data types and Wharf's.
pub(crate) const DATA_TYPES: &[(&str, &str)] = &[
    ("COMMON", "common"),
    ("PIC", "image"),
    ("TEXT", "text"),
    ("VIDEO", "video"),
    ("AUDIO", "audio"),
];
pub(crate) const SOURCE_TYPES: &[&str] = &["USER", "ITAG", "PAI_PUBLIC_DATASET"];
pub(crate) const ACCESSIBILITIES: &[&str] = &["PRIVATE", "PUBLIC", "ROLE_PUBLIC"];
pub(crate) const PROVIDER_TYPES: &[&str] = &["Ecs", "Lingjun"];
pub(crate) const EDITIONS: &[&str] = &["BASIC", "ADVANCED", "LOGICAL"];
/// The provider name the platform keeps for its own public datasets.
pub(crate) const RESERVED_PROVIDER: &str = "pai";
const MAX_NAME_CHARS: usize = 127;

/// A dataset name: 1 to 127 characters, a letter (any script, Chinese included) or a digit
/// first, then also `_` and `-`.
pub(crate) fn check_name(name: &str) -> Result<(), PaiError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(char::is_alphanumeric);
    let rest_ok = chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !first_ok || !rest_ok || name.chars().count() > MAX_NAME_CHARS {
        return Err(PaiError::invalid(format!(
            "Name is '{name}'; expected 1 to {MAX_NAME_CHARS} characters: a letter, a digit or a Chinese character first, \
             then letters, digits, '_' and '-'"
        )));
    }
    Ok(())
}

/// One of `allowed`, in any case, spelled as the platform spells it.
pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<String, PaiError> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()))
        .map(|a| (*a).to_owned())
        .ok_or_else(|| {
            PaiError::invalid(format!(
                "{field} is '{value}'; expected one of {}",
                allowed.join(", ")
            ))
        })
}

/// A comma-separated list of values of `allowed` (a list filter); empty items are dropped.
pub(crate) fn list_of(
    field: &str,
    value: Option<&str>,
    allowed: &[&str],
) -> Result<Vec<String>, PaiError> {
    items(value)
        .into_iter()
        .map(|item| one_of(field, &item, allowed))
        .collect()
}

/// The items of a comma-separated list, trimmed, empty ones dropped.
pub(crate) fn items(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect()
}

/// PAI's data type as Wharf's, or the reverse (a type PAI does not have shows as COMMON).
pub(crate) fn native_data_type(pai: &str) -> &'static str {
    DATA_TYPES
        .iter()
        .find(|(p, _)| *p == pai)
        .map_or("common", |(_, n)| n)
}

pub(crate) fn pai_data_type(native: &str) -> &'static str {
    DATA_TYPES
        .iter()
        .find(|(_, n)| *n == native)
        .map_or("COMMON", |(p, _)| p)
}

/// A required text field, trimmed.
pub(crate) fn required(
    field: &str,
    value: Option<String>,
    expected: &str,
) -> Result<String, PaiError> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| PaiError::missing(field, expected))
}

/// A count or a size: not negative.
pub(crate) fn non_negative(field: &str, value: Option<i64>) -> Result<i64, PaiError> {
    match value {
        Some(n) if n < 0 => Err(PaiError::invalid(format!(
            "{field} is {n}; expected 0 or more"
        ))),
        Some(n) => Ok(n),
        None => Ok(0),
    }
}

/// `Options`: a JSON object written as a string, e.g. `{"mountPath": "/mnt/data/"}`.
pub(crate) fn check_options(field: &str, text: &str) -> Result<(), PaiError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_)) => Ok(()),
        Ok(other) => Err(PaiError::invalid(format!(
            "{field} is {other}; expected a JSON object written as a string, e.g. \"{{\\\"mountPath\\\": \\\"/mnt/data/\\\"}}\""
        ))),
        Err(e) => Err(PaiError::invalid(format!(
            "{field} is not JSON ({e}); expected a JSON object written as a string, e.g. \"{{\\\"mountPath\\\": \\\"/mnt/data/\\\"}}\""
        ))),
    }
}

/// Labels: every one with a `Key`; a missing `Value` is empty. A key given twice keeps its
/// last value.
pub(crate) fn check_labels(
    field: &str,
    labels: Option<Vec<Label>>,
) -> Result<Vec<Label>, PaiError> {
    let mut checked: Vec<Label> = Vec::new();
    for (i, label) in labels.unwrap_or_default().into_iter().enumerate() {
        let key = label.key.map(|k| k.trim().to_owned()).unwrap_or_default();
        if key.is_empty() {
            return Err(PaiError::invalid(format!(
                "{field}[{i}].Key is missing or empty; expected {{\"Key\": \"...\", \"Value\": \"...\"}}"
            )));
        }
        checked.retain(|l| l.key.as_deref() != Some(key.as_str()));
        checked.push(Label {
            key: Some(key),
            value: Some(label.value.unwrap_or_default()),
        });
    }
    Ok(checked)
}

/// Workspace role ids: `*`, a built-in `PAI.` role or a custom `role-` one.
pub(crate) fn check_roles(
    field: &str,
    roles: Option<Vec<String>>,
) -> Result<Vec<String>, PaiError> {
    let roles = roles.unwrap_or_default();
    if let Some((i, bad)) = roles
        .iter()
        .enumerate()
        .find(|(_, r)| !(r.as_str() == "*" || r.starts_with("PAI.") || r.starts_with("role-")))
    {
        return Err(PaiError::invalid(format!(
            "{field}[{i}] is '{bad}'; expected \"*\", a built-in role such as PAI.AlgoOperator, or a custom role-... id"
        )));
    }
    Ok(roles)
}

/// The `Uri` of a dataset or version, in the form of its storage type.
pub(crate) fn check_uri(data_source_type: &str, uri: &str) -> Result<(), PaiError> {
    let refuse = |expected: &str| {
        PaiError::invalid(format!(
            "Uri is '{uri}'; a {data_source_type} data source is written {expected}"
        ))
    };
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let scheme = scheme.to_ascii_lowercase();
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    match data_source_type {
        "OSS" => {
            const EXPECTED: &str = "oss://<bucket>.<endpoint>/<path>, e.g. oss://mybucket.oss-cn-beijing.aliyuncs.com/mypath/ \
                                    (or s3://<bucket>/<path> for an S3-compatible store)";
            match scheme.as_str() {
                "oss" => match host.split_once('.') {
                    Some((bucket, endpoint))
                        if bucket_name_ok(bucket, false) && host_ok(endpoint) =>
                    {
                        Ok(())
                    }
                    _ => Err(refuse(EXPECTED)),
                },
                "s3" if bucket_name_ok(host, true) => Ok(()),
                _ => Err(refuse(EXPECTED)),
            }
        }
        "NAS" | "EXTREMENAS" | "CPFS" | "BMCPFS" => {
            let expected = match data_source_type {
                "CPFS" => {
                    "nas://<cpfs-fsid>.<region>/<path>/ (CPFS 1.0, an fsid of cpfs- and 8 characters) or \
                     nas://<cpfs-fsid>.<region>/<protocolserviceid>/ (CPFS 2.0, cpfs- and 16 characters)"
                }
                "BMCPFS" => "nas://<fsid>.<region>/<path>/ or bmcpfs://<fsid>.<region>/<path>/",
                _ => "nas://<fsid>.<region>/<path>/, e.g. nas://09f1234f2.cn-hangzhou/",
            };
            let scheme_ok = scheme == "nas" || (scheme == "bmcpfs" && data_source_type == "BMCPFS");
            let Some((fsid, region)) = host.split_once('.') else {
                return Err(refuse(expected));
            };
            let parts_ok = scheme_ok && word_ok(fsid) && word_ok(region);
            let cpfs_ok = match data_source_type {
                "CPFS" => match fsid.strip_prefix("cpfs-").map(str::len) {
                    Some(8) => true,
                    Some(16) => path.split('/').next().is_some_and(|s| !s.is_empty()),
                    _ => false,
                },
                _ => true,
            };
            if parts_ok && cpfs_ok {
                Ok(())
            } else {
                Err(refuse(expected))
            }
        }
        "MAXCOMPUTE" => {
            if scheme == "odps" && word_ok(host) {
                Ok(())
            } else {
                Err(refuse("odps://<project>/tables/<table>"))
            }
        }
        _ => {
            if matches!(scheme.as_str(), "http" | "https") && host_ok(host) {
                Ok(())
            } else {
                Err(refuse("as a public http:// or https:// URL"))
            }
        }
    }
}

/// An OSS bucket name (3 to 63 lowercase letters, digits and `-`, not starting or ending with
/// `-`); S3 also allows `.`.
fn bucket_name_ok(bucket: &str, dots: bool) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.'))
        && !bucket.starts_with(['-', '.'])
        && !bucket.ends_with(['-', '.'])
}

/// A host name, with a port if any.
fn host_ok(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// An id or a region: letters, digits, `-` and `_`.
fn word_ok(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `ImportInfo`: a JSON object written as a string, with the fields of its storage type.
pub(crate) fn check_import_info(data_source_type: &str, text: &str) -> Result<(), PaiError> {
    let (strings, booleans): (&[&str], &[&str]) = match data_source_type {
        "OSS" => (&["region", "bucket", "path"], &[]),
        "NAS" | "EXTREMENAS" => (&["region", "fileSystemId", "path", "mountTarget"], &[]),
        "CPFS" => (
            &[
                "region",
                "fileSystemId",
                "protocolServiceId",
                "exportId",
                "path",
            ],
            &[],
        ),
        "BMCPFS" => (
            &["region", "fileSystemId", "path", "mountTarget"],
            &["isVpcMount"],
        ),
        other => {
            return Err(PaiError::invalid(format!(
                "ImportInfo is given for a {other} data source; it describes OSS, NAS and CPFS storage only"
            )));
        }
    };
    let shape = {
        let mut fields: Vec<String> = strings
            .iter()
            .map(|f| format!("\"{f}\": \"...\""))
            .collect();
        fields.extend(booleans.iter().map(|f| format!("\"{f}\": true")));
        format!("{{{}}}", fields.join(", "))
    };
    let refuse = |why: String| {
        PaiError::invalid(format!(
            "ImportInfo {why}; a {data_source_type} data source's ImportInfo is a JSON string of {shape}"
        ))
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| refuse(format!("is not JSON ({e})")))?;
    let Value::Object(object) = value else {
        return Err(refuse(format!("is {value}")));
    };
    for field in strings {
        if !object.get(*field).is_some_and(Value::is_string) {
            return Err(refuse(format!("has no text \"{field}\"")));
        }
    }
    for field in booleans {
        if !object.get(*field).is_some_and(Value::is_boolean) {
            return Err(refuse(format!("has no boolean \"{field}\"")));
        }
    }
    Ok(())
}

/// `SourceType` and `SourceId`: an iTAG dataset names its iTAG task.
pub(crate) fn check_source(
    source_type: Option<String>,
    source_id: Option<String>,
) -> Result<(String, Option<String>), PaiError> {
    let source_type = match source_type {
        Some(t) => one_of("SourceType", &t, SOURCE_TYPES)?,
        None => "USER".to_owned(),
    };
    let source_id = source_id
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if source_type == "ITAG" && source_id.is_none() {
        return Err(PaiError::missing(
            "SourceId",
            "the iTAG task id of an ITAG dataset",
        ));
    }
    Ok((source_type, source_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_platform_rules() {
        for ok in ["myName", "数据集_1", "9-a", "a", &"x".repeat(127)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "_lead", "-lead", "a.b", "has space", &"x".repeat(128)] {
            assert_eq!(
                check_name(bad).unwrap_err().code,
                "InvalidParameter",
                "{bad}"
            );
        }
    }

    #[test]
    fn enums_take_any_case_and_are_spelled_as_the_platform_spells_them() {
        assert_eq!(
            one_of("ProviderType", "ecs", PROVIDER_TYPES).unwrap(),
            "Ecs"
        );
        assert_eq!(one_of("Property", " file ", PROPERTIES).unwrap(), "FILE");
        let e = one_of("Property", "FOLDER", PROPERTIES).unwrap_err();
        assert!(e.message.contains("FILE, DIRECTORY"), "{}", e.message);
        assert_eq!(
            list_of("DataTypes", Some("pic, TEXT,,"), &["PIC", "TEXT"]).unwrap(),
            ["PIC", "TEXT"]
        );
        assert_eq!(native_data_type("PIC"), "image");
        assert_eq!(pai_data_type("point_cloud"), "COMMON");
    }

    #[test]
    fn uris_are_checked_in_the_form_of_their_storage() {
        for (kind, uri) in [
            ("OSS", "oss://mybucket.oss-cn-beijing.aliyuncs.com/mypath/"),
            ("OSS", "oss://my-bucket.oss-cn-hangzhou.aliyuncs.com/"),
            ("OSS", "s3://bkt-0a1b2c/prefix/"),
            ("NAS", "nas://09f1234f2.cn-hangzhou/"),
            ("NAS", "nas://cpfs-0123456789abcdef.cn-hangzhou/ps-1/"),
            ("EXTREMENAS", "nas://extreme-0123.cn-shanghai/sub/dir/"),
            ("CPFS", "nas://cpfs-0123abcd.cn-hangzhou/sub/"),
            ("CPFS", "nas://cpfs-0123456789abcdef.cn-hangzhou/ps-1/"),
            ("BMCPFS", "bmcpfs://bmcpfs-01.cn-wulanchabu/mnt/"),
            ("MAXCOMPUTE", "odps://project/tables/table"),
            ("URL", "https://example.com/data.csv"),
        ] {
            assert!(check_uri(kind, uri).is_ok(), "{kind} {uri}");
        }
        for (kind, uri) in [
            ("OSS", "oss://mybucket/mypath/"),
            ("OSS", "oss://My_Bucket.oss-cn-beijing.aliyuncs.com/"),
            ("OSS", "nas://09f1234f2.cn-hangzhou/"),
            ("NAS", "nas://09f1234f2/"),
            ("NAS", "oss://b.e/p"),
            ("CPFS", "nas://cpfs-0123.cn-hangzhou/"),
            ("CPFS", "nas://cpfs-0123456789abcdef.cn-hangzhou/"),
            ("MAXCOMPUTE", "https://example.com/"),
            ("URL", "ftp://example.com/x"),
        ] {
            let e = check_uri(kind, uri).unwrap_err();
            assert!(e.message.contains("Uri is"), "{kind} {uri}: {}", e.message);
        }
    }

    #[test]
    fn import_info_has_the_shape_of_its_storage() {
        assert!(
            check_import_info(
                "OSS",
                r#"{"region":"cn-hangzhou","bucket":"b","path":"/p"}"#
            )
            .is_ok()
        );
        assert!(
            check_import_info(
                "BMCPFS",
                r#"{"region":"cn-wulanchabu","fileSystemId":"bmcpfs-x","path":"/mnt","mountTarget":"m","isVpcMount":true}"#
            )
            .is_ok()
        );
        let e = check_import_info("NAS", r#"{"region":"r","fileSystemId":"f","path":"/"}"#)
            .unwrap_err();
        assert!(e.message.contains("mountTarget"), "{}", e.message);
        let e = check_import_info("OSS", "not json").unwrap_err();
        assert!(e.message.contains("not JSON"), "{}", e.message);
        assert!(check_import_info("URL", "{}").is_err());
    }

    #[test]
    fn json_string_fields_and_lists_are_checked() {
        assert!(check_options("Options", r#"{"mountPath": "/mnt/data/"}"#).is_ok());
        assert!(check_options("Options", "[1]").is_err());
        assert!(check_options("Options", "{mountPath").is_err());
        assert!(
            check_roles(
                "R",
                Some(vec!["*".into(), "PAI.AlgoOperator".into(), "role-1".into()])
            )
            .is_ok()
        );
        assert!(check_roles("R", Some(vec!["admin".into()])).is_err());
        let labels = check_labels(
            "Labels",
            Some(vec![
                Label {
                    key: Some("a".into()),
                    value: Some("1".into()),
                },
                Label {
                    key: Some("a".into()),
                    value: None,
                },
            ]),
        )
        .unwrap();
        assert_eq!(
            labels,
            [Label {
                key: Some("a".into()),
                value: Some(String::new())
            }]
        );
        assert!(check_labels("Labels", Some(vec![Label::default()])).is_err());
        assert_eq!(
            check_source(Some("itag".into()), None).unwrap_err().code,
            "MissingParameter"
        );
        assert_eq!(
            check_source(None, Some(" ".into())).unwrap(),
            ("USER".to_owned(), None)
        );
    }
}
