//! ModelArts' endpoints, each a translation into Wharf's own service and back.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use wharf_catalog::{DatasetFilter, JobFilter, NewDataset};
use wharf_engine::{ImportRequest, ValidateRequest, submit_import, validate_request};
use wharf_formats::{PLAIN, coco, manifest, modelarts_dir, voc, yolo};
use wharf_model::{
    Dataset, Dialect, ErrorCode, ImportOptions, Job, JobState, TableColumn, TextLabelPlacement,
    TextLabels, ValidationReport,
};
use wharf_storage::SourceUri;

use super::VALIDATE_WITHIN;
use super::auth::Signed;
use super::envelope::{
    DATASET_EXISTS, EMPTY_REQUEST, IMPORT_FAILED, IMPORT_RUNNING, INCORRECT_JSON, ModelArtsError,
    NO_VALID_FILE, SUBDIRECTORY_REQUIRED, TASK_NOT_FOUND, TASK_STOPPED, code_of,
};
use super::wire::{
    CreateDatasetBody, DataSource, DataSourceView, DatasetCreated, DatasetList, DatasetListQuery,
    DatasetProfile, DatasetView, FileStatistics, ImportTaskBody, ImportTaskList, ImportTaskView,
    LabelFormat, LabelFormatView, LabelRef, PageQuery, SchemaMap, TaskCreated, default_data_format,
    default_workspace_id,
};
use crate::{ALPHANUMERIC, DialectState, random_id};

/// Characters of the platform's dataset ids (its examples: `gfghHSokody6AJigS5A`), and of a
/// task id's own suffix.
const DATASET_ID_LENGTH: usize = 19;

/// Dataset types: the code, what the platform calls it, and Wharf's data type.
const DATASET_TYPES: &[(i64, &str, &str)] = &[
    (0, "image classification", "image"),
    (1, "object detection", "image"),
    (3, "image segmentation", "image"),
    (100, "text classification", "text"),
    (101, "named entity recognition", "text"),
    (102, "text triplet", "text"),
    (200, "sound classification", "audio"),
    (201, "speech content", "audio"),
    (202, "speech paragraph labeling", "audio"),
    (400, "table", "table"),
    (600, "video labeling", "video"),
    (900, "free format", "common"),
];
const TABLE: i64 = 400;
const FREE_FORMAT: i64 = 900;
const OBJECT_DETECTION: i64 = 1;
/// The longest dataset name, in characters.
const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 256;
const DESCRIPTION_FORBIDDEN: &str = "^!<>=&\"'";
const WORK_PATH_CHARS: std::ops::RangeInclusive<usize> = 3..=700;
/// Characters a separator may be besides letters, digits and the tab.
const SEPARATOR_SPECIALS: &str = "!@#$%^&*_=|?/':.;,";
/// Dataset statuses.
const NORMAL: i64 = 1;
const IMPORTING: i64 = 8;
/// Rows read per catalog page when a listing needs them all.
const PAGE: i64 = 1000;
const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 100;

