//! The rules a collection's name and schema follow: those Milvus and Zilliz Cloud apply when a
//! collection is created, so that a schema Wharf accepts is one they would accept too, and the
//! files their tools write for it can be read against it.
//!
//! Every refusal is an [`ErrorCode::InvalidRequest`](wharf_model::ErrorCode) whose message names
//! the field (or its position, `fields[i]`, when it has no name), what was found and what was
//! expected. Only the first problem is reported, fields taken in order, so the same schema
//! always gets the same answer.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use wharf_model::{CollectionSchema, FieldSchema, FieldType, WharfError, WharfResult};

/// Milvus: `proxy.maxNameLength`, for collection and field names alike.
const MAX_NAME_LEN: usize = 255;
const NAME_RULE: &str =
    "1 to 255 ASCII characters: a letter or '_' first, then letters, digits or '_'";
/// Zilliz Cloud: at most 64 fields and 4 vector fields per collection.
const MAX_FIELDS: usize = 64;
const MAX_VECTOR_FIELDS: usize = 4;
/// Zilliz Cloud: a dense vector has at most 32,768 dimensions.
const MAX_DIM: u32 = 32_768;
/// Milvus: a VarChar holds at most 65,535 bytes.
const MAX_LENGTH: u32 = 65_535;
/// Milvus: an Array holds at most 4,096 elements.
const MAX_CAPACITY: u32 = 4_096;
/// Milvus keeps the keys a row has beyond the schema in this JSON field.
const DYNAMIC_FIELD: &str = "$meta";
const ELEMENT_TYPES: &str = "one of Bool, Int8, Int16, Int32, Int64, Float, Double or VarChar";

/// Checks a collection's name by Milvus' rule (the one field names follow too), so that a
/// collection Wharf keeps can be created under the same name in Milvus.
pub fn check_collection_name(name: &str) -> WharfResult<()> {
    match name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(WharfError::invalid(format!(
            "collection name '{name}' {problem}; expected {NAME_RULE}"
        ))),
    }
}

/// Milvus: `rootCoord.maxPartitionNum`, the most partitions a collection has, `_default`
/// included.
pub const MAX_PARTITIONS: usize = 1024;

/// Checks a partition's name by the rule collection names follow.
pub fn check_partition_name(name: &str) -> WharfResult<()> {
    match name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(WharfError::invalid(format!(
            "partition name '{name}' {problem}; expected {NAME_RULE}"
        ))),
    }
}

/// Checks a collection's schema: the number of fields and vectors, the names, the primary key,
/// each type's parameters, nullability and default values.
///
/// Rules that count across fields are reported at the field that breaks them (the second
/// primary key, the fifth vector); a schema without a primary key or without a vector is
/// reported after all its fields passed.
pub fn check_schema(schema: &CollectionSchema) -> WharfResult<()> {
    let fields = &schema.fields;
    if fields.is_empty() {
        return Err(WharfError::invalid(
            "the schema has no fields; expected 1 to 64 fields, one of them the primary key and at least one a vector",
        ));
    }
    if fields.len() > MAX_FIELDS {
        return Err(WharfError::invalid(format!(
            "the schema has {} fields; expected at most {MAX_FIELDS}",
            fields.len()
        )));
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut primary: Option<&str> = None;
    let mut vectors = 0;
    for (i, field) in fields.iter().enumerate() {
        let subject = Subject(i, field);
        check_name(field, &subject)?;
        if let Some(first) = names.insert(&field.name, i) {
            return Err(WharfError::invalid(format!(
                "field name '{}' is used by fields[{first}] and fields[{i}]; expected each name once (names are case-sensitive)",
                field.name
            )));
        }
        let checked = check_key(field)
            .and_then(|()| check_counts(field, primary, vectors))
            .and_then(|()| check_dim(field))
            .and_then(|()| check_array(field))
            .and_then(|()| check_max_length(field))
            .and_then(|()| check_nullable_and_default(field));
        checked.map_err(|problem| WharfError::invalid(format!("{subject} {problem}")))?;
        if field.is_primary {
            primary = Some(&field.name);
        }
        if field.data_type.is_vector() {
            vectors += 1;
        }
    }
    if primary.is_none() {
        return Err(WharfError::invalid(
            "the schema has no primary key; expected exactly one field with isPrimary, of type Int64 or VarChar",
        ));
    }
    if vectors == 0 {
        return Err(WharfError::invalid(
            "the schema has no vector field; expected 1 to 4 fields of type FloatVector, Float16Vector, BFloat16Vector, BinaryVector or SparseFloatVector",
        ));
    }
    Ok(())
}

/// The rules that count across fields, at the field that breaks them: one primary key (Zilliz
/// v1 error 90017), at most 4 vectors. `primary` and `vectors` are of the fields before.
fn check_counts(field: &FieldSchema, primary: Option<&str>, vectors: usize) -> Result<(), String> {
    if field.is_primary
        && let Some(first) = primary
    {
        return Err(format!(
            "is a second primary key, after '{first}'; expected exactly one primary key"
        ));
    }
    if field.data_type.is_vector() && vectors == MAX_VECTOR_FIELDS {
        return Err(format!(
            "is vector field number {}; expected at most {MAX_VECTOR_FIELDS} vector fields",
            vectors + 1
        ));
    }
    Ok(())
}

/// How a message names a field: by name, or by position when it has none, with its type.
struct Subject<'a>(usize, &'a FieldSchema);

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Subject(i, field) = self;
        if field.name.is_empty() {
            write!(f, "fields[{i}]")?;
        } else {
            write!(f, "field '{}'", field.name)?;
        }
        match (field.data_type, field.element_type) {
            (FieldType::Array, Some(element)) => write!(f, " (Array of {})", element.name()),
            (data_type, _) => write!(f, " ({})", data_type.name()),
        }
    }
}

