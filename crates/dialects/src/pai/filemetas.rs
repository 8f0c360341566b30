//! PAI's file metadata: the records of a version's files (from its FileMetaBuild, or declared
//! by the client), with their tags and soft deletion, kept as the catalog's file records under
//! the version's name.

use std::collections::BTreeMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::Value;
use wharf_catalog::{FileRecord, FileRecordOrder, FileRecordQuery, NewFileRecord, TagChange};
use wharf_model::{Dataset, Workspace};

use super::auth::Signed;
use super::checks::{items, one_of};
use super::envelope::{DATASET_ERROR, PaiError, answer};
use super::handlers::{
    Answered, dataset_of, dataset_to_change, descending, one_param, parse_body, two_params,
};
use super::jobs::{check_edition, epoch_ms, file_limit, file_meta_id, settle, split_uri};
use super::wire::{
    BatchOutcome, DatasetProfile, FileMetaAnswer, FileMetaContent, FileMetaList, FileMetaOutcome,
    FileMetaView, FileMetasBody, ListFileMetasQuery, VersionQuery,
};
use crate::DialectState;

const DEFAULT_MAX_RESULTS: i64 = 10;
const MAX_RESULTS: i64 = 100;
/// Items a create or update call may carry.
const MAX_BATCH: usize = 1000;
/// The tag group clients write.
const USER: &str = "user";
/// The tags of the platform's tagging models; Wharf runs none.
const AI: &str = "ai";
/// AI tags a person took away: they do not count as the file's tags.
const USER_DELETE_AI: &str = "user-delete-ai-tags";

/// The dataset, its PAI record and the version a file metadata call names, once the dataset's
/// finished builds are taken into account; refused for a BASIC dataset, and, for a call that
/// `changes` the metadata, for a dataset PAI did not make.
async fn version_of(
    state: &DialectState,
    workspace: &Workspace,
    dataset_id: &str,
    version: Option<String>,
    changes: bool,
) -> Result<(Dataset, DatasetProfile, String), PaiError> {
    let version = version
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            PaiError::missing(
                "DatasetVersion",
                "the version whose files these are, e.g. v1",
            )
        })?;
    let (dataset, profile) = if changes {
        dataset_to_change(state, workspace, dataset_id).await?
    } else {
        dataset_of(state, workspace, dataset_id).await?
    };
    check_edition(&dataset.id, &profile)?;
    if !profile.versions.iter().any(|v| v.version_name == version) {
        return Err(PaiError::no_version(&dataset.id, &version));
    }
    let profile = settle(state, workspace, &dataset).await?;
    Ok((dataset, profile, version))
}