pub(crate) async fn create_dataset(
    State(state): State<DialectState>,
    _project: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<(StatusCode, Json<DatasetCreated>), ModelArtsError> {
    let workspace_id = signed.workspace.id.clone();
    let body: CreateDatasetBody = parse_body(&signed.body)?;
    let (new, profile, import) = check_dataset(body)?;
    if state
        .catalog
        .find_dataset(&workspace_id, &new.name)
        .await?
        .is_some_and(|d| d.name == new.name)
    {
        return Err(ModelArtsError::new(
            DATASET_EXISTS,
            format!(
                "Dataset already exists: dataset_name '{}' is taken in this project; choose another name",
                new.name
            ),
        ));
    }
    // The import is checked before the dataset is made, so that a refusal leaves nothing.
    let request = match import {
        Some(task) => Some(plan_import(&state, &workspace_id, &profile, task).await?),
        None => None,
    };
    let dataset = state.catalog.create_dataset(&workspace_id, new).await?;
    match furnish(&state, &workspace_id, &dataset, &profile, request).await {
        Ok(import_task_id) => Ok((
            StatusCode::CREATED,
            Json(DatasetCreated {
                dataset_id: dataset.id,
                import_task_id,
            }),
        )),
        Err(e) => {
            if let Err(undo) = state
                .catalog
                .delete_dataset(&workspace_id, &dataset.id)
                .await
            {
                tracing::warn!(dataset = %dataset.id, error = %undo, "cannot remove a dataset whose creation failed");
            }
            Err(e)
        }
    }
}

/// Records what ModelArts keeps of a new dataset and queues its import, if any. Returns the
/// import's task id.
async fn furnish(
    state: &DialectState,
    workspace_id: &str,
    dataset: &Dataset,
    profile: &DatasetProfile,
    request: Option<ImportRequest>,
) -> Result<Option<String>, ModelArtsError> {
    let attributes = serde_json::to_value(profile)
        .map_err(|e| ModelArtsError::from(wharf_model::WharfError::internal(e.to_string())))?;
    state
        .catalog
        .set_dataset_attributes(workspace_id, &dataset.id, Dialect::Modelarts, &attributes)
        .await?;
    match request {
        Some(request) => Ok(Some(
            submit(state, workspace_id, dataset, request).await?.id,
        )),
        None => Ok(None),
    }
}

/// Checks a create request: the native dataset, what ModelArts keeps of it, and the import of
/// its data source when there is one to make.
fn check_dataset(
    body: CreateDatasetBody,
) -> Result<(NewDataset, DatasetProfile, Option<ImportTaskBody>), ModelArtsError> {
    let name = body.dataset_name.unwrap_or_default();
    let name_chars = name.chars().count();
    if name_chars == 0
        || name_chars > MAX_NAME_CHARS
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ModelArtsError::invalid(format!(
            "dataset_name is '{name}'; expected 1 to {MAX_NAME_CHARS} characters: letters, digits, '_' and '-'"
        )));
    }
    let dataset_type = body.dataset_type.unwrap_or(FREE_FORMAT);
    let data_type = native_data_type(dataset_type)?;
    let description = body.description.unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION_CHARS
        || description
            .chars()
            .any(|c| DESCRIPTION_FORBIDDEN.contains(c))
    {
        return Err(ModelArtsError::invalid(format!(
            "description has {} characters; expected at most {MAX_DESCRIPTION_CHARS}, none of {DESCRIPTION_FORBIDDEN}",
            description.chars().count()
        )));
    }
    let data_format = body.data_format.unwrap_or_else(default_data_format);
    match data_format.as_str() {
        "Default" => {}
        "CarbonData" if dataset_type == TABLE => {}
        other => {
            return Err(ModelArtsError::invalid(format!(
                "data_format is '{other}'; expected \"Default\", or \"CarbonData\" for a table dataset (dataset_type 400)"
            )));
        }
    }
    let work_path_type = body.work_path_type.unwrap_or(0);
    if work_path_type != 0 {
        return Err(ModelArtsError::invalid(format!(
            "work_path_type is {work_path_type}; expected 0 (OBS)"
        )));
    }
    let sources = body.data_sources.unwrap_or_default();
    let [source] = sources.as_slice() else {
        return Err(ModelArtsError::invalid(format!(
            "data_sources holds {} data sources; expected exactly one, with the data_path of the input directory",
            sources.len()
        )));
    };
    check_origin(None, source)?;
    let Some(input) = source
        .data_path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    else {
        return Err(ModelArtsError::invalid(
            "data_sources[0].data_path is missing; expected the input directory, e.g. /bucket/path/",
        ));
    };
    let input_dir = obs_dir("data_sources[0].data_path", input)?;
    let work_path = body.work_path.unwrap_or_default();
    let work_dir = obs_dir("work_path", &work_path)?;
    if !WORK_PATH_CHARS.contains(&work_path.trim().chars().count()) {
        return Err(ModelArtsError::invalid(format!(
            "work_path has {} characters; expected {} to {}",
            work_path.trim().chars().count(),
            WORK_PATH_CHARS.start(),
            WORK_PATH_CHARS.end()
        )));
    }
    if work_dir.starts_with(&input_dir) {
        return Err(ModelArtsError::invalid(format!(
            "work_path {work_dir} is the input directory or inside it ({input_dir}); expected an output directory elsewhere"
        )));
    }
    let label_format = body.label_format.map(check_label_format).transpose()?;
    let labels = body
        .labels
        .unwrap_or_default()
        .into_iter()
        .map(|l| match l {
            LabelRef::Name(name) => super::wire::Label {
                name: Some(name),
                label_type: None,
                property: None,
                attributes: None,
            },
            LabelRef::Label(label) => label,
        })
        .collect();
    let import_data = body.import_data.unwrap_or(false);
    let schema = body.schema.unwrap_or_default();
    table_columns(&schema, source.schema_maps.as_deref().unwrap_or_default())?;
    let profile = DatasetProfile {
        dataset_type,
        work_path: Some(work_dir),
        work_path_type,
        data_format,
        data_sources: vec![DataSourceView {
            data_type: 0,
            data_path: input_dir,
            with_column_header: source.with_column_header,
            schema_maps: source.schema_maps.clone().unwrap_or_default(),
        }],
        label_format,
        labels,
        schema,
        import_annotations: body.import_annotations.unwrap_or(true),
        import_data,
        managed: body.managed.unwrap_or(false),
        workspace_id: body.workspace_id.unwrap_or_else(default_workspace_id),
    };
    // A table dataset imports its source only when asked (import_data); others always do.
    let import = (dataset_type != TABLE || import_data).then(|| ImportTaskBody {
        import_path: Some(input.to_owned()),
        import_type: Some("dir".to_owned()),
        import_annotations: Some(profile.import_annotations),
        with_column_header: source.with_column_header,
        ..ImportTaskBody::default()
    });
    let new = NewDataset {
        name,
        description,
        data_type: Some(data_type.to_owned()),
        origin: Some(Dialect::Modelarts),
        id: Some(random_id(DATASET_ID_LENGTH, ALPHANUMERIC)),
        ..NewDataset::default()
    };
    Ok((new, profile, import))
}

pub(crate) async fn list_datasets(
    State(state): State<DialectState>,
    _project: Result<Path<String>, PathRejection>,
    query: Result<Query<DatasetListQuery>, QueryRejection>,
    signed: Signed,
) -> Result<Json<DatasetList>, ModelArtsError> {
    let Query(query) = query.map_err(|e| ModelArtsError::invalid(e.body_text()))?;
    let workspace_id = &signed.workspace.id;
    let (limit, page) = paging(query.limit.as_deref(), query.offset.as_deref())?;
    let wanted_type = query
        .dataset_type
        .as_deref()
        .map(|t| {
            t.trim()
                .parse::<i64>()
                .map_err(|_| dataset_type_refused(t))
                .and_then(|code| native_data_type(code).map(|_| code))
        })
        .transpose()?;
    let ascending = match query.order.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(ModelArtsError::invalid(format!(
                "order is '{other}'; expected \"asc\" or \"desc\""
            )));
        }
    };
    let mut profiles = state
        .catalog
        .workspace_dataset_attributes(workspace_id, Dialect::Modelarts)
        .await?;
    let mut datasets = Vec::new();
    let mut offset = 0;
    loop {
        let found = state
            .catalog
            .list_datasets(
                workspace_id,
                &DatasetFilter {
                    name_contains: query.search_content.clone().filter(|s| !s.is_empty()),
                    offset,
                    limit: PAGE,
                    ..DatasetFilter::default()
                },
            )
            .await?;
        for dataset in found.items {
            let profile = profile_of(&dataset, profiles.remove(&dataset.id));
            if wanted_type.is_none_or(|t| t == profile.dataset_type) {
                datasets.push((dataset, profile));
            }
        }
        match found.next.and_then(|n| n.parse().ok()) {
            Some(next) => offset = next,
            None => break,
        }
    }
    datasets.sort_by(|(a, _), (b, _)| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    if !ascending {
        datasets.reverse();
    }
    let total_number = datasets.len() as i64;
    let running = running_jobs(&state, workspace_id, None).await?;
    let mut views = Vec::new();
    for (dataset, profile) in datasets
        .into_iter()
        .skip((page * limit) as usize)
        .take(limit as usize)
    {
        views.push(dataset_view(&state, workspace_id, dataset, profile, &running, None).await?);
    }
    Ok(Json(DatasetList {
        total_number,
        datasets: views,
    }))
}

