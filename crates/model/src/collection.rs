//! Vector collections: a schema of typed fields, one of them the primary key, some of them
//! vectors, in the shape Milvus and Zilliz Cloud give collections, so that their files and
//! their clients' requests map onto it one to one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A collection of a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Collection {
    pub id: String,
    pub name: String,
    pub description: String,
    pub schema: CollectionSchema,
    /// Its partitions, `_default` first, then in the order they were made.
    pub partitions: Vec<String>,
    pub created_at: String,
}

/// The fields of a collection's rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectionSchema {
    pub fields: Vec<FieldSchema>,
    /// Whether rows may carry fields the schema does not name, kept in the dynamic field
    /// `$meta`.
    #[serde(default)]
    pub enable_dynamic_field: bool,
}

/// One field of a collection, with the parameters of its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldSchema {
    pub name: String,
    pub data_type: FieldType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_primary: bool,
    /// The primary key's values are made by Wharf; rows must not carry them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_id: bool,
    /// A vector's dimension; sparse vectors have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<u32>,
    /// A VarChar's (or a VarChar array element's) longest value, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// An Array's element type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_type: Option<FieldType>,
    /// An Array's most elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<u32>,
    /// Rows may leave the field out or null.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// The value of rows that leave the field out or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub default_value: Option<serde_json::Value>,
}

/// A field's type, by Milvus' names (its `DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum FieldType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Double,
    VarChar,
    #[serde(rename = "JSON")]
    Json,
    Array,
    FloatVector,
    Float16Vector,
    BFloat16Vector,
    BinaryVector,
    SparseFloatVector,
}

impl FieldType {
    pub const ALL: [FieldType; 15] = [
        Self::Bool,
        Self::Int8,
        Self::Int16,
        Self::Int32,
        Self::Int64,
        Self::Float,
        Self::Double,
        Self::VarChar,
        Self::Json,
        Self::Array,
        Self::FloatVector,
        Self::Float16Vector,
        Self::BFloat16Vector,
        Self::BinaryVector,
        Self::SparseFloatVector,
    ];

    /// The name Milvus gives the type.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bool => "Bool",
            Self::Int8 => "Int8",
            Self::Int16 => "Int16",
            Self::Int32 => "Int32",
            Self::Int64 => "Int64",
            Self::Float => "Float",
            Self::Double => "Double",
            Self::VarChar => "VarChar",
            Self::Json => "JSON",
            Self::Array => "Array",
            Self::FloatVector => "FloatVector",
            Self::Float16Vector => "Float16Vector",
            Self::BFloat16Vector => "BFloat16Vector",
            Self::BinaryVector => "BinaryVector",
            Self::SparseFloatVector => "SparseFloatVector",
        }
    }

    /// Milvus' numeric code of the type (`schema.proto`'s `DataType`).
    pub fn code(self) -> i32 {
        match self {
            Self::Bool => 1,
            Self::Int8 => 2,
            Self::Int16 => 3,
            Self::Int32 => 4,
            Self::Int64 => 5,
            Self::Float => 10,
            Self::Double => 11,
            Self::VarChar => 21,
            Self::Array => 22,
            Self::Json => 23,
            Self::BinaryVector => 100,
            Self::FloatVector => 101,
            Self::Float16Vector => 102,
            Self::BFloat16Vector => 103,
            Self::SparseFloatVector => 104,
        }
    }

    pub fn is_vector(self) -> bool {
        matches!(
            self,
            Self::FloatVector
                | Self::Float16Vector
                | Self::BFloat16Vector
                | Self::BinaryVector
                | Self::SparseFloatVector
        )
    }
}