pub(crate) async fn list_file_metas(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<ListFileMetasQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<FileMetaList> {
    let dataset_id = one_param(path)?;
    let Query(q) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let workspace = &signed.workspace;
    if let Some((field, _)) = [
        ("QueryText", &q.query_text),
        ("QueryImage", &q.query_image),
        ("QueryVideo", &q.query_video),
        ("QueryExpression", &q.query_expression),
    ]
    .into_iter()
    .find(|(_, v)| v.as_ref().is_some_and(|v| !v.trim().is_empty()))
    {
        return Err(PaiError::unsupported(format!(
            "{field} asks for a semantic search, which needs the platform's embedding models; Wharf filters by \
             folder, name, type, tags, times and ids (QueryFileDir, QueryFileName, QueryFileTypeIncludeAny, ...)"
        )));
    }
    if let Some(kind) = q.query_type.as_deref().filter(|t| !t.trim().is_empty()) {
        let kind = one_of("QueryType", kind, &["MIX", "TAG", "VECTOR"])?;
        if kind == "VECTOR" {
            return Err(PaiError::unsupported(
                "QueryType VECTOR is a semantic search, which needs the platform's embedding models; use TAG or MIX",
            ));
        }
    }
    let max_results = match q
        .max_results
        .as_deref()
        .or(q.page_size.as_deref())
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => DEFAULT_MAX_RESULTS,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_RESULTS).contains(n))
            .ok_or_else(|| {
                PaiError::invalid(format!(
                    "MaxResults is '{text}'; expected an integer from 1 to {MAX_RESULTS}"
                ))
            })?,
    };
    let deleted = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(false),
        Some(s) => match one_of("Status", s, &["ACTIVE", "DELETED", "ALL"])?.as_str() {
            "ACTIVE" => Some(false),
            "DELETED" => Some(true),
            _ => None,
        },
    };
    let sort = q
        .sort_by
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| one_of("SortBy", s, &["FileCreateTime", "FileUpdateTime"]))
        .transpose()?;
    let (order, descending) = match sort.as_deref() {
        // Newest first unless asked otherwise, as the platform sorts file metadata.
        Some(s) => (
            if s == "FileCreateTime" {
                FileRecordOrder::FileCreated
            } else {
                FileRecordOrder::FileUpdated
            },
            q.order.is_none() || descending(q.order.as_deref())?,
        ),
        // Without a sort there is no relevance to rank by: URIs in order.
        None => (FileRecordOrder::Uri, descending(q.order.as_deref())?),
    };
    let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, PaiError> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                epoch_ms(v).ok_or_else(|| {
                    PaiError::invalid(format!(
                        "{field} is '{v}'; expected an ISO 8601 time in UTC, e.g. 2025-01-02T03:04:05.000Z"
                    ))
                })
            })
            .transpose()
    };
    let query = FileRecordQuery {
        deleted,
        dir_contains: q.query_file_dir.filter(|d| !d.trim().is_empty()),
        name_contains: q.query_file_name.filter(|n| !n.trim().is_empty()),
        major_types: items(q.query_file_type_include_any.as_deref())
            .into_iter()
            .map(|t| t.to_ascii_lowercase())
            .collect(),
        media_types: items(q.query_content_type_include_any.as_deref())
            .into_iter()
            .map(|t| t.to_ascii_lowercase())
            .collect(),
        tags_all: items(q.query_tags_include_all.as_deref()),
        tags_any: items(q.query_tags_include_any.as_deref()),
        tags_none: items(q.query_tags_exclude.as_deref()),
        ignored_group: Some(USER_DELETE_AI.to_owned()),
        ids: items(q.dataset_file_meta_ids.as_deref()),
        file_updated: (
            time("StartFileUpdateTime", &q.start_file_update_time)?,
            time("EndFileUpdateTime", &q.end_file_update_time)?,
        ),
        tags_updated: (
            time("StartTagUpdateTime", &q.start_tag_update_time)?,
            time("EndTagUpdateTime", &q.end_tag_update_time)?,
        ),
        order,
        descending,
        cursor: q.next_token.filter(|t| !t.trim().is_empty()),
        limit: max_results,
    };
    let (dataset, profile, version) =
        version_of(&state, workspace, &dataset_id, q.dataset_version, false).await?;
    let page = state
        .catalog
        .list_file_records(&workspace.id, &dataset.id, &version, &query)
        .await
        .map_err(|e| match e.code {
            wharf_model::ErrorCode::InvalidRequest => {
                PaiError::invalid(format!("NextToken: {}", e.message))
            }
            _ => e.into(),
        })?;
    Ok(answer(FileMetaList {
        dataset_file_metas: page.page.items.into_iter().map(view).collect(),
        dataset_id: dataset.id,
        dataset_version: version,
        workspace_id: q
            .workspace_id
            .filter(|w| !w.trim().is_empty())
            .unwrap_or(profile.workspace_id),
        max_results,
        next_token: page.page.next,
        total_count: page.total,
    }))
}