pub(crate) async fn get_dataset(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Result<Json<DatasetView>, ModelArtsError> {
    let (_, dataset_id) = path_params(path)?;
    let workspace_id = &signed.workspace.id;
    let (dataset, profile) = dataset_of(&state, workspace_id, &dataset_id).await?;
    let running = running_jobs(&state, workspace_id, Some(&dataset.id)).await?;
    let latest = latest_job(&state, workspace_id, &dataset.id).await?;
    let view = dataset_view(
        &state,
        workspace_id,
        dataset,
        profile,
        &running,
        latest.map(|j| j.id),
    )
    .await?;
    Ok(Json(view))
}

pub(crate) async fn create_task(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Result<Json<TaskCreated>, ModelArtsError> {
    let (_, dataset_id) = path_params(path)?;
    let workspace_id = &signed.workspace.id;
    let body: ImportTaskBody = parse_body(&signed.body)?;
    let (dataset, profile) = dataset_of(&state, workspace_id, &dataset_id).await?;
    if let Some(job) = running_jobs(&state, workspace_id, Some(&dataset.id))
        .await?
        .into_values()
        .next()
    {
        return Err(ModelArtsError::new(
            IMPORT_RUNNING,
            format!(
                "Dataset already has running import task: task {job} imports into dataset {}; wait until it is COMPLETED or FAILED",
                dataset.id
            ),
        ));
    }
    let request = plan_import(&state, workspace_id, &profile, body).await?;
    let job = submit(&state, workspace_id, &dataset, request).await?;
    Ok(Json(TaskCreated { task_id: job.id }))
}

pub(crate) async fn list_tasks(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
    signed: Signed,
) -> Result<Json<ImportTaskList>, ModelArtsError> {
    let (_, dataset_id) = path_params(path)?;
    let Query(query) = query.map_err(|e| ModelArtsError::invalid(e.body_text()))?;
    let workspace_id = &signed.workspace.id;
    let (limit, page) = paging(query.limit.as_deref(), query.offset.as_deref())?;
    let (dataset, _) = dataset_of(&state, workspace_id, &dataset_id).await?;
    let jobs = all_jobs(&state, workspace_id, &dataset.id, None).await?;
    let total_count = jobs.len() as i64;
    let mut import_tasks = Vec::new();
    for job in jobs
        .iter()
        .skip((page * limit) as usize)
        .take(limit as usize)
    {
        import_tasks.push(task_view(&state, workspace_id, job).await?);
    }
    Ok(Json(ImportTaskList {
        total_count,
        import_tasks,
    }))
}

pub(crate) async fn get_task(
    State(state): State<DialectState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    signed: Signed,
) -> Result<Json<ImportTaskView>, ModelArtsError> {
    let Path((_, dataset_id, task_id)) =
        path.map_err(|e| ModelArtsError::invalid(e.body_text()))?;
    let workspace_id = &signed.workspace.id;
    let (dataset, _) = dataset_of(&state, workspace_id, &dataset_id).await?;
    let not_found = || {
        ModelArtsError::new(
            TASK_NOT_FOUND,
            format!(
                "Task not found: dataset {} has no import task {task_id}",
                dataset.id
            ),
        )
    };
    let job = match state.catalog.get_job(workspace_id, &task_id).await {
        Ok(job) if job.dataset_id == dataset.id => job,
        Ok(_) => return Err(not_found()),
        Err(e) if e.code == ErrorCode::NotFound => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok(Json(task_view(&state, workspace_id, &job).await?))
}

/// Checks an import request against the dataset and the source, and says how Wharf reads it.
async fn plan_import(
    state: &DialectState,
    workspace_id: &str,
    profile: &DatasetProfile,
    body: ImportTaskBody,
) -> Result<ImportRequest, ModelArtsError> {
    let data_source = body.data_source.clone().unwrap_or_default();
    check_origin(body.import_origin.as_deref(), &data_source)?;
    let Some(import_path) = body
        .import_path
        .as_deref()
        .or(data_source.data_path.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())
    else {
        return Err(ModelArtsError::invalid(
            "import_path is missing; expected the OBS directory or the manifest file to import, e.g. obs://bucket/path/",
        ));
    };
    let uri = source_uri("import_path", import_path)?;
    let manifest_import = match body.import_type.as_deref().map(str::trim) {
        Some("dir" | "0") => false,
        Some("manifest" | "1") => true,
        None => uri.prefix.ends_with(".manifest"),
        Some(other) => {
            return Err(ModelArtsError::invalid(format!(
                "import_type is '{other}'; expected \"dir\" (or 0) to import a directory, \"manifest\" (or 1) to import a manifest file"
            )));
        }
    };
    let type_name = type_name(profile.dataset_type);
    if manifest_import && matches!(profile.dataset_type, TABLE | FREE_FORMAT) {
        return Err(ModelArtsError::invalid(format!(
            "import_type is manifest, but dataset_type {} ({type_name}) has no manifest format; expected import_type \"dir\"",
            profile.dataset_type
        )));
    }
    let annotation_format = body
        .annotation_format
        .as_deref()
        .map(|f| match (f.trim().to_ascii_uppercase().as_str(), profile.dataset_type) {
            ("VOC", OBJECT_DETECTION) => Ok(voc::FORMAT),
            ("COCO", OBJECT_DETECTION) => Ok(coco::FORMAT),
            (_, OBJECT_DETECTION) => Err(ModelArtsError::invalid(format!(
                "annotation_format is '{f}'; expected \"VOC\" or \"COCO\""
            ))),
            _ => Err(ModelArtsError::invalid(format!(
                "annotation_format is only for object detection datasets (dataset_type 1); this dataset is dataset_type {} ({type_name})",
                profile.dataset_type
            ))),
        })
        .transpose()?;
    let label_format = body
        .label_format
        .map(check_label_format)
        .transpose()?
        .or_else(|| profile.label_format.clone());
    let included_labels = label_names("included_labels", body.included_labels)?;
    let excluded_labels = label_names("excluded_labels", body.excluded_labels)?;
    let connection = connection_for(state, workspace_id, &uri).await?;
    let (source, format, manifest) = if manifest_import {
        let (folder, file) = split_manifest(uri.as_str());
        (folder, manifest::FORMAT.to_owned(), file)
    } else {
        let layouts = dir_layouts(profile.dataset_type, annotation_format);
        let format = choose_layout(
            state,
            workspace_id,
            uri.as_str(),
            connection.clone(),
            profile.dataset_type,
            &layouts,
        )
        .await?;
        (uri.as_str().to_owned(), format, None)
    };
    let with_column_header = body
        .with_column_header
        .or(data_source.with_column_header)
        .or_else(|| {
            profile
                .data_sources
                .first()
                .and_then(|s| s.with_column_header)
        })
        .unwrap_or(false);
    let table_schema = if profile.dataset_type == TABLE {
        let maps = match &data_source.schema_maps {
            Some(maps) => maps.as_slice(),
            None => profile
                .data_sources
                .first()
                .map_or(&[][..], |s| s.schema_maps.as_slice()),
        };
        table_columns(&profile.schema, maps)?
    } else {
        Vec::new()
    };
    Ok(ImportRequest {
        source,
        dataset: String::new(),
        create_dataset: false,
        data_type: None,
        credentials: None,
        connection,
        dialect: Some(Dialect::Modelarts),
        job_id: None,
        options: ImportOptions {
            format: Some(format),
            import_samples: body.import_samples.unwrap_or(true),
            import_annotations: body.import_annotations.unwrap_or(true),
            included_labels,
            excluded_labels,
            difficult_only: body.difficult_only.unwrap_or(false),
            keep_absent: true,
            manifest,
            text_labels: label_format.map(text_labels).unwrap_or_default(),
            with_column_header,
            table_schema,
            // The platform knows a sample by its OBS object, however an import reached it.
            key_by_object_uri: true,
            ..ImportOptions::default()
        },
    })
}

/// A table dataset's `schema` (`[{schema_id, name, type, description}]`) as Wharf's table
/// columns, each named in the source as `schema_maps` says; 4396 naming the first bad field.
fn table_columns(
    schema: &[serde_json::Value],
    maps: &[SchemaMap],
) -> Result<Vec<TableColumn>, ModelArtsError> {
    const TYPES: &str = "String, Short, Int, Long, Double, Float, Byte, Date, Timestamp or Boolean";
    let columns = schema
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let name = field
                .get("name")
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    ModelArtsError::invalid(format!(
                        "schema[{i}].name is missing; expected the column's name"
                    ))
                })?;
            let kind = field
                .get("type")
                .and_then(serde_json::Value::as_str)
                .filter(|t| modelarts_dir::ColumnKind::from_name(t).is_some())
                .ok_or_else(|| {
                    ModelArtsError::invalid(format!(
                        "schema[{i}].type is {}; expected one of {TYPES}",
                        field
                            .get("type")
                            .map_or("missing".to_owned(), |t| t.to_string())
                    ))
                })?;
            Ok(TableColumn {
                name: name.to_owned(),
                kind: kind.to_owned(),
                source_name: maps
                    .iter()
                    .find(|m| m.dest_name == name)
                    .map(|m| m.src_name.clone()),
            })
        })
        .collect::<Result<Vec<_>, ModelArtsError>>()?;
    if let Some(map) = maps
        .iter()
        .find(|m| !columns.iter().any(|c| c.name == m.dest_name))
    {
        return Err(ModelArtsError::invalid(format!(
            "schema_maps maps '{}' to '{}', which is no column of the schema; expected a dest_name from schema",
            map.src_name, map.dest_name
        )));
    }
    Ok(columns)
}