/// What is wrong with a name under Milvus' rule (`validateCollectionName`, `validateFieldName`),
/// if anything.
fn name_problem(name: &str) -> Option<String> {
    let Some(first) = name.chars().next() else {
        return Some("is empty".to_owned());
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Some(format!("starts with {first:?}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!("contains {c:?}"));
    }
    // Only ASCII is left, so bytes are characters.
    if name.len() > MAX_NAME_LEN {
        return Some(format!("is {} characters long", name.len()));
    }
    None
}

/// A field's name: not the dynamic field's, which Milvus reserves whether or not the collection
/// has one, and by the name rule.
fn check_name(field: &FieldSchema, subject: &Subject<'_>) -> WharfResult<()> {
    if field.name == DYNAMIC_FIELD {
        return Err(WharfError::invalid(format!(
            "field name '{DYNAMIC_FIELD}' is reserved for the dynamic field; expected another name \
             (with enableDynamicField, the keys a row has beyond the schema are kept there)"
        )));
    }
    match name_problem(&field.name) {
        None => Ok(()),
        Some(_) if field.name.is_empty() => Err(WharfError::invalid(format!(
            "{subject} has an empty name; expected {NAME_RULE}"
        ))),
        Some(problem) => Err(WharfError::invalid(format!(
            "field name '{}' {problem}; expected {NAME_RULE}",
            field.name
        ))),
    }
}

/// `dim`: a dense vector's fixed length (Milvus `type_params`), which sparse vectors and
/// scalars have none of. A binary vector packs 8 dimensions a byte.
fn check_dim(field: &FieldSchema) -> Result<(), String> {
    match (field.data_type, field.dim) {
        (FieldType::FloatVector | FieldType::Float16Vector | FieldType::BFloat16Vector, dim) => {
            match dim {
                Some(dim) if (1..=MAX_DIM).contains(&dim) => Ok(()),
                dim => Err(format!(
                    "has {}; expected 1 to {MAX_DIM}",
                    found("dim", dim)
                )),
            }
        }
        (FieldType::BinaryVector, Some(dim)) if (8..=MAX_DIM).contains(&dim) && dim % 8 == 0 => {
            Ok(())
        }
        (FieldType::BinaryVector, dim) => Err(format!(
            "has {}; expected a multiple of 8 from 8 to {MAX_DIM}",
            found("dim", dim)
        )),
        (_, None) => Ok(()),
        (FieldType::SparseFloatVector, Some(dim)) => Err(format!(
            "has dim {dim}; expected none: a sparse vector has no fixed dimension"
        )),
        (_, Some(dim)) => Err(format!(
            "has dim {dim}; expected none: only dense vector fields have one"
        )),
    }
}

/// `elementType` and `maxCapacity`: an Array's, and only an Array's. Milvus arrays hold
/// scalars, never JSON, arrays or vectors.
fn check_array(field: &FieldSchema) -> Result<(), String> {
    if field.data_type != FieldType::Array {
        if let Some(element) = field.element_type {
            return Err(format!(
                "has elementType {}; expected none: only Array fields have one",
                element.name()
            ));
        }
        if let Some(capacity) = field.max_capacity {
            return Err(format!(
                "has maxCapacity {capacity}; expected none: only Array fields have one"
            ));
        }
        return Ok(());
    }
    match field.element_type {
        None => return Err(format!("has no elementType; expected {ELEMENT_TYPES}")),
        Some(element) if !is_array_element(element) => {
            return Err(format!(
                "has elementType {}; expected {ELEMENT_TYPES}",
                element.name()
            ));
        }
        Some(_) => {}
    }
    match field.max_capacity {
        Some(capacity) if (1..=MAX_CAPACITY).contains(&capacity) => Ok(()),
        capacity => Err(format!(
            "has {}; expected 1 to {MAX_CAPACITY}",
            found("maxCapacity", capacity)
        )),
    }
}

fn is_array_element(element: FieldType) -> bool {
    matches!(
        element,
        FieldType::Bool
            | FieldType::Int8
            | FieldType::Int16
            | FieldType::Int32
            | FieldType::Int64
            | FieldType::Float
            | FieldType::Double
            | FieldType::VarChar
    )
}

/// `maxLength`: a VarChar's (or a VarChar array element's) longest value in bytes, which
/// Milvus requires of them and of nothing else.
fn check_max_length(field: &FieldSchema) -> Result<(), String> {
    let needs_one = match field.data_type {
        FieldType::VarChar => true,
        FieldType::Array => field.element_type == Some(FieldType::VarChar),
        _ => false,
    };
    match (needs_one, field.max_length) {
        (true, Some(length)) if (1..=MAX_LENGTH).contains(&length) => Ok(()),
        (true, length) => Err(format!(
            "has {}; expected 1 to {MAX_LENGTH} bytes",
            found("maxLength", length)
        )),
        (false, None) => Ok(()),
        (false, Some(length)) => Err(format!(
            "has maxLength {length}; expected none: only VarChar fields and arrays of VarChar have one"
        )),
    }
}

/// The primary key: Int64 or VarChar (Zilliz v1 error 90018), present in every row, so never
/// nullable nor defaulted. `autoId` makes the key's values; Zilliz makes only Int64 ones (v1
/// error 90020).
fn check_key(field: &FieldSchema) -> Result<(), String> {
    if field.is_primary {
        if !matches!(field.data_type, FieldType::Int64 | FieldType::VarChar) {
            return Err(
                "is the primary key; expected a primary key of type Int64 or VarChar".to_owned(),
            );
        }
        if field.nullable {
            return Err(
                "is the primary key and nullable; expected a primary key that is not nullable: every row has one"
                    .to_owned(),
            );
        }
        if field.default_value.is_some() {
            return Err(
                "is the primary key and has a defaultValue; expected none: every row has its own key"
                    .to_owned(),
            );
        }
    }
    if field.auto_id {
        if !field.is_primary {
            return Err(
                "has autoId but is not the primary key; expected autoId only on the primary key"
                    .to_owned(),
            );
        }
        if field.data_type != FieldType::Int64 {
            return Err(
                "is the primary key and has autoId; expected autoId only on an Int64 primary key"
                    .to_owned(),
            );
        }
    }
    Ok(())
}

/// Nullability and defaults (Milvus 2.5): every row has its vectors, and neither vectors nor
/// arrays take a default. A `null` default says nothing a nullable field does not.
fn check_nullable_and_default(field: &FieldSchema) -> Result<(), String> {
    let data_type = field.data_type;
    if data_type.is_vector() && field.nullable {
        return Err(
            "is nullable; expected a vector that is not nullable: every row has one".to_owned(),
        );
    }
    let Some(value) = &field.default_value else {
        return Ok(());
    };
    if data_type.is_vector() {
        return Err("has a defaultValue; expected none: vectors have no default".to_owned());
    }
    if data_type == FieldType::Array {
        return Err("has a defaultValue; expected none: arrays have no default".to_owned());
    }
    if value.is_null() {
        return Err(
            "has defaultValue null; expected a value, or leave defaultValue out and make the field nullable"
                .to_owned(),
        );
    }
    check_default_fits(field, value)
}

/// A default value is a value of the field's type, as a row would give it in JSON.
fn check_default_fits(field: &FieldSchema, value: &Value) -> Result<(), String> {
    let integer = |min: i64, max: i64| {
        (
            value.as_i64().is_some_and(|v| (min..=max).contains(&v)),
            format!("an integer from {min} to {max}"),
        )
    };
    let (fits, expected) = match field.data_type {
        FieldType::Bool => (value.is_boolean(), "true or false".to_owned()),
        FieldType::Int8 => integer(i8::MIN.into(), i8::MAX.into()),
        FieldType::Int16 => integer(i16::MIN.into(), i16::MAX.into()),
        FieldType::Int32 => integer(i32::MIN.into(), i32::MAX.into()),
        FieldType::Int64 => integer(i64::MIN, i64::MAX),
        // A Float is 32 bits: a larger number would become infinite.
        FieldType::Float => (
            value
                .as_f64()
                .is_some_and(|v| v.abs() <= f64::from(f32::MAX)),
            format!("a number from {:e} to {:e}", f32::MIN, f32::MAX),
        ),
        FieldType::Double => (value.is_number(), "a number".to_owned()),
        FieldType::VarChar => {
            let max = field.max_length.unwrap_or(0);
            match value.as_str() {
                Some(text) if text.len() > max as usize => {
                    return Err(format!(
                        "has a defaultValue of {} bytes; expected a string of at most {max} bytes",
                        text.len()
                    ));
                }
                text => (text.is_some(), format!("a string of at most {max} bytes")),
            }
        }
        FieldType::Json => (true, String::new()),
        // Vectors and arrays were refused a default before.
        FieldType::Array
        | FieldType::FloatVector
        | FieldType::Float16Vector
        | FieldType::BFloat16Vector
        | FieldType::BinaryVector
        | FieldType::SparseFloatVector => (false, "no defaultValue".to_owned()),
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "has defaultValue {}; expected {expected}",
            shown(value)
        ))
    }
}