pub(crate) async fn get_file_meta(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<VersionQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<FileMetaAnswer> {
    let (dataset_id, meta_id) = two_params(path)?;
    let Query(q) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let workspace = &signed.workspace;
    let (dataset, profile, version) =
        version_of(&state, workspace, &dataset_id, q.dataset_version, false).await?;
    let record = state
        .catalog
        .get_file_records(&workspace.id, &dataset.id, &version, std::slice::from_ref(&meta_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            PaiError::new(
                StatusCode::BAD_REQUEST,
                DATASET_ERROR,
                format!(
                    "Dataset file meta not found: version {version} of dataset {} has no file {meta_id}",
                    dataset.id
                ),
            )
        })?;
    Ok(answer(FileMetaAnswer {
        dataset_file_meta: view(record),
        dataset_id: dataset.id,
        dataset_version: version,
        workspace_id: q
            .workspace_id
            .filter(|w| !w.trim().is_empty())
            .unwrap_or(profile.workspace_id),
    }))
}

pub(crate) async fn create_file_metas(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<BatchOutcome> {
    let dataset_id = one_param(path)?;
    let workspace = &signed.workspace;
    let body: FileMetasBody = parse_body(&signed.body)?;
    let metas = batch(body.dataset_file_metas)?;
    let (dataset, profile, version) =
        version_of(&state, workspace, &dataset_id, body.dataset_version, true).await?;
    let limit = file_limit(&profile.edition).unwrap_or_default();
    let mut room = limit
        - state
            .catalog
            .count_file_records(&workspace.id, &dataset.id, &version)
            .await?;
    let mut valid = Vec::new();
    let mut succeed = Vec::new();
    let mut failed = Vec::new();
    for meta in metas {
        let uri = meta.uri.clone();
        match new_record(&dataset.id, &version, meta) {
            Ok(_) if room <= 0 => failed.push(FileMetaOutcome {
                dataset_file_meta_id: None,
                result: format!(
                    "version {version} manages {limit} files already, the most the {} edition allows",
                    profile.edition
                ),
                uri,
            }),
            Ok((record, tags)) => {
                room -= 1;
                succeed.push(FileMetaOutcome {
                    dataset_file_meta_id: Some(record.id.clone()),
                    result: "Succeed".to_owned(),
                    uri: Some(record.uri.clone()),
                });
                valid.push((record, tags));
            }
            Err(why) => failed.push(FileMetaOutcome {
                dataset_file_meta_id: None,
                result: why,
                uri,
            }),
        }
    }
    state
        .catalog
        .put_file_records(&workspace.id, &dataset.id, &version, &valid)
        .await?;
    Ok(answer(BatchOutcome {
        status: failed.is_empty(),
        succeed_details: Some(succeed),
        failed_details: failed,
    }))
}

pub(crate) async fn update_file_metas(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<BatchOutcome> {
    let dataset_id = one_param(path)?;
    let workspace = &signed.workspace;
    let body: FileMetasBody = parse_body(&signed.body)?;
    let metas = batch(body.dataset_file_metas)?;
    let (dataset, _, version) =
        version_of(&state, workspace, &dataset_id, body.dataset_version, true).await?;
    let wanted: Vec<String> = metas
        .iter()
        .filter_map(|m| m.dataset_file_meta_id.clone())
        .collect();
    let found: BTreeMap<String, FileRecord> = state
        .catalog
        .get_file_records(&workspace.id, &dataset.id, &version, &wanted)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut changes = Vec::new();
    let mut failed = Vec::new();
    for meta in metas {
        let id = meta.dataset_file_meta_id.clone();
        let outcome = |result: String, uri: Option<String>| FileMetaOutcome {
            dataset_file_meta_id: id.clone(),
            result,
            uri,
        };
        let Some(record) = id.as_ref().and_then(|id| found.get(id)) else {
            failed.push(outcome(
                if id.is_none() {
                    "DatasetFileMetaId is missing".to_owned()
                } else {
                    "Not Found".to_owned()
                },
                None,
            ));
            continue;
        };
        match updated(record, &meta) {
            Ok(change) => changes.push(change),
            Err(why) => failed.push(outcome(why, Some(record.uri.clone()))),
        }
    }
    state
        .catalog
        .put_file_records(&workspace.id, &dataset.id, &version, &changes)
        .await?;
    Ok(answer(BatchOutcome {
        status: failed.is_empty(),
        succeed_details: None,
        failed_details: failed,
    }))
}

pub(crate) async fn delete_file_metas(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<VersionQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<BatchOutcome> {
    let dataset_id = one_param(path)?;
    let Query(q) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let workspace = &signed.workspace;
    let ids = items(q.dataset_file_meta_ids.as_deref());
    if ids.is_empty() {
        return Err(PaiError::missing(
            "DatasetFileMetaIds",
            "the ids of the file metadata to delete, separated by commas",
        ));
    }
    let (dataset, _, version) =
        version_of(&state, workspace, &dataset_id, q.dataset_version, true).await?;
    let deleted = state
        .catalog
        .set_file_records_deleted(&workspace.id, &dataset.id, &version, &ids, true)
        .await?;
    let failed: Vec<FileMetaOutcome> = ids
        .into_iter()
        .filter(|id| !deleted.contains(id))
        .map(|id| FileMetaOutcome {
            dataset_file_meta_id: Some(id),
            result: "Not Found".to_owned(),
            uri: None,
        })
        .collect();
    Ok(answer(BatchOutcome {
        status: failed.is_empty(),
        succeed_details: None,
        failed_details: failed,
    }))
}

/// The items of a create or update call: at least one, at most [`MAX_BATCH`].
fn batch(metas: Option<Vec<FileMetaContent>>) -> Result<Vec<FileMetaContent>, PaiError> {
    let metas = metas.unwrap_or_default();
    if metas.is_empty() {
        return Err(PaiError::missing(
            "DatasetFileMetas",
            "a list of file metadata records",
        ));
    }
    if metas.len() > MAX_BATCH {
        return Err(PaiError::invalid(format!(
            "DatasetFileMetas has {} records; expected at most {MAX_BATCH} a call",
            metas.len()
        )));
    }
    Ok(metas)
}

/// A declared file's record and its tags, or why the item fails.
fn new_record(
    dataset_id: &str,
    version: &str,
    meta: FileMetaContent,
) -> Result<(NewFileRecord, Vec<TagChange>), String> {
    let required = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("{field} is missing"))
    };
    let uri = file_uri(&required("Uri", &meta.uri)?)?;
    let fingerprint = required("FileFingerPrint", &meta.file_finger_print)?;
    let updated = required("FileUpdateTime", &meta.file_update_time)?;
    let file_type = required("FileType", &meta.file_type)?.to_ascii_lowercase();
    let content_type = required("ContentType", &meta.content_type)?.to_ascii_lowercase();
    if content_type.split_once('/').map(|(major, _)| major) != Some(file_type.as_str()) {
        return Err(format!(
            "ContentType {content_type} is not of FileType {file_type}; expected e.g. FileType image with ContentType image/jpeg"
        ));
    }
    let time = |field: &str, value: &str| {
        epoch_ms(value).ok_or_else(|| {
            format!("{field} is '{value}'; expected an ISO 8601 time in UTC, e.g. 2025-01-02T03:04:05.000Z")
        })
    };
    let file_updated_ms = Some(time("FileUpdateTime", &updated)?);
    let file_created_ms = meta
        .file_create_time
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| time("FileCreateTime", t))
        .transpose()?;
    if meta.data_size.is_some_and(|s| s < 0) {
        return Err("DataSize is negative".to_owned());
    }
    let attributes = json_text("MetaAttributes", meta.meta_attributes)?;
    let tags = match meta.tags.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => {
            let changes = tag_changes(text)?;
            if let Some(other) = changes
                .iter()
                .find(|c| c.group != USER || !c.remove.is_empty())
            {
                return Err(format!(
                    "Tags may only add tags of the user group when a file is created; found group {}",
                    other.group
                ));
            }
            changes
        }
        None => Vec::new(),
    };
    let (dir, name) = split_uri(&uri);
    Ok((
        NewFileRecord {
            id: file_meta_id(dataset_id, version, &uri),
            name: meta
                .file_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(name),
            dir,
            fingerprint,
            size: meta.data_size,
            media_type: content_type,
            file_created_ms,
            file_updated_ms,
            attributes,
            comment: meta.comment,
            uri,
        },
        tags,
    ))
}