/// Queues a planned import into `dataset`.
async fn submit(
    state: &DialectState,
    workspace_id: &str,
    dataset: &Dataset,
    request: ImportRequest,
) -> Result<Job, ModelArtsError> {
    // The platform's task ids are the dataset's id, `_` and a suffix of their own.
    let request = ImportRequest {
        dataset: dataset.id.clone(),
        job_id: Some(format!(
            "{}_{}",
            dataset.id,
            random_id(DATASET_ID_LENGTH, ALPHANUMERIC)
        )),
        ..request
    };
    let job = submit_import(&state.catalog, state.engine.policy(), workspace_id, request)
        .await
        .map_err(|e| match e.code {
            ErrorCode::NotFound => ModelArtsError::no_dataset(&dataset.id),
            _ => ModelArtsError::from(e),
        })?;
    state.engine.wake();
    Ok(job)
}

/// Refuses the sources Wharf does not read: databases, big data clusters, inference services.
fn check_origin(origin: Option<&str>, source: &DataSource) -> Result<(), ModelArtsError> {
    const ONLY_OBS: &str =
        "Wharf serves only object storage imports; expected \"obs\" with an OBS or S3 path";
    match origin.map(str::trim) {
        None | Some("obs") => {}
        Some(other @ ("dws" | "dli" | "rds" | "mrs" | "inference")) => {
            return Err(ModelArtsError::invalid(format!(
                "import_origin is '{other}': {ONLY_OBS}"
            )));
        }
        Some(other) => {
            return Err(ModelArtsError::invalid(format!(
                "import_origin is '{other}'; expected one of obs, dws, dli, rds, mrs, inference ({ONLY_OBS})"
            )));
        }
    }
    match source.data_type {
        None | Some(0) => Ok(()),
        Some(code @ 1..=6) => {
            let name = [
                "GaussDB(DWS)",
                "DLI",
                "RDS",
                "MRS",
                "AI Gallery",
                "inference service",
            ][(code - 1) as usize];
            Err(ModelArtsError::invalid(format!(
                "data_source.data_type is {code} ({name}): Wharf serves only object storage imports; expected 0 (OBS)"
            )))
        }
        Some(other) => Err(ModelArtsError::invalid(format!(
            "data_source.data_type is {other}; expected 0 (OBS)"
        ))),
    }
}

/// The native formats a directory import of a dataset type may be read as, the default first.
fn dir_layouts(dataset_type: i64, annotation_format: Option<&'static str>) -> Vec<&'static str> {
    match (dataset_type, annotation_format) {
        (OBJECT_DETECTION, Some(format)) => vec![format],
        (OBJECT_DETECTION, None) => vec![voc::FORMAT, yolo::FORMAT],
        (3, _) => vec![voc::FORMAT],
        (0 | 100 | 200 | TABLE, _) => vec![modelarts_dir::FORMAT],
        _ => vec![PLAIN],
    }
}

/// The ModelArts directory layout a dataset type reads, as detection's first reason names it.
fn dir_sublayout(dataset_type: i64) -> Option<&'static str> {
    match dataset_type {
        0 => Some("image classification"),
        100 => Some("text classification"),
        200 => Some("sound classification"),
        TABLE => Some("table"),
        _ => None,
    }
}

