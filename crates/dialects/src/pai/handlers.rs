//! PAI's dataset, label and version endpoints, each a translation into Wharf's own service and
//! back.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use wharf_catalog::{DatasetFilter, MetadataUpdate, NewDataset};
use wharf_engine::check_origin;

use crate::{LOWER_ALPHANUMERIC, random_id};
use wharf_model::{Dataset, Dialect, ErrorCode, WharfError, Workspace};

use super::auth::Signed;
use super::checks::{
    ACCESSIBILITIES, DATA_SOURCE_TYPES, DATA_TYPES, EDITIONS, PROPERTIES, PROVIDER_TYPES,
    RESERVED_PROVIDER, SOURCE_TYPES, check_import_info, check_labels, check_name, check_options,
    check_roles, check_source, check_uri, items, list_of, native_data_type, non_negative, one_of,
    pai_data_type, required,
};
use super::envelope::{Answer, CONFLICT, DATASET_ERROR, Nothing, PaiError, answer};
use super::wire::{
    CreateDatasetBody, CreateVersionBody, DatasetCreated, DatasetList, DatasetProfile, DatasetView,
    KeysQuery, Label, LabelKeysQuery, LabelsBody, ListDatasetsQuery, ListVersionsQuery,
    UpdateDatasetBody, UpdateVersionBody, VersionCreated, VersionList, VersionRecord, VersionView,
};
use crate::DialectState;

/// Rows read per catalog page when a listing needs them all.
const PAGE: i64 = 1000;
const DEFAULT_PAGE_SIZE: i64 = 10;
const MAX_PAGE_SIZE: i64 = 1000;
/// How often a change of the PAI record is tried again when another change got there first.
const SWAP_ATTEMPTS: usize = 8;
/// What a mount of a dataset allows: every key of a workspace acts as its administrator.
const MOUNT_ACCESS: &str = "RW";

pub(crate) type Answered<T> = Result<Json<Answer<T>>, PaiError>;