/// An existing record with an update's changes, or why the item fails.
fn updated(
    record: &FileRecord,
    meta: &FileMetaContent,
) -> Result<(NewFileRecord, Vec<TagChange>), String> {
    let tags = match meta.tags.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => tag_changes(text)?,
        None => Vec::new(),
    };
    if tags.iter().any(|c| c.group == AI) {
        return Err(
            "tags of the ai group are written by an IntelligentTag job (TagJobId), which Wharf does not run; \
             write user tags, or take ai tags away with user-delete-ai-tags"
                .to_owned(),
        );
    }
    let ms = |t: &Option<String>| t.as_deref().and_then(epoch_ms);
    Ok((
        NewFileRecord {
            id: record.id.clone(),
            uri: record.uri.clone(),
            dir: record.dir.clone(),
            name: record.name.clone(),
            fingerprint: record.fingerprint.clone(),
            size: record.size,
            media_type: record.media_type.clone(),
            file_created_ms: ms(&record.file_created_at),
            file_updated_ms: ms(&record.file_updated_at),
            attributes: json_text("MetaAttributes", meta.meta_attributes.clone())?,
            comment: meta.comment.clone(),
        },
        tags,
    ))
}

/// A file's `Uri` in the file metadata form: `oss://bucket/path` (an endpoint after the bucket
/// is dropped) or `s3://bucket/path`.
fn file_uri(uri: &str) -> Result<String, String> {
    let refuse = || {
        format!(
            "Uri is '{uri}'; expected a file as oss://<bucket>/<path> (or s3://<bucket>/<path>)"
        )
    };
    let (scheme, rest) = uri.split_once("://").ok_or_else(refuse)?;
    let (host, path) = rest.split_once('/').ok_or_else(refuse)?;
    let scheme = scheme.to_ascii_lowercase();
    let bucket = match scheme.as_str() {
        "oss" => host.split_once('.').map_or(host, |(b, _)| b),
        "s3" => host,
        _ => return Err(refuse()),
    };
    if bucket.is_empty() || path.is_empty() || path.ends_with('/') {
        return Err(refuse());
    }
    Ok(format!("{scheme}://{bucket}/{path}"))
}