/// A parameter as a message shows it: `dim 0`, or `no dim` when it is missing.
fn found(key: &str, value: Option<u32>) -> String {
    match value {
        Some(value) => format!("{key} {value}"),
        None => format!("no {key}"),
    }
}

/// A JSON value as a message shows it, cut short so that a large one does not flood the
/// message.
fn shown(value: &Value) -> String {
    const MAX_SHOWN: usize = 60;
    let text = value.to_string();
    match text.char_indices().nth(MAX_SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wharf_model::ErrorCode;

    use super::*;

    fn field(name: &str, data_type: FieldType) -> FieldSchema {
        FieldSchema {
            name: name.to_owned(),
            data_type,
            description: String::new(),
            is_primary: false,
            auto_id: false,
            dim: None,
            max_length: None,
            element_type: None,
            max_capacity: None,
            nullable: false,
            default_value: None,
        }
    }

    /// The schema of the pymilvus quickstart, with one field of each kind.
    fn quickstart() -> CollectionSchema {
        CollectionSchema {
            fields: vec![
                FieldSchema {
                    is_primary: true,
                    auto_id: true,
                    ..field("id", FieldType::Int64)
                },
                FieldSchema {
                    dim: Some(768),
                    ..field("embedding", FieldType::FloatVector)
                },
                FieldSchema {
                    max_length: Some(512),
                    ..field("title", FieldType::VarChar)
                },
                field("meta", FieldType::Json),
                FieldSchema {
                    element_type: Some(FieldType::Int32),
                    max_capacity: Some(16),
                    ..field("tags", FieldType::Array)
                },
                FieldSchema {
                    nullable: true,
                    default_value: Some(json!(0.5)),
                    ..field("score", FieldType::Float)
                },
            ],
            enable_dynamic_field: true,
        }
    }

    /// The quickstart schema with `extra` appended.
    fn with(extra: FieldSchema) -> CollectionSchema {
        let mut schema = quickstart();
        schema.fields.push(extra);
        schema
    }

    /// The quickstart schema with field `i` changed by `change`.
    fn changed(i: usize, change: impl FnOnce(&mut FieldSchema)) -> CollectionSchema {
        let mut schema = quickstart();
        change(&mut schema.fields[i]);
        schema
    }

    /// Asserts the schema is refused as an invalid request whose message says each of `says`.
    #[track_caller]
    fn refused(schema: &CollectionSchema, says: &[&str]) -> String {
        let error = check_schema(schema).expect_err("the schema should be refused");
        assert_eq!(error.code, ErrorCode::InvalidRequest);
        for part in says {
            assert!(
                error.message.contains(part),
                "{:?} does not say {part:?}",
                error.message
            );
        }
        error.message
    }

    #[track_caller]
    fn accepted(schema: &CollectionSchema) {
        if let Err(error) = check_schema(schema) {
            panic!("the schema should pass: {}", error.message);
        }
    }

    #[test]
    fn the_quickstart_schema_passes() {
        accepted(&quickstart());
    }

    #[test]
    fn collection_names_follow_milvus_rule() {
        for name in ["a", "_", "_private", "Books_2024", "ID", &"a".repeat(255)] {
            assert_eq!(check_collection_name(name), Ok(()), "{name}");
        }
        for (name, says) in [
            ("", "is empty"),
            ("1books", "starts with '1'"),
            ("my-books", "contains '-'"),
            ("my books", "contains ' '"),
            ("café", "contains 'é'"),
            ("书", "starts with '书'"),
            ("$meta", "starts with '$'"),
            (&"a".repeat(256), "is 256 characters long"),
        ] {
            let error = check_collection_name(name).expect_err(name);
            assert_eq!(error.code, ErrorCode::InvalidRequest);
            assert!(
                error.message.contains(&format!("'{name}'")),
                "{}",
                error.message
            );
            assert!(error.message.contains(says), "{}", error.message);
            assert!(
                error.message.contains("expected 1 to 255 ASCII characters"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn a_schema_needs_fields() {
        let schema = CollectionSchema {
            fields: vec![],
            enable_dynamic_field: false,
        };
        refused(&schema, &["no fields", "expected 1 to 64"]);
    }

    #[test]
    fn a_schema_has_at_most_64_fields() {
        let mut schema = quickstart();
        for i in schema.fields.len()..64 {
            schema
                .fields
                .push(field(&format!("f{i}"), FieldType::Int32));
        }
        accepted(&schema);
        schema.fields.push(field("f64", FieldType::Int32));
        refused(&schema, &["65 fields", "expected at most 64"]);
    }

    #[test]
    fn a_schema_needs_a_vector() {
        let mut schema = quickstart();
        schema.fields.remove(1);
        refused(&schema, &["no vector field", "expected 1 to 4"]);
    }

    #[test]
    fn a_schema_has_at_most_4_vectors() {
        let mut schema = with(FieldSchema {
            dim: Some(64),
            ..field("binary", FieldType::BinaryVector)
        });
        schema
            .fields
            .push(field("sparse", FieldType::SparseFloatVector));
        schema.fields.push(FieldSchema {
            dim: Some(8),
            ..field("half", FieldType::Float16Vector)
        });
        accepted(&schema);
        schema.fields.push(FieldSchema {
            dim: Some(8),
            ..field("brain", FieldType::BFloat16Vector)
        });
        refused(
            &schema,
            &[
                "field 'brain' (BFloat16Vector)",
                "number 5",
                "expected at most 4",
            ],
        );
    }

    #[test]
    fn field_names_follow_milvus_rule() {
        let message = refused(
            &changed(2, |f| f.name = "my-title".to_owned()),
            &[
                "'my-title'",
                "contains '-'",
                "expected 1 to 255 ASCII characters",
            ],
        );
        assert_eq!(
            message,
            "field name 'my-title' contains '-'; expected 1 to 255 ASCII characters: a letter or '_' first, then letters, digits or '_'"
        );
        refused(
            &changed(2, |f| f.name = "9title".to_owned()),
            &["'9title'", "starts with '9'"],
        );
        refused(
            &changed(2, |f| f.name = "t".repeat(256)),
            &["is 256 characters long", "expected 1 to 255"],
        );
        accepted(&changed(2, |f| f.name = "t".repeat(255)));
    }

    #[test]
    fn an_empty_field_name_is_named_by_position() {
        refused(
            &changed(3, |f| f.name = String::new()),
            &["fields[3] (JSON) has an empty name", "expected 1 to 255"],
        );
    }

    #[test]
    fn the_dynamic_field_name_is_reserved() {
        let mut schema = with(field("$meta", FieldType::Json));
        refused(&schema, &["'$meta'", "reserved", "expected another name"]);
        schema.enable_dynamic_field = false;
        refused(&schema, &["'$meta'", "reserved"]);
    }

    #[test]
    fn field_names_are_unique_and_case_sensitive() {
        refused(
            &with(field("meta", FieldType::Int32)),
            &[
                "'meta'",
                "fields[3] and fields[6]",
                "expected each name once",
            ],
        );
        accepted(&with(field("ID", FieldType::Int64)));
        accepted(&with(field("Meta", FieldType::Json)));
    }

    #[test]
    fn a_schema_needs_a_primary_key() {
        let schema = changed(0, |f| {
            f.is_primary = false;
            f.auto_id = false;
        });
        refused(
            &schema,
            &["no primary key", "expected exactly one", "Int64 or VarChar"],
        );
    }

    #[test]
    fn a_schema_has_one_primary_key() {
        let schema = with(FieldSchema {
            is_primary: true,
            max_length: Some(36),
            ..field("uuid", FieldType::VarChar)
        });
        refused(
            &schema,
            &[
                "field 'uuid' (VarChar)",
                "second primary key, after 'id'",
                "expected exactly one",
            ],
        );
    }

    #[test]
    fn the_primary_key_is_int64_or_varchar() {
        for data_type in FieldType::ALL {
            let schema = changed(0, |f| {
                f.data_type = data_type;
                f.auto_id = false;
                f.max_length = (data_type == FieldType::VarChar).then_some(64);
                f.dim = (data_type == FieldType::FloatVector).then_some(8);
            });
            match data_type {
                FieldType::Int64 | FieldType::VarChar => accepted(&schema),
                _ => {
                    refused(
                        &schema,
                        &[
                            &format!("field 'id' ({})", data_type.name()),
                            "expected a primary key of type Int64 or VarChar",
                        ],
                    );
                }
            }
        }
    }

    #[test]
    fn the_primary_key_is_not_nullable() {
        refused(
            &changed(0, |f| f.nullable = true),
            &[
                "field 'id' (Int64)",
                "nullable",
                "expected a primary key that is not nullable",
            ],
        );
    }

    #[test]
    fn the_primary_key_has_no_default() {
        let schema = changed(0, |f| {
            f.auto_id = false;
            f.default_value = Some(json!(1));
        });
        refused(
            &schema,
            &["field 'id' (Int64)", "has a defaultValue", "expected none"],
        );
    }

    #[test]
    fn auto_id_is_only_on_the_primary_key() {
        refused(
            &with(FieldSchema {
                auto_id: true,
                ..field("count", FieldType::Int64)
            }),
            &[
                "field 'count' (Int64)",
                "not the primary key",
                "expected autoId only on the primary key",
            ],
        );
    }

    #[test]
    fn auto_id_is_only_on_an_int64_key() {
        let schema = changed(0, |f| {
            f.data_type = FieldType::VarChar;
            f.max_length = Some(36);
        });
        refused(
            &schema,
            &[
                "field 'id' (VarChar)",
                "expected autoId only on an Int64 primary key",
            ],
        );
        let schema = changed(0, |f| {
            f.data_type = FieldType::VarChar;
            f.max_length = Some(36);
            f.auto_id = false;
        });
        accepted(&schema);
    }

    #[test]
    fn dense_vectors_need_a_dim_from_1_to_32768() {
        let message = refused(&changed(1, |f| f.dim = Some(0)), &[]);
        assert_eq!(
            message,
            "field 'embedding' (FloatVector) has dim 0; expected 1 to 32768"
        );
        for data_type in [
            FieldType::FloatVector,
            FieldType::Float16Vector,
            FieldType::BFloat16Vector,
        ] {
            let at = |dim: Option<u32>| {
                changed(1, |f| {
                    f.data_type = data_type;
                    f.dim = dim;
                })
            };
            let subject = format!("field 'embedding' ({})", data_type.name());
            refused(&at(None), &[&subject, "has no dim", "expected 1 to 32768"]);
            refused(
                &at(Some(32_769)),
                &[&subject, "has dim 32769", "expected 1 to 32768"],
            );
            accepted(&at(Some(1)));
            accepted(&at(Some(32_768)));
        }
    }

    #[test]
    fn binary_vectors_need_a_dim_in_whole_bytes() {
        let at = |dim: Option<u32>| {
            changed(1, |f| {
                f.data_type = FieldType::BinaryVector;
                f.dim = dim;
            })
        };
        let expected = "expected a multiple of 8 from 8 to 32768";
        refused(
            &at(Some(12)),
            &["field 'embedding' (BinaryVector)", "has dim 12", expected],
        );
        refused(&at(Some(0)), &["has dim 0", expected]);
        refused(&at(None), &["has no dim", expected]);
        refused(&at(Some(32_776)), &["has dim 32776", expected]);
        accepted(&at(Some(8)));
        accepted(&at(Some(32_768)));
    }

    #[test]
    fn sparse_vectors_have_no_dim() {
        let at = |dim: Option<u32>| {
            changed(1, |f| {
                f.data_type = FieldType::SparseFloatVector;
                f.dim = dim;
            })
        };
        refused(
            &at(Some(128)),
            &[
                "field 'embedding' (SparseFloatVector)",
                "has dim 128",
                "expected none",
            ],
        );
        accepted(&at(None));
    }

    #[test]
    fn only_dense_vectors_have_a_dim() {
        refused(
            &changed(3, |f| f.dim = Some(8)),
            &[
                "field 'meta' (JSON)",
                "has dim 8",
                "expected none: only dense vector fields",
            ],
        );
    }

    #[test]
    fn vectors_are_not_nullable() {
        refused(
            &changed(1, |f| f.nullable = true),
            &[
                "field 'embedding' (FloatVector)",
                "is nullable",
                "expected a vector that is not nullable",
            ],
        );
    }

    #[test]
    fn vectors_have_no_default() {
        refused(
            &changed(1, |f| f.default_value = Some(json!([0.0, 1.0]))),
            &[
                "field 'embedding' (FloatVector)",
                "has a defaultValue",
                "expected none",
            ],
        );
    }

    #[test]
    fn varchar_needs_a_max_length_from_1_to_65535() {
        let at = |length: Option<u32>| changed(2, |f| f.max_length = length);
        refused(
            &at(None),
            &[
                "field 'title' (VarChar)",
                "has no maxLength",
                "expected 1 to 65535 bytes",
            ],
        );
        refused(
            &at(Some(0)),
            &[
                "field 'title' (VarChar)",
                "has maxLength 0",
                "expected 1 to 65535",
            ],
        );
        refused(
            &at(Some(65_536)),
            &["has maxLength 65536", "expected 1 to 65535"],
        );
        accepted(&at(Some(1)));
        accepted(&at(Some(65_535)));
    }

    #[test]
    fn only_varchar_has_a_max_length() {
        refused(
            &changed(0, |f| f.max_length = Some(10)),
            &["field 'id' (Int64)", "has maxLength 10", "expected none"],
        );
        refused(
            &changed(3, |f| f.max_length = Some(10)),
            &["field 'meta' (JSON)", "has maxLength 10", "expected none"],
        );
        refused(
            &changed(4, |f| f.max_length = Some(10)),
            &[
                "field 'tags' (Array of Int32)",
                "has maxLength 10",
                "expected none",
            ],
        );
    }

    #[test]
    fn arrays_need_a_scalar_element_type() {
        refused(
            &changed(4, |f| f.element_type = None),
            &[
                "field 'tags' (Array)",
                "has no elementType",
                "expected one of Bool",
            ],
        );
        for element in FieldType::ALL {
            let schema = changed(4, |f| {
                f.element_type = Some(element);
                f.max_length = (element == FieldType::VarChar).then_some(32);
            });
            if is_array_element(element) {
                accepted(&schema);
            } else {
                refused(
                    &schema,
                    &[
                        "field 'tags'",
                        &format!("has elementType {}", element.name()),
                        "expected one of Bool",
                    ],
                );
            }
        }
        let accepted_elements = FieldType::ALL
            .into_iter()
            .filter(|t| is_array_element(*t))
            .count();
        assert_eq!(accepted_elements, 8);
    }

    #[test]
    fn arrays_need_a_max_capacity_from_1_to_4096() {
        let at = |capacity: Option<u32>| changed(4, |f| f.max_capacity = capacity);
        refused(
            &at(None),
            &[
                "field 'tags' (Array of Int32)",
                "has no maxCapacity",
                "expected 1 to 4096",
            ],
        );
        refused(&at(Some(0)), &["has maxCapacity 0", "expected 1 to 4096"]);
        refused(
            &at(Some(4_097)),
            &["has maxCapacity 4097", "expected 1 to 4096"],
        );
        accepted(&at(Some(1)));
        accepted(&at(Some(4_096)));
    }

    #[test]
    fn varchar_elements_need_a_max_length() {
        let at = |length: Option<u32>| {
            changed(4, |f| {
                f.element_type = Some(FieldType::VarChar);
                f.max_length = length;
            })
        };
        refused(
            &at(None),
            &[
                "field 'tags' (Array of VarChar)",
                "has no maxLength",
                "expected 1 to 65535",
            ],
        );
        refused(
            &at(Some(65_536)),
            &["has maxLength 65536", "expected 1 to 65535"],
        );
        accepted(&at(Some(64)));
    }

    #[test]
    fn arrays_have_no_default_but_may_be_nullable() {
        refused(
            &changed(4, |f| f.default_value = Some(json!([1, 2]))),
            &[
                "field 'tags' (Array of Int32)",
                "has a defaultValue",
                "expected none",
            ],
        );
        accepted(&changed(4, |f| f.nullable = true));
    }

    #[test]
    fn only_arrays_have_array_parameters() {
        refused(
            &changed(3, |f| f.element_type = Some(FieldType::Int32)),
            &[
                "field 'meta' (JSON)",
                "has elementType Int32",
                "expected none: only Array fields",
            ],
        );
        refused(
            &changed(2, |f| f.max_capacity = Some(4)),
            &[
                "field 'title' (VarChar)",
                "has maxCapacity 4",
                "expected none: only Array fields",
            ],
        );
    }

    #[test]
    fn a_null_default_is_refused() {
        refused(
            &changed(5, |f| f.default_value = Some(Value::Null)),
            &[
                "field 'score' (Float)",
                "defaultValue null",
                "leave defaultValue out and make the field nullable",
            ],
        );
    }

    /// `data_type` with `default`, as field `extra` of the quickstart schema.
    fn default_of(data_type: FieldType, default: Value) -> CollectionSchema {
        with(FieldSchema {
            default_value: Some(default),
            max_length: (data_type == FieldType::VarChar).then_some(3),
            ..field("extra", data_type)
        })
    }

    #[test]
    fn a_bool_default_is_a_bool() {
        accepted(&default_of(FieldType::Bool, json!(true)));
        refused(
            &default_of(FieldType::Bool, json!(1)),
            &[
                "field 'extra' (Bool)",
                "has defaultValue 1",
                "expected true or false",
            ],
        );
    }

    #[test]
    fn an_integer_default_is_an_integer_in_range() {
        for (data_type, min, max) in [
            (FieldType::Int8, i64::from(i8::MIN), i64::from(i8::MAX)),
            (FieldType::Int16, i16::MIN.into(), i16::MAX.into()),
            (FieldType::Int32, i32::MIN.into(), i32::MAX.into()),
        ] {
            let expected = format!("expected an integer from {min} to {max}");
            let subject = format!("field 'extra' ({})", data_type.name());
            accepted(&default_of(data_type, json!(min)));
            accepted(&default_of(data_type, json!(max)));
            refused(
                &default_of(data_type, json!(max + 1)),
                &[
                    &subject,
                    &format!("has defaultValue {}", max + 1),
                    &expected,
                ],
            );
            refused(
                &default_of(data_type, json!(min - 1)),
                &[&subject, &expected],
            );
        }
        let expected = "expected an integer from -9223372036854775808 to 9223372036854775807";
        accepted(&default_of(FieldType::Int64, json!(i64::MAX)));
        accepted(&default_of(FieldType::Int64, json!(i64::MIN)));
        refused(
            &default_of(FieldType::Int64, json!(u64::MAX)),
            &["field 'extra' (Int64)", expected],
        );
        refused(
            &default_of(FieldType::Int64, json!(1.5)),
            &["has defaultValue 1.5", expected],
        );
        refused(
            &default_of(FieldType::Int64, json!(2.0)),
            &["has defaultValue 2.0", expected],
        );
        refused(
            &default_of(FieldType::Int64, json!("5")),
            &["has defaultValue \"5\"", expected],
        );
    }

    #[test]
    fn a_float_default_is_a_number() {
        accepted(&default_of(FieldType::Float, json!(1)));
        accepted(&default_of(FieldType::Float, json!(-2.5)));
        refused(
            &default_of(FieldType::Float, json!(1e39)),
            &[
                "field 'extra' (Float)",
                "expected a number from -3.4028235e38 to 3.4028235e38",
            ],
        );
        refused(
            &default_of(FieldType::Float, json!("0.5")),
            &["field 'extra' (Float)", "expected a number"],
        );
        accepted(&default_of(FieldType::Double, json!(1e300)));
        refused(
            &default_of(FieldType::Double, json!(true)),
            &[
                "field 'extra' (Double)",
                "has defaultValue true",
                "expected a number",
            ],
        );
    }

    #[test]
    fn a_varchar_default_is_a_string_within_max_length_bytes() {
        accepted(&default_of(FieldType::VarChar, json!("abc")));
        accepted(&default_of(FieldType::VarChar, json!("")));
        refused(
            &default_of(FieldType::VarChar, json!("abcd")),
            &[
                "field 'extra' (VarChar)",
                "defaultValue of 4 bytes",
                "expected a string of at most 3 bytes",
            ],
        );
        // Two characters, four bytes.
        refused(
            &default_of(FieldType::VarChar, json!("éé")),
            &["defaultValue of 4 bytes"],
        );
        refused(
            &default_of(FieldType::VarChar, json!(42)),
            &[
                "has defaultValue 42",
                "expected a string of at most 3 bytes",
            ],
        );
    }

    #[test]
    fn a_json_default_is_any_value() {
        accepted(&default_of(
            FieldType::Json,
            json!({"lang": "en", "tags": [1, 2]}),
        ));
        accepted(&default_of(FieldType::Json, json!("text")));
        accepted(&default_of(FieldType::Json, json!(0)));
    }

    #[test]
    fn a_long_default_is_shown_cut_short() {
        let long = json!({ "text": "x".repeat(1_000) });
        let message = refused(
            &default_of(FieldType::Bool, long),
            &["…", "expected true or false"],
        );
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn the_first_problem_is_reported() {
        let mut schema = changed(2, |f| f.max_length = None);
        schema.fields[3].dim = Some(8);
        refused(&schema, &["field 'title'"]);
        // Within a field, the name comes first.
        let schema = changed(1, |f| {
            f.name = "my-embedding".to_owned();
            f.dim = Some(0);
        });
        refused(&schema, &["'my-embedding' contains '-'"]);
        // Field problems come before a missing primary key.
        let mut schema = changed(0, |f| {
            f.is_primary = false;
            f.auto_id = false;
        });
        schema.fields[1].dim = None;
        refused(&schema, &["field 'embedding' (FloatVector) has no dim"]);
        assert_eq!(check_schema(&schema), check_schema(&schema));
    }

    const QUICKSTART_JSON: &str = r#"{
        "fields": [
            {"name": "id", "dataType": "Int64", "isPrimary": true, "autoId": true},
            {"name": "embedding", "dataType": "FloatVector", "dim": 768},
            {"name": "title", "dataType": "VarChar", "maxLength": 512},
            {"name": "meta", "dataType": "JSON"},
            {"name": "tags", "dataType": "Array", "elementType": "Int32", "maxCapacity": 16},
            {"name": "score", "dataType": "Float", "nullable": true, "defaultValue": 0.5}
        ],
        "enableDynamicField": true
    }"#;

    #[test]
    fn a_schema_reads_from_its_wire_shape() {
        let schema: CollectionSchema =
            serde_json::from_str(QUICKSTART_JSON).expect("the quickstart schema should parse");
        assert_eq!(schema, quickstart());
        accepted(&schema);
    }

    #[test]
    fn an_unknown_key_is_refused_on_the_wire() {
        let field_key = QUICKSTART_JSON.replace(r#""dim": 768"#, r#""dimension": 768"#);
        let error = serde_json::from_str::<CollectionSchema>(&field_key)
            .expect_err("an unknown field key should be refused");
        assert!(
            error.to_string().contains("unknown field `dimension`"),
            "{error}"
        );
        let schema_key = QUICKSTART_JSON.replace("enableDynamicField", "enableDynamicFields");
        let error = serde_json::from_str::<CollectionSchema>(&schema_key)
            .expect_err("an unknown schema key should be refused");
        assert!(
            error
                .to_string()
                .contains("unknown field `enableDynamicFields`"),
            "{error}"
        );
    }
}