/// Detects the layout at `source` and picks the one the dataset type reads. A source whose
/// detected layout belongs to another dataset type is refused, naming both; one whose layout
/// is not recognised, or too large to detect in [`VALIDATE_WITHIN`], is read in the type's
/// default layout, and the job reports what does not fit.
async fn choose_layout(
    state: &DialectState,
    workspace_id: &str,
    source: &str,
    connection: Option<String>,
    dataset_type: i64,
    layouts: &[&'static str],
) -> Result<String, ModelArtsError> {
    let default = layouts.first().copied().unwrap_or(PLAIN).to_owned();
    if layouts == [PLAIN] {
        return Ok(default);
    }
    let own_environment = connection.is_none();
    let request = ValidateRequest {
        source: source.to_owned(),
        format: None,
        credentials: None,
        connection,
        data_type: None,
    };
    let validation = validate_request(&state.catalog, state.engine.policy(), workspace_id, request);
    let report = match tokio::time::timeout(VALIDATE_WITHIN, validation).await {
        Ok(report) => report.map_err(|e| source_refused(source, e, own_environment))?,
        Err(_) => {
            tracing::info!(
                "the layout at {source} took longer than {VALIDATE_WITHIN:?} to detect; read as {default}"
            );
            return Ok(default);
        }
    };
    pick_layout(&report, dataset_type, layouts).map_err(|found| {
        ModelArtsError::new(
            NO_VALID_FILE,
            format!(
                "Import path does not contain valid file: import_path {source} holds {found}, which is not a layout of dataset_type {dataset_type} ({}); expected {}",
                type_name(dataset_type),
                expected_layout(dataset_type, layouts)
            ),
        )
    })
}

/// The layout to read a validated source as, or what the source holds instead.
fn pick_layout(
    report: &ValidationReport,
    dataset_type: i64,
    layouts: &[&'static str],
) -> Result<String, String> {
    let fits = |format: &str, reasons: &[String]| {
        layouts.contains(&format)
            && (format != modelarts_dir::FORMAT
                || dir_sublayout(dataset_type)
                    .is_some_and(|layout| reasons.first().is_some_and(|r| r.starts_with(layout))))
    };
    if let Some(verdict) = report
        .detection
        .iter()
        .find(|v| v.matched && fits(&v.format, &v.reasons))
    {
        return Ok(verdict.format.clone());
    }
    match report.format.as_deref() {
        Some(format) if format != PLAIN => {
            let why = report
                .detection
                .iter()
                .find(|v| v.format == format)
                .and_then(|v| v.reasons.first())
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            Err(format!("a {format} layout{why}"))
        }
        _ => Ok(layouts.first().copied().unwrap_or(PLAIN).to_owned()),
    }
}

fn expected_layout(dataset_type: i64, layouts: &[&str]) -> String {
    match dataset_type {
        0 => "one folder per label holding its images, or a .txt file of labels beside each image"
            .to_owned(),
        100 => "text files with labels on each line, or X.txt with X_result.txt".to_owned(),
        200 => "one folder per label holding its .wav files".to_owned(),
        TABLE => ".csv files".to_owned(),
        3 => "images with a Pascal VOC .xml beside each".to_owned(),
        _ => format!("a {} layout", layouts.join(" or ")),
    }
}

/// A storage error met while detecting, as the platform names it, with the path. When the
/// store was read with the server's own credentials, for want of a connection, says so.
fn source_refused(
    source: &str,
    e: wharf_model::WharfError,
    own_environment: bool,
) -> ModelArtsError {
    let (status, code) = code_of(e.code);
    let advice = if own_environment && e.code.is_storage() {
        "; no connection of this workspace is named after the bucket or 'default', so it was read with the server's own credentials: store the bucket's endpoint and keys as a connection named after it"
    } else {
        ""
    };
    ModelArtsError {
        status,
        code,
        message: format!("import_path {source}: {}{advice}", e.message),
        request_id: None,
    }
}

/// The stored connection a job reads `uri` with: the one named after its bucket, else the one
/// named `default`, else none (the worker's environment).
async fn connection_for(
    state: &DialectState,
    workspace_id: &str,
    uri: &SourceUri,
) -> Result<Option<String>, ModelArtsError> {
    for name in [uri.bucket.as_str(), "default"] {
        if name.is_empty() {
            continue;
        }
        match state.catalog.get_connection(workspace_id, name).await {
            Ok(connection) => return Ok(Some(connection.name)),
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// A manifest's URI as the folder a job lists and the manifest's name in it.
fn split_manifest(uri: &str) -> (String, Option<String>) {
    let start = uri.find("://").map_or(0, |i| i + 3);
    match uri[start..].rfind('/') {
        Some(slash) if start + slash + 1 < uri.len() => {
            let at = start + slash + 1;
            (uri[..at].to_owned(), Some(uri[at..].to_owned()))
        }
        _ => (uri.to_owned(), None),
    }
}

/// A path as a source URI: `/bucket/path` (the platform's OBS form) is `s3://bucket/path`, as
/// the platform's own examples name OBS objects; any scheme Wharf reads is taken as it is.
fn source_uri(field: &str, path: &str) -> Result<SourceUri, ModelArtsError> {
    let path = path.trim();
    let uri = match path.strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') => format!("s3://{rest}"),
        _ => path.to_owned(),
    };
    SourceUri::parse(&uri).map_err(|e| {
        let (status, code) = code_of(e.code);
        ModelArtsError {
            status,
            code,
            message: format!("{field} is '{path}': {}", e.message),
            request_id: None,
        }
    })
}

/// An OBS directory as the platform writes it, `/bucket/path/`, from that form or a URI; a
/// bare bucket is refused with 4205.
fn obs_dir(field: &str, path: &str) -> Result<String, ModelArtsError> {
    if path.trim().is_empty() {
        return Err(ModelArtsError::invalid(format!(
            "{field} is missing; expected an OBS directory such as /bucket/path/"
        )));
    }
    let uri = source_uri(field, path)?;
    if uri.bucket.is_empty() {
        return Err(ModelArtsError::invalid(format!(
            "{field} is '{path}'; expected an OBS directory such as /bucket/path/"
        )));
    }
    if uri.prefix.is_empty() {
        return Err(ModelArtsError::new(
            SUBDIRECTORY_REQUIRED,
            format!(
                "A subdirectory must be specified as the dataset input or output path: {field} is the bucket {} itself; expected /{}/<folder>/",
                uri.bucket, uri.bucket
            ),
        ));
    }
    Ok(format!("/{}/{}/", uri.bucket, uri.prefix))
}

/// Checks a `label_format`: `label_type` 0 or 1 (default 1) and one-character separators.
fn check_label_format(format: LabelFormat) -> Result<LabelFormatView, ModelArtsError> {
    let label_type = format.label_type.unwrap_or_else(|| "1".to_owned());
    if !matches!(label_type.trim(), "0" | "1") {
        return Err(ModelArtsError::invalid(format!(
            "label_format.label_type is '{label_type}'; expected \"0\" (labels in X_result.txt beside X.txt) or \"1\" (text and labels on one line)"
        )));
    }
    let sample = separator(
        "label_format.text_sample_separator",
        format.text_sample_separator,
        "\t",
    )?;
    let label = separator(
        "label_format.text_label_separator",
        format.text_label_separator,
        ",",
    )?;
    if sample == label {
        return Err(ModelArtsError::invalid(format!(
            "label_format.text_label_separator is '{label}', the same as text_sample_separator; expected two different separators"
        )));
    }
    Ok(LabelFormatView {
        label_type: label_type.trim().to_owned(),
        text_sample_separator: sample,
        text_label_separator: label,
    })
}

/// One separator character: a letter, a digit, a tab (also written `\t`) or one of
/// [`SEPARATOR_SPECIALS`].
fn separator(field: &str, value: Option<String>, default: &str) -> Result<String, ModelArtsError> {
    let Some(value) = value else {
        return Ok(default.to_owned());
    };
    let unescaped = if value == "\\t" { "\t" } else { value.as_str() };
    let mut chars = unescaped.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None)
            if c.is_ascii_alphanumeric() || c == '\t' || SEPARATOR_SPECIALS.contains(c) =>
        {
            Ok(c.to_string())
        }
        _ => Err(ModelArtsError::invalid(format!(
            "{field} is '{value}'; expected one character: a letter, a digit, a tab or one of {SEPARATOR_SPECIALS}"
        ))),
    }
}

fn text_labels(format: LabelFormatView) -> TextLabels {
    TextLabels {
        placement: Some(if format.label_type == "0" {
            TextLabelPlacement::ResultFile
        } else {
            TextLabelPlacement::SameLine
        }),
        sample_separator: format.text_sample_separator,
        label_separator: format.text_label_separator,
    }
}

/// Label names from names or `Label` objects.
fn label_names(field: &str, labels: Option<Vec<LabelRef>>) -> Result<Vec<String>, ModelArtsError> {
    labels
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, label)| match label {
            LabelRef::Name(name) => Ok(name),
            LabelRef::Label(label) => label.name.ok_or_else(|| {
                ModelArtsError::invalid(format!(
                    "{field}[{i}] has no name; expected a label name or a Label object with its name"
                ))
            }),
        })
        .collect()
}