/// A JSON-string field: JSON, or refused naming the field.
fn json_text(field: &str, value: Option<String>) -> Result<Option<String>, String> {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(_) => Ok(Some(text)),
            Err(e) => Err(format!("{field} is not JSON ({e})")),
        },
        None => Ok(None),
    }
}

/// `Tags` as the platform writes them: per group, `{"add": [...], "remove": [...]}` or a plain
/// list of tags to add.
fn tag_changes(text: &str) -> Result<Vec<TagChange>, String> {
    let expected =
        "expected a JSON string such as {\"user\": {\"add\": [\"Lane line\"], \"remove\": []}}";
    let Ok(Value::Object(groups)) = serde_json::from_str::<Value>(text) else {
        return Err(format!("Tags is '{text}'; {expected}"));
    };
    let strings = |value: Option<&Value>| -> Result<Vec<String>, String> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("Tags has {i}, which is no text; {expected}"))
                })
                .collect(),
            Some(other) => Err(format!("Tags has {other} where a list belongs; {expected}")),
        }
    };
    let mut changes = Vec::new();
    for (group, value) in groups {
        if ![USER, AI, USER_DELETE_AI].contains(&group.as_str()) {
            return Err(format!(
                "Tags has group '{group}'; expected {USER}, {USER_DELETE_AI} or {AI}"
            ));
        }
        let (add, remove) = match &value {
            Value::Object(ops) => (strings(ops.get("add"))?, strings(ops.get("remove"))?),
            list => (strings(Some(list))?, Vec::new()),
        };
        changes.push(TagChange { group, add, remove });
    }
    Ok(changes)
}

