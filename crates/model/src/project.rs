//! Annotation projects and their tasks, and the platform dialects' keys.
//!
//! An annotation request (Rosetta's `POST /dataset/annotation/import/async`) imports a source
//! and makes one task per imported data item in a project. Ids are integers because Rosetta's
//! `projectId` and `taskId` are.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    pub id: i64,
    pub name: String,
    pub created_at: String,
}

/// One data item (a sample) to annotate, in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub project_id: i64,
    pub dataset_id: String,
    /// The sample the task is about.
    pub sample_id: String,
    /// The import that made it.
    pub job_id: String,
}

/// A cloud platform whose API Wharf speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    Rosetta,
    Modelarts,
    Pai,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Self::Rosetta, Self::Modelarts, Self::Pai];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rosetta => "rosetta",
            Self::Modelarts => "modelarts",
            Self::Pai => "pai",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// A dialect's key pair, as made: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DialectKeyPair {
    pub dialect: Dialect,
    pub access_key: String,
    pub secret_key: String,
}
