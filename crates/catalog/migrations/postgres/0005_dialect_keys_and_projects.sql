-- Keys of the platform dialects (Rosetta, ModelArts, PAI): an access key and a secret key.
-- Their signature schemes need the secret itself, so it is kept sealed with the server's key,
-- not hashed.
CREATE TABLE dialect_keys (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    access_key TEXT NOT NULL UNIQUE,
    secret_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Annotation projects, and their tasks: one per data item an annotation request imported.
-- Ids are integers, as Rosetta's projectId and taskId are.
CREATE TABLE projects (
    id BIGSERIAL PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    sample_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (project_id, sample_id)
);
CREATE INDEX tasks_job ON tasks (job_id);
