-- Wharf's core catalog on SQLite. Times are milliseconds since the Unix epoch; booleans are
-- 0/1 integers, so that the same queries run on SQLite and PostgreSQL.
--
-- Versions are snapshots without copies: a sample row is one revision of a sample, visible in
-- versions added_in <= v < removed_in. Annotations and label sets (next migrations) hang off
-- sample ids and dataset ids.

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    data_type TEXT NOT NULL DEFAULT 'common',
    source_uri TEXT,
    labels TEXT NOT NULL DEFAULT '{}',
    latest_version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    labels TEXT NOT NULL DEFAULT '{}',
    sample_count BIGINT NOT NULL DEFAULT 0,
    file_count BIGINT NOT NULL DEFAULT 0,
    byte_size BIGINT NOT NULL DEFAULT 0,
    job_id TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (dataset_id, number)
);

CREATE TABLE samples (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    sample_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    added_in BIGINT NOT NULL,
    removed_in BIGINT,
    last_seen_job TEXT,
    usage TEXT,
    hard BIGINT NOT NULL DEFAULT 0,
    scene TEXT,
    batch TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX samples_live_key ON samples (dataset_id, sample_key) WHERE removed_in IS NULL;
CREATE INDEX samples_key ON samples (dataset_id, sample_key);
CREATE INDEX samples_added_in ON samples (dataset_id, added_in);
CREATE INDEX samples_removed_in ON samples (dataset_id, removed_in);

CREATE TABLE files (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    modified_at BIGINT,
    media_type TEXT NOT NULL,
    width BIGINT,
    height BIGINT,
    PRIMARY KEY (sample_id, path)
);

CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    endpoint TEXT,
    region TEXT,
    access_key_id TEXT,
    secret_sealed TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    source_uri TEXT NOT NULL,
    connection_id TEXT REFERENCES connections (id) ON DELETE SET NULL,
    credentials_sealed TEXT,
    options TEXT NOT NULL,
    discovered BIGINT NOT NULL DEFAULT 0,
    processed BIGINT NOT NULL DEFAULT 0,
    imported BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    removed BIGINT NOT NULL DEFAULT 0,
    bytes BIGINT NOT NULL DEFAULT 0,
    checkpoint TEXT,
    version_number BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    result TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_claim ON jobs (state, created_at);
CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at);
CREATE INDEX jobs_dataset ON jobs (dataset_id, state);

CREATE TABLE job_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    line BIGINT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX job_errors_job ON job_errors (job_id, id);