pub(crate) async fn create_dataset(
    State(state): State<DialectState>,
    signed: Signed,
) -> Answered<DatasetCreated> {
    let workspace = &signed.workspace;
    let body: CreateDatasetBody = parse_body(&signed.body)?;
    let dry_run = body.dry_run.unwrap_or(false);
    let (new, mut profile, first) = check_dataset(body, workspace, &signed.access_key)?;
    if state
        .catalog
        .find_dataset(&workspace.id, &new.name)
        .await?
        .is_some_and(|d| d.name == new.name)
    {
        return Err(name_taken(&new.name));
    }
    if let Some(source) = profile.source_dataset_id.clone() {
        let (_, source_profile) = dataset_of(&state, workspace, &source).await.map_err(|_| {
            PaiError::invalid(format!(
                "SourceDatasetId is '{source}', which is no dataset of this workspace"
            ))
        })?;
        if let Some(version) = &profile.source_dataset_version
            && !source_profile
                .versions
                .iter()
                .any(|v| &v.version_name == version)
        {
            return Err(PaiError::invalid(format!(
                "SourceDatasetVersion is '{version}', which dataset {source} does not have"
            )));
        }
    }
    if dry_run {
        return Ok(answer(DatasetCreated { dataset_id: None }));
    }
    let name = new.name.clone();
    let dataset = state
        .catalog
        .create_dataset(&workspace.id, new)
        .await
        .map_err(|e| match e.code {
            ErrorCode::AlreadyExists => name_taken(&name),
            _ => e.into(),
        })?;
    push_version(&mut profile, first, &dataset.created_at);
    let recorded = match to_value(&profile) {
        Ok(value) => state
            .catalog
            .set_dataset_attributes(&workspace.id, &dataset.id, Dialect::Pai, &value)
            .await
            .map_err(PaiError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        if let Err(undo) = state
            .catalog
            .delete_dataset(&workspace.id, &dataset.id)
            .await
        {
            tracing::warn!(dataset = %dataset.id, error = %undo, "cannot remove a dataset whose creation failed");
        }
        return Err(e);
    }
    Ok(answer(DatasetCreated {
        dataset_id: Some(dataset.id),
    }))
}

/// Checks a create request: the native dataset, what PAI keeps of it (without versions yet),
/// and its first version.
fn check_dataset(
    body: CreateDatasetBody,
    workspace: &Workspace,
    access_key: &str,
) -> Result<(NewDataset, DatasetProfile, VersionRecord), PaiError> {
    let name = required("Name", body.name, "the dataset's name")?;
    check_name(&name)?;
    let property = one_of(
        "Property",
        &required("Property", body.property, "FILE or DIRECTORY")?,
        PROPERTIES,
    )?;
    let data_source_type = one_of(
        "DataSourceType",
        &required(
            "DataSourceType",
            body.data_source_type,
            &format!("one of {}", DATA_SOURCE_TYPES.join(", ")),
        )?,
        DATA_SOURCE_TYPES,
    )?;
    let uri = required("Uri", body.uri, "the URI of the data source")?;
    check_uri(&data_source_type, &uri)?;
    let data_type = match body.data_type {
        Some(t) => one_of(
            "DataType",
            &t,
            &DATA_TYPES.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        )?,
        None => "COMMON".to_owned(),
    };
    let labels = check_labels("Labels", body.labels)?;
    let (source_type, source_id) = check_source(body.source_type, body.source_id)?;
    let options = checked_options(body.options)?;
    let accessibility = match body.accessibility {
        Some(a) => one_of("Accessibility", &a, ACCESSIBILITIES)?,
        None => "PRIVATE".to_owned(),
    };
    let provider_type = match body.provider_type {
        Some(p) => one_of("ProviderType", &p, PROVIDER_TYPES)?,
        None => "Ecs".to_owned(),
    };
    let provider = body
        .provider
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if provider
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_PROVIDER))
    {
        return Err(PaiError::invalid(
            "Provider is 'pai', which the platform keeps for its own public datasets; expected another provider name, e.g. Github",
        ));
    }
    let mount_roles = check_roles(
        "MountAccessReadWriteRoleIdList",
        body.mount_access_read_write_role_id_list,
    )?;
    let accessible_roles = check_roles("AccessibleRoleIdList", body.accessible_role_id_list)?;
    let import_info = body
        .import_info
        .filter(|i| !i.trim().is_empty())
        .map(|i| check_import_info(&data_source_type, &i).map(|_| i))
        .transpose()?;
    let edition = check_edition(body.edition, &data_source_type)?;
    let version_labels = check_labels("VersionLabels", body.version_labels)?;
    let data_size = non_negative("DataSize", body.data_size)?;
    let data_count = non_negative("DataCount", body.data_count)?;
    let source_dataset_id = non_empty(body.source_dataset_id);
    let source_dataset_version = non_empty(body.source_dataset_version);
    if source_dataset_version.is_some() && source_dataset_id.is_none() {
        return Err(PaiError::missing(
            "SourceDatasetId",
            "the dataset whose SourceDatasetVersion this one was made from",
        ));
    }
    let user_id = non_empty(body.user_id).unwrap_or_else(|| access_key.to_owned());
    let first = VersionRecord {
        version_name: String::new(),
        gmt_create_time: String::new(),
        gmt_modified_time: String::new(),
        property: property.clone(),
        data_source_type: data_source_type.clone(),
        uri: uri.clone(),
        labels: version_labels,
        options: options.clone(),
        source_type: source_type.clone(),
        source_id: source_id.clone(),
        description: body.version_description.unwrap_or_default(),
        data_count,
        data_size,
        import_info: import_info.clone(),
        native_version: None,
    };
    let profile = DatasetProfile {
        property,
        data_source_type,
        uri,
        source_type,
        source_id,
        options,
        accessibility,
        provider_type,
        provider,
        owner_id: access_key.to_owned(),
        user_id,
        workspace_id: non_empty(body.workspace_id).unwrap_or_else(|| workspace.id.clone()),
        source_dataset_id,
        source_dataset_version,
        mount_access_read_write_role_id_list: mount_roles,
        accessible_role_id_list: accessible_roles,
        import_info,
        edition,
        modified_at: None,
        versions: Vec::new(),
        next_version: 1,
        jobs: Vec::new(),
    };
    let new = NewDataset {
        name,
        description: body.description.unwrap_or_default(),
        data_type: Some(native_data_type(&data_type).to_owned()),
        labels: labels_map(&labels),
        origin: Some(Dialect::Pai),
        // PAI's dataset ids read `d-` and lowercase letters and digits.
        id: Some(format!("d-{}", random_id(18, LOWER_ALPHANUMERIC))),
    };
    Ok((new, profile, first))
}

/// `Edition`: BASIC by default; the editions with file metadata are for OSS datasets only.
fn check_edition(edition: Option<String>, data_source_type: &str) -> Result<String, PaiError> {
    let edition = match edition {
        Some(e) => one_of("Edition", &e, EDITIONS)?,
        None => "BASIC".to_owned(),
    };
    if edition != "BASIC" && data_source_type != "OSS" {
        return Err(PaiError::invalid(format!(
            "Edition is {edition}, which is for OSS datasets only; this dataset's DataSourceType is {data_source_type}; \
             expected BASIC"
        )));
    }
    Ok(edition)
}