/// Wharf's data type of a dataset type code.
fn native_data_type(dataset_type: i64) -> Result<&'static str, ModelArtsError> {
    DATASET_TYPES
        .iter()
        .find(|(code, _, _)| *code == dataset_type)
        .map(|(_, _, data_type)| *data_type)
        .ok_or_else(|| dataset_type_refused(&dataset_type.to_string()))
}

fn dataset_type_refused(found: &str) -> ModelArtsError {
    let allowed: Vec<String> = DATASET_TYPES
        .iter()
        .map(|(code, name, _)| format!("{code} ({name})"))
        .collect();
    ModelArtsError::invalid(format!(
        "dataset_type is {found}; expected one of {}",
        allowed.join(", ")
    ))
}

fn type_name(dataset_type: i64) -> &'static str {
    DATASET_TYPES
        .iter()
        .find(|(code, _, _)| *code == dataset_type)
        .map_or("unknown", |(_, name, _)| *name)
}

/// The dataset with this id in the workspace, and what ModelArts keeps of it; 4352 otherwise.
async fn dataset_of(
    state: &DialectState,
    workspace_id: &str,
    dataset_id: &str,
) -> Result<(Dataset, DatasetProfile), ModelArtsError> {
    let dataset = state
        .catalog
        .find_dataset(workspace_id, dataset_id)
        .await?
        .filter(|d| d.id == dataset_id)
        .ok_or_else(|| ModelArtsError::no_dataset(dataset_id))?;
    let stored = state
        .catalog
        .dataset_attributes(workspace_id, &dataset.id, Dialect::Modelarts)
        .await?;
    let profile = profile_of(&dataset, stored);
    Ok((dataset, profile))
}

/// What ModelArts keeps of a dataset; for a dataset made by another API, what its data type
/// and source say.
fn profile_of(dataset: &Dataset, stored: Option<serde_json::Value>) -> DatasetProfile {
    if let Some(profile) = stored.and_then(|v| serde_json::from_value(v).ok()) {
        return profile;
    }
    let dataset_type = match dataset.data_type.as_str() {
        "image" => 0,
        "text" => 100,
        "audio" => 200,
        "table" => TABLE,
        "video" => 600,
        _ => FREE_FORMAT,
    };
    DatasetProfile {
        dataset_type,
        work_path: None,
        work_path_type: 0,
        data_format: default_data_format(),
        data_sources: dataset
            .source_uri
            .iter()
            .map(|uri| DataSourceView {
                data_type: 0,
                data_path: uri.clone(),
                with_column_header: None,
                schema_maps: Vec::new(),
            })
            .collect(),
        label_format: None,
        labels: Vec::new(),
        schema: Vec::new(),
        import_annotations: true,
        import_data: false,
        managed: false,
        workspace_id: default_workspace_id(),
    }
}