fn view(record: FileRecord) -> FileMetaView {
    let mut tags: BTreeMap<String, Vec<String>> = [USER, AI, USER_DELETE_AI]
        .iter()
        .map(|g| ((*g).to_owned(), Vec::new()))
        .collect();
    tags.extend(record.tags);
    FileMetaView {
        file_type: record
            .media_type
            .split_once('/')
            .map_or(record.media_type.as_str(), |(major, _)| major)
            .to_owned(),
        content_type: record.media_type,
        dataset_file_meta_id: record.id,
        uri: record.uri,
        file_name: record.name,
        file_dir: record.dir,
        data_size: record.size,
        file_finger_print: record.fingerprint,
        file_create_time: record.file_created_at,
        file_update_time: record.file_updated_at,
        meta_attributes: record.attributes,
        tags: serde_json::to_string(&tags).unwrap_or_default(),
        tag_update_time: record.tags_updated_at,
        status: if record.deleted { "DELETED" } else { "ACTIVE" },
        comment: record.comment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_in_both_forms_and_checked() {
        let changes = tag_changes(
            r#"{"user": {"add": ["a", "b"], "remove": ["c"]}, "user-delete-ai-tags": ["x"]}"#,
        )
        .unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(
            (changes[0].add.clone(), changes[0].remove.clone()),
            (vec!["a".to_owned(), "b".to_owned()], vec!["c".to_owned()])
        );
        assert_eq!(changes[1].group, USER_DELETE_AI);
        assert!(
            tag_changes(r#"{"mine": ["a"]}"#)
                .unwrap_err()
                .contains("mine")
        );
        assert!(tag_changes("[1]").is_err());
        assert!(tag_changes(r#"{"user": [1]}"#).is_err());
    }

    #[test]
    fn file_uris_take_the_file_metadata_form() {
        assert_eq!(
            file_uri("oss://bkt.oss-cn-hangzhou.aliyuncs.com/a/b.png").unwrap(),
            "oss://bkt/a/b.png"
        );
        assert_eq!(file_uri("s3://bkt/a.png").unwrap(), "s3://bkt/a.png");
        for bad in ["oss://bkt/", "oss://bkt", "gs://bkt/a", "a.png"] {
            assert!(file_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn declared_files_need_the_required_fields() {
        let meta = FileMetaContent {
            uri: Some("oss://bkt/dataset/cat.png".into()),
            file_finger_print: Some("etag".into()),
            file_update_time: Some("2025-01-02T03:04:05.000Z".into()),
            file_type: Some("image".into()),
            content_type: Some("image/png".into()),
            tags: Some(r#"{"user": {"add": ["cat"]}}"#.into()),
            ..FileMetaContent::default()
        };
        let (record, tags) = new_record("d", "v1", meta.clone()).unwrap();
        assert_eq!(
            (record.dir.as_str(), record.name.as_str()),
            ("dataset", "cat.png")
        );
        assert_eq!(
            record.id,
            file_meta_id("d", "v1", "oss://bkt/dataset/cat.png")
        );
        assert_eq!(tags[0].add, ["cat"]);
        let mut wrong = meta.clone();
        wrong.content_type = Some("text/plain".into());
        assert!(
            new_record("d", "v1", wrong)
                .unwrap_err()
                .contains("FileType")
        );
        let mut ai = meta.clone();
        ai.tags = Some(r#"{"ai": ["x"]}"#.into());
        assert!(
            new_record("d", "v1", ai)
                .unwrap_err()
                .contains("user group")
        );
        let mut missing = meta;
        missing.file_finger_print = None;
        assert_eq!(
            new_record("d", "v1", missing).unwrap_err(),
            "FileFingerPrint is missing"
        );
    }
}