pub(crate) async fn list_datasets(
    State(state): State<DialectState>,
    query: Result<Query<ListDatasetsQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<DatasetList> {
    let Query(query) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let workspace = &signed.workspace;
    let (page_number, page_size) =
        paging(query.page_number.as_deref(), query.page_size.as_deref())?;
    let properties = list_of("Properties", query.properties.as_deref(), PROPERTIES)?;
    let data_source_types = list_of(
        "DataSourceTypes",
        query.data_source_types.as_deref(),
        DATA_SOURCE_TYPES,
    )?;
    let data_types = list_of(
        "DataTypes",
        query.data_types.as_deref(),
        &DATA_TYPES.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
    )?;
    let source_types = list_of("SourceTypes", query.source_types.as_deref(), SOURCE_TYPES)?;
    let accessibility = non_empty(query.accessibility)
        .map(|a| one_of("Accessibility", &a, ACCESSIBILITIES))
        .transpose()?;
    let edition = non_empty(query.edition)
        .map(|e| one_of("Edition", &e, EDITIONS))
        .transpose()?;
    let dataset_ids = items(query.dataset_ids.as_deref());
    let label = non_empty(query.label).map(|l| l.to_lowercase());
    let source_id = non_empty(query.source_id);
    let source_dataset_id = non_empty(query.source_dataset_id);
    let provider = non_empty(query.provider);
    let workspace_id = non_empty(query.workspace_id);
    let sort_by = match non_empty(query.sort_by)
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("gmtcreatetime") => DatasetSort::Created,
        Some("gmtmodifiedtime") => DatasetSort::Modified,
        Some("name") => DatasetSort::Name,
        Some(_) => {
            return Err(PaiError::invalid(
                "SortBy is not one of GmtCreateTime, GmtModifiedTime, Name",
            ));
        }
    };
    let descending = descending(query.order.as_deref())?;

    let mut stored = state
        .catalog
        .workspace_dataset_attributes(&workspace.id, Dialect::Pai)
        .await?;
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .catalog
            .list_datasets(
                &workspace.id,
                &DatasetFilter {
                    name_contains: non_empty(query.name.clone()),
                    offset,
                    limit: PAGE,
                    ..DatasetFilter::default()
                },
            )
            .await?;
        for dataset in page.items {
            let profile = profile_of(&dataset, stored.remove(&dataset.id), workspace);
            let keep = (properties.is_empty() || properties.contains(&profile.property))
                && (data_source_types.is_empty()
                    || data_source_types.contains(&profile.data_source_type))
                && (data_types.is_empty()
                    || data_types
                        .iter()
                        .any(|t| t == pai_data_type(&dataset.data_type)))
                && (source_types.is_empty() || source_types.contains(&profile.source_type))
                && accessibility
                    .as_ref()
                    .is_none_or(|a| *a == profile.accessibility)
                && edition.as_ref().is_none_or(|e| *e == profile.edition)
                && (dataset_ids.is_empty() || dataset_ids.contains(&dataset.id))
                && source_id
                    .as_ref()
                    .is_none_or(|s| profile.source_id.as_ref() == Some(s))
                && source_dataset_id
                    .as_ref()
                    .is_none_or(|s| profile.source_dataset_id.as_ref() == Some(s))
                && provider.as_ref().is_none_or(|p| {
                    profile
                        .provider
                        .as_ref()
                        .is_some_and(|q| q.eq_ignore_ascii_case(p))
                })
                && workspace_id.as_ref().is_none_or(|w| {
                    *w == profile.workspace_id || *w == workspace.id || *w == workspace.name
                })
                && label.as_ref().is_none_or(|l| {
                    dataset
                        .labels
                        .iter()
                        .any(|(k, v)| k.to_lowercase().contains(l) || v.to_lowercase().contains(l))
                });
            if keep {
                found.push((dataset, profile));
            }
        }
        match page.next.and_then(|n| n.parse().ok()) {
            Some(next) => offset = next,
            None => break,
        }
    }
    found.sort_by(|(a, pa), (b, pb)| {
        let key = match sort_by {
            DatasetSort::Created => a.created_at.cmp(&b.created_at),
            DatasetSort::Modified => modified_at(a, pa).cmp(&modified_at(b, pb)),
            DatasetSort::Name => a.name.cmp(&b.name),
        };
        key.then_with(|| a.id.cmp(&b.id))
    });
    if descending {
        found.reverse();
    }
    let total_count = found.len() as i64;
    let datasets = found
        .into_iter()
        .skip(((page_number - 1) * page_size) as usize)
        .take(page_size as usize)
        .map(|(dataset, profile)| dataset_view(dataset, profile))
        .collect();
    Ok(answer(DatasetList {
        datasets,
        total_count,
    }))
}

enum DatasetSort {
    Created,
    Modified,
    Name,
}