async fn dataset_view(
    state: &DialectState,
    workspace_id: &str,
    dataset: Dataset,
    profile: DatasetProfile,
    running: &HashMap<String, String>,
    import_task_id: Option<String>,
) -> Result<DatasetView, ModelArtsError> {
    let counts = state
        .catalog
        .latest_sample_counts(workspace_id, &dataset.id)
        .await?;
    let current_version_id = if dataset.latest_version > 0 {
        Some(
            state
                .catalog
                .get_version(workspace_id, &dataset.id, dataset.latest_version)
                .await?
                .id,
        )
    } else {
        None
    };
    let running_tasks_id: Vec<String> = running.get(&dataset.id).cloned().into_iter().collect();
    Ok(DatasetView {
        dataset_type: profile.dataset_type,
        data_format: profile.data_format,
        dataset_format: i64::from(profile.dataset_type == TABLE),
        status: if running_tasks_id.is_empty() {
            NORMAL
        } else {
            IMPORTING
        },
        description: dataset.description,
        create_time: epoch_ms(&dataset.created_at),
        update_time: epoch_ms(&dataset.updated_at),
        data_sources: profile.data_sources,
        work_path: profile.work_path,
        work_path_type: profile.work_path_type,
        workspace_id: profile.workspace_id,
        total_sample_count: counts.samples,
        annotated_sample_count: counts.annotated,
        next_version_num: dataset.latest_version + 1,
        current_version_id,
        current_version_name: (dataset.latest_version > 0)
            .then(|| format!("V{:03}", dataset.latest_version)),
        exist_running_task: !running_tasks_id.is_empty(),
        running_tasks_id,
        import_task_id,
        import_data: profile.import_data,
        managed: profile.managed,
        label_format: profile.label_format,
        labels: profile.labels,
        schema: profile.schema,
        dataset_id: dataset.id,
        dataset_name: dataset.name,
    })
}

/// Queued and running imports, by dataset: of one dataset, or of the whole workspace.
async fn running_jobs(
    state: &DialectState,
    workspace_id: &str,
    dataset_id: Option<&str>,
) -> Result<HashMap<String, String>, ModelArtsError> {
    let mut running = HashMap::new();
    for job_state in [JobState::Queued, JobState::Running] {
        for job in all_jobs(
            state,
            workspace_id,
            dataset_id.unwrap_or(""),
            Some(job_state),
        )
        .await?
        {
            running.insert(job.dataset_id, job.id);
        }
    }
    Ok(running)
}

/// Every import of a dataset (of the workspace when `dataset_id` is empty), newest first.
async fn all_jobs(
    state: &DialectState,
    workspace_id: &str,
    dataset_id: &str,
    job_state: Option<JobState>,
) -> Result<Vec<Job>, ModelArtsError> {
    let mut jobs = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .catalog
            .list_jobs(
                workspace_id,
                &JobFilter {
                    state: job_state,
                    dataset: (!dataset_id.is_empty()).then(|| dataset_id.to_owned()),
                    offset,
                    limit: PAGE,
                },
            )
            .await?;
        jobs.extend(
            page.items
                .into_iter()
                .filter(|j| dataset_id.is_empty() || j.dataset_id == dataset_id),
        );
        match page.next.and_then(|n| n.parse().ok()) {
            Some(next) => offset = next,
            None => return Ok(jobs),
        }
    }
}

async fn latest_job(
    state: &DialectState,
    workspace_id: &str,
    dataset_id: &str,
) -> Result<Option<Job>, ModelArtsError> {
    Ok(state
        .catalog
        .list_jobs(
            workspace_id,
            &JobFilter {
                dataset: Some(dataset_id.to_owned()),
                limit: 1,
                ..JobFilter::default()
            },
        )
        .await?
        .items
        .into_iter()
        .find(|j| j.dataset_id == dataset_id))
}

/// An import job as the platform's import task.
async fn task_view(
    state: &DialectState,
    workspace_id: &str,
    job: &Job,
) -> Result<ImportTaskView, ModelArtsError> {
    let counts = state
        .catalog
        .job_sample_counts(workspace_id, &job.id)
        .await?;
    let c = &job.counters;
    let status = match job.state {
        JobState::Queued => "QUEUING",
        JobState::Running if c.discovered == 0 => "STARTING",
        JobState::Running => "RUNNING",
        JobState::Succeeded | JobState::Partial => "COMPLETED",
        JobState::Failed | JobState::Cancelled => "FAILED",
    };
    let (error_code, error_msg) = match job.state {
        JobState::Failed => (
            Some(match job.error_code {
                Some(
                    code @ (ErrorCode::SourceEmpty
                    | ErrorCode::StorageBucketNotFound
                    | ErrorCode::StorageCredentialsRejected),
                ) => code_of(code).1,
                _ => IMPORT_FAILED,
            }),
            job.error_message.clone(),
        ),
        JobState::Cancelled => (
            Some(TASK_STOPPED),
            Some("Task stopped: the import was cancelled".to_owned()),
        ),
        _ => (None, None),
    };
    let import_path = match &job.options.manifest {
        Some(file) => format!("{}{file}", job.source_uri),
        None => job.source_uri.clone(),
    };
    let create_time = epoch_ms(&job.created_at);
    let end = job
        .finished_at
        .as_deref()
        .map_or_else(|| chrono::Utc::now().timestamp_millis(), epoch_ms);
    Ok(ImportTaskView {
        status,
        task_id: job.id.clone(),
        dataset_id: job.dataset_id.clone(),
        import_type: i64::from(job.options.format.as_deref() == Some(manifest::FORMAT)),
        data_source: DataSourceView {
            data_type: 0,
            data_path: import_path.clone(),
            with_column_header: None,
            schema_maps: Vec::new(),
        },
        import_path,
        total_sample_count: c.discovered,
        imported_sample_count: c.imported + c.unchanged,
        annotated_sample_count: counts.annotated,
        total_sub_sample_count: 0,
        imported_sub_sample_count: 0,
        unconfirmed_sample_count: 0,
        total_file_count: c.discovered,
        finished_file_count: c.processed,
        total_file_size: c.bytes,
        finished_file_size: c.bytes,
        file_statistics: FileStatistics {
            file_num_finished: c.processed,
            file_num_total: c.discovered,
            file_size_finished: c.bytes,
            file_size_total: c.bytes,
        },
        error_code,
        error_msg,
        create_time,
        update_ms: epoch_ms(&job.updated_at),
        elapsed_time: ((end - create_time) / 1000).max(0),
    })
}

/// `limit` (1 to 100, default 10) and `offset`, the page to show (from 0, default 0).
fn paging(limit: Option<&str>, offset: Option<&str>) -> Result<(i64, i64), ModelArtsError> {
    let limit = match limit.map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                ModelArtsError::invalid(format!(
                    "limit is '{text}'; expected an integer from 1 to {MAX_LIMIT}"
                ))
            })?,
    };
    let page = match offset.map(str::trim) {
        None | Some("") => 0,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| {
                ModelArtsError::invalid(format!(
                    "offset is '{text}'; expected the page to show, an integer from 0"
                ))
            })?,
    };
    Ok((limit, page))
}