pub(crate) async fn get_dataset(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<DatasetView> {
    let dataset_id = one_param(path)?;
    let (dataset, profile) = dataset_of(&state, &signed.workspace, &dataset_id).await?;
    Ok(answer(dataset_view(dataset, profile)))
}

pub(crate) async fn update_dataset(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let dataset_id = one_param(path)?;
    let workspace = &signed.workspace;
    let body: UpdateDatasetBody = parse_body(&signed.body)?;
    let (mut dataset, profile) = dataset_to_change(&state, workspace, &dataset_id).await?;
    let name = non_empty(body.name);
    if let Some(name) = &name {
        check_name(name)?;
    }
    let options = checked_options(body.options)?;
    let accessibility = body
        .accessibility
        .map(|a| one_of("Accessibility", &a, ACCESSIBILITIES))
        .transpose()?;
    let edition = body
        .edition
        .map(|e| check_edition(Some(e), &profile.data_source_type))
        .transpose()?;
    let mount_roles = body
        .mount_access_read_write_role_id_list
        .map(|r| check_roles("MountAccessReadWriteRoleIdList", Some(r)))
        .transpose()?;
    let accessible_roles = body
        .accessible_role_id_list
        .map(|r| check_roles("AccessibleRoleIdList", Some(r)))
        .transpose()?;
    if let Some(name) = name.filter(|n| *n != dataset.name) {
        dataset = state
            .catalog
            .rename_dataset(&workspace.id, &dataset.id, &name)
            .await
            .map_err(|e| match e.code {
                ErrorCode::AlreadyExists => name_taken(&name),
                _ => e.into(),
            })?;
    }
    if let Some(description) = body.description {
        dataset = state
            .catalog
            .update_dataset(
                &workspace.id,
                &dataset.id,
                MetadataUpdate {
                    description: Some(description),
                    labels: None,
                },
            )
            .await?;
    }
    if options.is_some()
        || accessibility.is_some()
        || edition.is_some()
        || mount_roles.is_some()
        || accessible_roles.is_some()
    {
        update_profile(&state, workspace, &dataset, |p| {
            if let Some(options) = &options {
                p.options = Some(options.clone());
            }
            if let Some(accessibility) = &accessibility {
                p.accessibility = accessibility.clone();
            }
            if let Some(edition) = &edition {
                p.edition = edition.clone();
            }
            if let Some(roles) = &mount_roles {
                p.mount_access_read_write_role_id_list = roles.clone();
            }
            if let Some(roles) = &accessible_roles {
                p.accessible_role_id_list = roles.clone();
            }
            p.modified_at = Some(now());
            Ok(())
        })
        .await?;
    }
    Ok(answer(Nothing {}))
}

pub(crate) async fn delete_dataset(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let dataset_id = one_param(path)?;
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    state
        .catalog
        .delete_dataset(&signed.workspace.id, &dataset.id)
        .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn publish_dataset(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let dataset_id = one_param(path)?;
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    update_profile(&state, &signed.workspace, &dataset, |p| {
        if p.accessibility != "PUBLIC" {
            p.accessibility = "PUBLIC".to_owned();
            p.modified_at = Some(now());
        }
        Ok(())
    })
    .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn create_dataset_labels(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let dataset_id = one_param(path)?;
    let body: LabelsBody = parse_body(&signed.body)?;
    let labels = check_labels("Labels", body.labels)?;
    if labels.is_empty() {
        return Err(PaiError::missing(
            "Labels",
            "[{\"Key\": \"...\", \"Value\": \"...\"}]",
        ));
    }
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    let mut merged = dataset.labels.clone();
    merged.extend(labels_map(&labels));
    set_labels(&state, &signed.workspace, &dataset, merged).await
}

pub(crate) async fn delete_dataset_labels(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<LabelKeysQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let dataset_id = one_param(path)?;
    let Query(query) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let keys = items(query.label_keys.as_deref());
    if keys.is_empty() {
        return Err(PaiError::missing(
            "LabelKeys",
            "the keys to remove, separated by commas",
        ));
    }
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    let mut kept = dataset.labels.clone();
    kept.retain(|k, _| !keys.contains(k));
    set_labels(&state, &signed.workspace, &dataset, kept).await
}

async fn set_labels(
    state: &DialectState,
    workspace: &Workspace,
    dataset: &Dataset,
    labels: std::collections::BTreeMap<String, String>,
) -> Answered<Nothing> {
    state
        .catalog
        .update_dataset(
            &workspace.id,
            &dataset.id,
            MetadataUpdate {
                description: None,
                labels: Some(labels),
            },
        )
        .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn create_version(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Answered<VersionCreated> {
    let dataset_id = one_param(path)?;
    let workspace = &signed.workspace;
    let body: CreateVersionBody = parse_body(&signed.body)?;
    let (dataset, profile) = dataset_to_change(&state, workspace, &dataset_id).await?;
    let data_source_type = one_of(
        "DataSourceType",
        &required(
            "DataSourceType",
            body.data_source_type,
            &format!("the dataset's, {}", profile.data_source_type),
        )?,
        DATA_SOURCE_TYPES,
    )?;
    if data_source_type != profile.data_source_type {
        return Err(PaiError::invalid(format!(
            "DataSourceType is {data_source_type}; a version's data source type must be its dataset's, {}",
            profile.data_source_type
        )));
    }
    let property = one_of(
        "Property",
        &required("Property", body.property, "FILE or DIRECTORY")?,
        PROPERTIES,
    )?;
    let uri = required("Uri", body.uri, "the URI of the version's data source")?;
    check_uri(&data_source_type, &uri)?;
    let (source_type, source_id) = check_source(body.source_type, body.source_id)?;
    let import_info = body
        .import_info
        .filter(|i| !i.trim().is_empty())
        .map(|i| check_import_info(&data_source_type, &i).map(|_| i))
        .transpose()?;
    let record = VersionRecord {
        version_name: String::new(),
        gmt_create_time: String::new(),
        gmt_modified_time: String::new(),
        property,
        data_source_type,
        uri,
        labels: check_labels("Labels", body.labels)?,
        options: checked_options(body.options)?,
        source_type,
        source_id,
        description: body.description.unwrap_or_default(),
        data_count: non_negative("DataCount", body.data_count)?,
        data_size: non_negative("DataSize", body.data_size)?,
        import_info,
        native_version: None,
    };
    if body.dry_run.unwrap_or(false) {
        return Ok(answer(VersionCreated { version_name: None }));
    }
    let version_name = update_profile(&state, workspace, &dataset, |p| {
        Ok(push_version(p, record.clone(), &now()))
    })
    .await?;
    Ok(answer(VersionCreated {
        version_name: Some(version_name),
    }))
}

pub(crate) async fn list_versions(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<ListVersionsQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<VersionList> {
    let dataset_id = one_param(path)?;
    let Query(query) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let (page_number, page_size) =
        paging(query.page_number.as_deref(), query.page_size.as_deref())?;
    let properties = list_of("Properties", query.properties.as_deref(), PROPERTIES)?;
    let source_types = list_of("SourceTypes", query.source_types.as_deref(), SOURCE_TYPES)?;
    let label_keys: Vec<String> = items(query.label_keys.as_deref())
        .iter()
        .map(|k| k.to_lowercase())
        .collect();
    let label_values: Vec<String> = items(query.label_values.as_deref())
        .iter()
        .map(|v| v.to_lowercase())
        .collect();
    let source_id = non_empty(query.source_id);
    let sort_by = match non_empty(query.sort_by) {
        None => VERSION_SORTS[0],
        Some(s) => VERSION_SORTS
            .iter()
            .find(|v| v.eq_ignore_ascii_case(&s))
            .copied()
            .ok_or_else(|| {
                PaiError::invalid(format!(
                    "SortBy is '{s}'; expected one of {}",
                    VERSION_SORTS.join(", ")
                ))
            })?,
    };
    let descending = descending(query.order.as_deref())?;
    let (dataset, profile) = dataset_of(&state, &signed.workspace, &dataset_id).await?;
    let has_label = |labels: &[Label], wanted: &[String], key: bool| {
        wanted.is_empty()
            || labels.iter().any(|l| {
                let text = if key { &l.key } else { &l.value };
                let text = text.as_deref().unwrap_or_default().to_lowercase();
                wanted.iter().any(|w| text.contains(w))
            })
    };
    let mut versions: Vec<VersionRecord> = profile
        .versions
        .into_iter()
        .filter(|v| {
            (properties.is_empty() || properties.contains(&v.property))
                && (source_types.is_empty() || source_types.contains(&v.source_type))
                && source_id
                    .as_ref()
                    .is_none_or(|s| v.source_id.as_ref() == Some(s))
                && has_label(&v.labels, &label_keys, true)
                && has_label(&v.labels, &label_values, false)
        })
        .collect();
    versions.sort_by(|a, b| {
        let key = match sort_by {
            "GmtModifiedTime" => a.gmt_modified_time.cmp(&b.gmt_modified_time),
            "SourceType" => a.source_type.cmp(&b.source_type),
            "DataSourceType" => a.data_source_type.cmp(&b.data_source_type),
            "Property" => a.property.cmp(&b.property),
            "DataSize" => a.data_size.cmp(&b.data_size),
            "DataCount" => a.data_count.cmp(&b.data_count),
            _ => std::cmp::Ordering::Equal,
        };
        key.then_with(|| version_number(&a.version_name).cmp(&version_number(&b.version_name)))
    });
    if descending {
        versions.reverse();
    }
    let total_count = versions.len() as i64;
    let dataset_versions = versions
        .into_iter()
        .skip(((page_number - 1) * page_size) as usize)
        .take(page_size as usize)
        .map(|v| version_view(&dataset.id, v))
        .collect();
    Ok(answer(VersionList {
        dataset_versions,
        page_number,
        page_size,
        total_count,
    }))
}

/// What ListDatasetVersions sorts by; the first is the default.
const VERSION_SORTS: &[&str] = &[
    "GmtCreateTime",
    "GmtModifiedTime",
    "SourceType",
    "DataSourceType",
    "Property",
    "DataSize",
    "DataCount",
];

pub(crate) async fn get_version(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Answered<VersionView> {
    let (dataset_id, version_name) = two_params(path)?;
    let (dataset, profile) = dataset_of(&state, &signed.workspace, &dataset_id).await?;
    let version = profile
        .versions
        .into_iter()
        .find(|v| v.version_name == version_name)
        .ok_or_else(|| PaiError::no_version(&dataset.id, &version_name))?;
    Ok(answer(version_view(&dataset.id, version)))
}

pub(crate) async fn update_version(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let (dataset_id, version_name) = two_params(path)?;
    let body: UpdateVersionBody = parse_body(&signed.body)?;
    let options = checked_options(body.options)?;
    let data_size = body
        .data_size
        .map(|n| non_negative("DataSize", Some(n)))
        .transpose()?;
    let data_count = body
        .data_count
        .map(|n| non_negative("DataCount", Some(n)))
        .transpose()?;
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    update_profile(&state, &signed.workspace, &dataset, |p| {
        let version = version_mut(p, &dataset.id, &version_name)?;
        if let Some(options) = &options {
            version.options = Some(options.clone());
        }
        if let Some(size) = data_size {
            version.data_size = size;
        }
        if let Some(count) = data_count {
            version.data_count = count;
        }
        if let Some(description) = &body.description {
            version.description = description.clone();
        }
        version.gmt_modified_time = now();
        Ok(())
    })
    .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn delete_version(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let (dataset_id, version_name) = two_params(path)?;
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    update_profile(&state, &signed.workspace, &dataset, |p| {
        version_mut(p, &dataset.id, &version_name)?;
        if p.versions.len() == 1 {
            return Err(PaiError::new(
                StatusCode::CONFLICT,
                CONFLICT,
                format!(
                    "{version_name} is the only version of dataset {}; a dataset keeps at least one version: \
                     delete the dataset instead (DeleteDataset)",
                    dataset.id
                ),
            ));
        }
        p.versions.retain(|v| v.version_name != version_name);
        Ok(())
    })
    .await?;
    // Its file metadata goes with it; its name is never given again.
    state
        .catalog
        .delete_file_records(&signed.workspace.id, &dataset.id, &version_name)
        .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn create_version_labels(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let (dataset_id, version_name) = two_params(path)?;
    let body: LabelsBody = parse_body(&signed.body)?;
    let labels = check_labels("Labels", body.labels)?;
    if labels.is_empty() {
        return Err(PaiError::missing(
            "Labels",
            "[{\"Key\": \"...\", \"Value\": \"...\"}]",
        ));
    }
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    update_profile(&state, &signed.workspace, &dataset, |p| {
        let version = version_mut(p, &dataset.id, &version_name)?;
        for label in &labels {
            version.labels.retain(|l| l.key != label.key);
            version.labels.push(label.clone());
        }
        version.gmt_modified_time = now();
        Ok(())
    })
    .await?;
    Ok(answer(Nothing {}))
}

pub(crate) async fn delete_version_labels(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<KeysQuery>, QueryRejection>,
    signed: Signed,
) -> Answered<Nothing> {
    let (dataset_id, version_name) = two_params(path)?;
    let Query(query) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let keys = items(query.keys.as_deref());
    if keys.is_empty() {
        return Err(PaiError::missing(
            "Keys",
            "the label keys to remove, separated by commas",
        ));
    }
    let (dataset, _) = dataset_to_change(&state, &signed.workspace, &dataset_id).await?;
    update_profile(&state, &signed.workspace, &dataset, |p| {
        let version = version_mut(p, &dataset.id, &version_name)?;
        version
            .labels
            .retain(|l| !l.key.as_ref().is_some_and(|k| keys.contains(k)));
        version.gmt_modified_time = now();
        Ok(())
    })
    .await?;
    Ok(answer(Nothing {}))
}

/// [`dataset_of`] a request changes: refused when another dialect or the native API made it.
pub(crate) async fn dataset_to_change(
    state: &DialectState,
    workspace: &Workspace,
    dataset_id: &str,
) -> Result<(Dataset, DatasetProfile), PaiError> {
    let found = dataset_of(state, workspace, dataset_id).await?;
    check_origin(&found.0, Some(Dialect::Pai))?;
    Ok(found)
}

/// The dataset with this id in the workspace, and what PAI keeps of it; 201300003 otherwise.
pub(crate) async fn dataset_of(
    state: &DialectState,
    workspace: &Workspace,
    dataset_id: &str,
) -> Result<(Dataset, DatasetProfile), PaiError> {
    let dataset = state
        .catalog
        .find_dataset(&workspace.id, dataset_id)
        .await?
        .filter(|d| d.id == dataset_id)
        .ok_or_else(|| PaiError::no_dataset(dataset_id))?;
    let stored = state
        .catalog
        .dataset_attributes(&workspace.id, &dataset.id, Dialect::Pai)
        .await?;
    let profile = profile_of(&dataset, stored, workspace);
    Ok((dataset, profile))
}

/// Changes what PAI keeps of a dataset: reads it, applies `change`, and swaps it in, again if
/// another change got there first.
pub(crate) async fn update_profile<T>(
    state: &DialectState,
    workspace: &Workspace,
    dataset: &Dataset,
    mut change: impl FnMut(&mut DatasetProfile) -> Result<T, PaiError>,
) -> Result<T, PaiError> {
    for _ in 0..SWAP_ATTEMPTS {
        let stored = state
            .catalog
            .dataset_attributes(&workspace.id, &dataset.id, Dialect::Pai)
            .await?;
        let mut profile = profile_of(dataset, stored.clone(), workspace);
        let result = change(&mut profile)?;
        let value = to_value(&profile)?;
        if state
            .catalog
            .swap_dataset_attributes(
                &workspace.id,
                &dataset.id,
                Dialect::Pai,
                stored.as_ref(),
                &value,
            )
            .await?
        {
            return Ok(result);
        }
    }
    Err(PaiError::new(
        StatusCode::CONFLICT,
        CONFLICT,
        format!(
            "dataset {} was changed by other requests at the same time; send the request again",
            dataset.id
        ),
    ))
}

/// What PAI keeps of a dataset; for a dataset made by another API, what its source says.
pub(crate) fn profile_of(
    dataset: &Dataset,
    stored: Option<serde_json::Value>,
    workspace: &Workspace,
) -> DatasetProfile {
    if let Some(stored) = stored {
        match serde_json::from_value(stored) {
            Ok(profile) => return profile,
            Err(e) => {
                tracing::warn!(dataset = %dataset.id, error = %e, "the PAI record of a dataset cannot be read; showing its defaults")
            }
        }
    }
    let uri = dataset.source_uri.clone().unwrap_or_default();
    let scheme = uri.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    let data_source_type = match scheme.as_deref() {
        Some("nas" | "file") => "NAS",
        Some("http" | "https") => "URL",
        _ => "OSS",
    };
    DatasetProfile {
        property: "DIRECTORY".to_owned(),
        data_source_type: data_source_type.to_owned(),
        uri,
        source_type: "USER".to_owned(),
        source_id: None,
        options: None,
        accessibility: "PRIVATE".to_owned(),
        provider_type: "Ecs".to_owned(),
        provider: None,
        owner_id: workspace.id.clone(),
        user_id: workspace.id.clone(),
        workspace_id: workspace.id.clone(),
        source_dataset_id: None,
        source_dataset_version: None,
        mount_access_read_write_role_id_list: Vec::new(),
        accessible_role_id_list: Vec::new(),
        import_info: None,
        edition: "BASIC".to_owned(),
        modified_at: None,
        versions: Vec::new(),
        next_version: 1,
        jobs: Vec::new(),
    }
}

/// Adds a version under the next name (`v1`, `v2`, ...), made at `at`; returns its name.
fn push_version(profile: &mut DatasetProfile, mut record: VersionRecord, at: &str) -> String {
    record.version_name = format!("v{}", profile.next_version);
    record.gmt_create_time = at.to_owned();
    record.gmt_modified_time = at.to_owned();
    profile.next_version += 1;
    let name = record.version_name.clone();
    profile.versions.push(record);
    name
}

pub(crate) fn version_mut<'a>(
    profile: &'a mut DatasetProfile,
    dataset_id: &str,
    version_name: &str,
) -> Result<&'a mut VersionRecord, PaiError> {
    profile
        .versions
        .iter_mut()
        .find(|v| v.version_name == version_name)
        .ok_or_else(|| PaiError::no_version(dataset_id, version_name))
}

/// The number of `v3`; 0 for a name not of that form.
fn version_number(name: &str) -> i64 {
    name.strip_prefix('v')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn dataset_view(dataset: Dataset, profile: DatasetProfile) -> DatasetView {
    let gmt_modified_time = modified_at(&dataset, &profile);
    let latest_version = profile
        .versions
        .iter()
        .max_by_key(|v| version_number(&v.version_name))
        .cloned()
        .map(|v| version_view(&dataset.id, v));
    DatasetView {
        labels: dataset
            .labels
            .iter()
            .map(|(k, v)| Label {
                key: Some(k.clone()),
                value: Some(v.clone()),
            })
            .collect(),
        data_type: pai_data_type(&dataset.data_type).to_owned(),
        description: dataset.description,
        gmt_create_time: dataset.created_at,
        gmt_modified_time,
        latest_version,
        property: profile.property,
        data_source_type: profile.data_source_type,
        uri: profile.uri,
        source_type: profile.source_type,
        source_id: profile.source_id,
        options: profile.options,
        accessibility: profile.accessibility,
        provider_type: profile.provider_type,
        provider: profile.provider,
        owner_id: profile.owner_id,
        user_id: profile.user_id,
        workspace_id: profile.workspace_id,
        source_dataset_id: profile.source_dataset_id,
        source_dataset_version: profile.source_dataset_version,
        mount_access_read_write_role_id_list: profile.mount_access_read_write_role_id_list,
        accessible_role_id_list: profile.accessible_role_id_list,
        mount_access: MOUNT_ACCESS,
        import_info: profile.import_info,
        edition: profile.edition,
        is_shared: false,
        dataset_id: dataset.id,
        name: dataset.name,
    }
}

fn version_view(dataset_id: &str, v: VersionRecord) -> VersionView {
    VersionView {
        dataset_id: dataset_id.to_owned(),
        version_name: v.version_name,
        gmt_create_time: v.gmt_create_time,
        gmt_modified_time: v.gmt_modified_time,
        property: v.property,
        data_source_type: v.data_source_type,
        uri: v.uri,
        labels: v.labels,
        options: v.options,
        source_type: v.source_type,
        source_id: v.source_id,
        description: v.description,
        data_count: v.data_count,
        data_size: v.data_size,
        mount_access: MOUNT_ACCESS,
        import_info: v.import_info,
    }
}

/// The later of the dataset's own change and the last change of a PAI-only field. Both are
/// written as RFC 3339 in UTC with milliseconds, so the texts compare as the times do.
fn modified_at(dataset: &Dataset, profile: &DatasetProfile) -> String {
    match &profile.modified_at {
        Some(at) if *at > dataset.updated_at => at.clone(),
        _ => dataset.updated_at.clone(),
    }
}

/// Now, as the platform writes times: ISO 8601 in UTC with milliseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn labels_map(labels: &[Label]) -> std::collections::BTreeMap<String, String> {
    labels
        .iter()
        .filter_map(|l| Some((l.key.clone()?, l.value.clone().unwrap_or_default())))
        .collect()
}

fn checked_options(options: Option<String>) -> Result<Option<String>, PaiError> {
    options
        .filter(|o| !o.trim().is_empty())
        .map(|o| check_options("Options", &o).map(|_| o))
        .transpose()
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn name_taken(name: &str) -> PaiError {
    PaiError::new(
        StatusCode::BAD_REQUEST,
        DATASET_ERROR,
        format!(
            "Dataset name already existed: '{name}' is taken in this workspace; choose another Name"
        ),
    )
}

/// `PageNumber` (from 1, default 1) and `PageSize` (1 to 1000, default 10).
pub(crate) fn paging(number: Option<&str>, size: Option<&str>) -> Result<(i64, i64), PaiError> {
    let parse = |field: &str, text: Option<&str>, default: i64, max: i64| match text.map(str::trim)
    {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                PaiError::invalid(format!(
                    "{field} is '{text}'; expected an integer from 1 to {max}"
                ))
            }),
    };
    Ok((
        parse("PageNumber", number, 1, i64::MAX / MAX_PAGE_SIZE)?,
        parse("PageSize", size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?,
    ))
}

/// `Order`: ASC (the default) or DESC.
pub(crate) fn descending(order: Option<&str>) -> Result<bool, PaiError> {
    match order.map(str::trim).map(str::to_ascii_uppercase).as_deref() {
        None | Some("" | "ASC") => Ok(false),
        Some("DESC") => Ok(true),
        Some(_) => Err(PaiError::invalid(format!(
            "Order is '{}'; expected ASC or DESC",
            order.unwrap_or_default()
        ))),
    }
}

pub(crate) fn one_param(path: Result<Path<String>, PathRejection>) -> Result<String, PaiError> {
    path.map(|Path(p)| p)
        .map_err(|e| PaiError::invalid(e.body_text()))
}

pub(crate) fn two_params(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), PaiError> {
    path.map(|Path(p)| p)
        .map_err(|e| PaiError::invalid(e.body_text()))
}

/// A JSON body; an empty body is an empty object. A field of the wrong type is refused naming
/// it.
pub(crate) fn parse_body<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, PaiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if path == "." => {
                PaiError::invalid(format!("the request body: {inner}; expected a JSON object"))
            }
            serde_json::error::Category::Data => PaiError::invalid(format!("{path}: {inner}")),
            _ => PaiError::invalid(format!("the request body is not JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| PaiError::invalid(format!("the request body is not JSON: {e}")))?;
    Ok(value)
}

pub(crate) fn to_value(profile: &DatasetProfile) -> Result<serde_json::Value, PaiError> {
    serde_json::to_value(profile).map_err(|e| WharfError::internal(e.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_refused_naming_the_field() {
        let code = |body: &str| {
            parse_body::<CreateDatasetBody>(body.as_bytes())
                .map(|_| "ok".to_owned())
                .unwrap_or_else(|e| e.message)
        };
        assert_eq!(code(""), "ok");
        assert!(code("{").contains("not JSON"));
        assert!(code("{} x").contains("not JSON"));
        assert!(code(r#"{"Options": {"a": 1}}"#).starts_with("Options"));
        assert!(code(r#"{"DataSize": "big"}"#).starts_with("DataSize"));
        assert_eq!(code(r#"{"DataSize": "12", "Unknown": 1}"#), "ok");
    }

    #[test]
    fn paging_and_order_are_checked() {
        assert_eq!(paging(None, None).unwrap(), (1, 10));
        assert_eq!(paging(Some("3"), Some("100")).unwrap(), (3, 100));
        assert!(paging(Some("0"), None).is_err());
        assert!(paging(None, Some("1001")).is_err());
        assert!(!descending(None).unwrap());
        assert!(descending(Some("desc")).unwrap());
        assert!(descending(Some("up")).is_err());
    }

    #[test]
    fn versions_are_named_in_order_and_never_reused() {
        let workspace = Workspace {
            id: "w".into(),
            name: "team".into(),
            created_at: String::new(),
        };
        let dataset = Dataset {
            id: "d".into(),
            name: "n".into(),
            description: String::new(),
            data_type: "common".into(),
            source_uri: None,
            labels: Default::default(),
            latest_version: 0,
            origin: Some(Dialect::Pai),
            created_at: "2024-01-02T03:04:05.000Z".into(),
            updated_at: "2024-01-02T03:04:05.000Z".into(),
        };
        let mut profile = profile_of(&dataset, None, &workspace);
        let record = VersionRecord {
            version_name: String::new(),
            gmt_create_time: String::new(),
            gmt_modified_time: String::new(),
            property: "FILE".into(),
            data_source_type: "OSS".into(),
            uri: "oss://b.e/p".into(),
            labels: Vec::new(),
            options: None,
            source_type: "USER".into(),
            source_id: None,
            description: String::new(),
            data_count: 0,
            data_size: 0,
            import_info: None,
            native_version: None,
        };
        assert_eq!(push_version(&mut profile, record.clone(), "t1"), "v1");
        assert_eq!(push_version(&mut profile, record.clone(), "t2"), "v2");
        profile.versions.retain(|v| v.version_name != "v2");
        assert_eq!(push_version(&mut profile, record, "t3"), "v3");
        assert_eq!(version_number("v12"), 12);
        assert_eq!(
            dataset_view(dataset, profile)
                .latest_version
                .map(|v| v.version_name),
            Some("v3".to_owned())
        );
    }
}