fn path_params(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), ModelArtsError> {
    path.map(|Path(p)| p)
        .map_err(|e| ModelArtsError::invalid(e.body_text()))
}

/// A JSON body: 4202 when there is none, 4105 when it is not JSON, 4396 naming the field when
/// a field has the wrong type.
fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ModelArtsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ModelArtsError::new(
            EMPTY_REQUEST,
            "Empty request: the request has no body; expected a JSON object",
        ));
    }
    let incorrect = |e: serde_json::Error| {
        ModelArtsError::new(
            INCORRECT_JSON,
            format!("Incorrect JSON format of the input data: {e}"),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if path == "." => ModelArtsError::invalid(format!(
                "the request body: {inner}; expected a JSON object"
            )),
            serde_json::error::Category::Data => {
                ModelArtsError::invalid(format!("{path}: {inner}"))
            }
            _ => incorrect(inner),
        }
    })?;
    deserializer.end().map_err(incorrect)?;
    Ok(value)
}

/// Epoch milliseconds of a time the catalog wrote (RFC 3339).
fn epoch_ms(time: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(time).map_or(0, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::FormatVerdict;

    fn verdict(format: &str, matched: bool, reason: &str) -> FormatVerdict {
        FormatVerdict {
            format: format.to_owned(),
            matched,
            confidence: if matched { 0.9 } else { 0.0 },
            reasons: vec![reason.to_owned()],
        }
    }

    fn report(format: &str, detection: Vec<FormatVerdict>) -> ValidationReport {
        ValidationReport {
            source: "s3://b/p".to_owned(),
            format: Some(format.to_owned()),
            detection,
            files: 1,
            ..ValidationReport::default()
        }
    }

    #[test]
    fn a_layout_of_another_dataset_type_is_refused() {
        let voc = report(
            "voc",
            vec![
                verdict("voc", true, "Pascal VOC: 2 .xml files"),
                verdict("modelarts_dir", false, "no layout fits"),
            ],
        );
        assert_eq!(pick_layout(&voc, 1, &["voc", "yolo"]), Ok("voc".to_owned()));
        let refused = pick_layout(&voc, 0, &[modelarts_dir::FORMAT]).unwrap_err();
        assert!(
            refused.contains("voc") && refused.contains("Pascal VOC"),
            "{refused}"
        );

        let text = report(
            modelarts_dir::FORMAT,
            vec![verdict(
                modelarts_dir::FORMAT,
                true,
                "text classification, label_type 1: ...",
            )],
        );
        assert!(pick_layout(&text, 0, &[modelarts_dir::FORMAT]).is_err());
        assert_eq!(
            pick_layout(&text, 100, &[modelarts_dir::FORMAT]),
            Ok(modelarts_dir::FORMAT.to_owned())
        );
        // Nothing recognised: the type's layout, and the job says what does not fit.
        let plain = report(PLAIN, vec![verdict(PLAIN, true, "every file")]);
        assert_eq!(
            pick_layout(&plain, 100, &[modelarts_dir::FORMAT]),
            Ok(modelarts_dir::FORMAT.to_owned())
        );
    }

    #[test]
    fn separators_are_one_character_of_the_allowed_ones() {
        let format = |sample: &str, label: &str| {
            check_label_format(LabelFormat {
                label_type: None,
                text_sample_separator: Some(sample.to_owned()),
                text_label_separator: Some(label.to_owned()),
            })
        };
        let ok = format("|", ";").unwrap();
        assert_eq!(
            (ok.label_type.as_str(), ok.text_sample_separator.as_str()),
            ("1", "|")
        );
        assert_eq!(format("\\t", ",").unwrap().text_sample_separator, "\t");
        for (sample, label, field) in [
            ("||", ",", "text_sample_separator"),
            ("~", ",", "text_sample_separator"),
            ("|", "", "text_label_separator"),
            ("|", "|", "text_label_separator"),
        ] {
            let e = format(sample, label).unwrap_err();
            assert_eq!(e.code, "ModelArts.4396");
            assert!(e.message.contains(field), "{}", e.message);
        }
        let e = check_label_format(LabelFormat {
            label_type: Some("2".to_owned()),
            ..LabelFormat::default()
        })
        .unwrap_err();
        assert!(e.message.contains("label_type"), "{}", e.message);
    }

    #[test]
    fn paths_read_as_the_platform_writes_them() {
        assert_eq!(
            source_uri("p", "/bkt/a/b/").unwrap().as_str(),
            "s3://bkt/a/b/"
        );
        assert_eq!(
            source_uri("p", "obs://bkt/a").unwrap().as_str(),
            "obs://bkt/a"
        );
        assert_eq!(obs_dir("w", "/bkt/out").unwrap(), "/bkt/out/");
        assert_eq!(obs_dir("w", "s3://bkt/out/").unwrap(), "/bkt/out/");
        assert_eq!(
            obs_dir("w", "/bkt/").unwrap_err().code,
            SUBDIRECTORY_REQUIRED
        );
        assert_eq!(
            split_manifest("s3://b/a/V1.manifest"),
            ("s3://b/a/".to_owned(), Some("V1.manifest".to_owned()))
        );
        assert_eq!(split_manifest("s3://b/a/"), ("s3://b/a/".to_owned(), None));
        assert_eq!(split_manifest("s3://b"), ("s3://b".to_owned(), None));
    }

    #[test]
    fn bodies_are_refused_with_the_platform_codes() {
        let code = |body: &str| {
            parse_body::<ImportTaskBody>(body.as_bytes())
                .map(|_| "ok")
                .unwrap_or_else(|e| e.code)
        };
        assert_eq!(code(""), EMPTY_REQUEST);
        assert_eq!(code("{"), INCORRECT_JSON);
        assert_eq!(code("{} x"), INCORRECT_JSON);
        assert_eq!(code(r#"{"import_type": true}"#), "ModelArts.4396");
        assert_eq!(
            code(r#"{"included_tags": ["cat"], "import_type": 0}"#),
            "ok"
        );
        let e = parse_body::<ImportTaskBody>(br#"{"difficult_only": "yes"}"#).unwrap_err();
        assert!(e.message.starts_with("difficult_only"), "{}", e.message);
    }
}
