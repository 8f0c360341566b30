-- Per-file metadata records a client keeps about a dataset's files, in scopes it names (a
-- platform dialect's version of the dataset, say): the file's facts, tags in groups, and a
-- soft deletion. A record comes from the files of a committed version (synced, `origin`
-- 'version') or straight from the client ('client'). Times are milliseconds since the epoch.
CREATE TABLE file_records (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    uri TEXT NOT NULL,
    dir TEXT NOT NULL,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    size BIGINT,
    media_type TEXT NOT NULL,
    file_created_at BIGINT,
    file_updated_at BIGINT,
    attributes TEXT,
    comment TEXT,
    origin TEXT NOT NULL,
    synced_version BIGINT,
    deleted BIGINT NOT NULL DEFAULT 0,
    tags_updated_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, scope, id)
);
CREATE INDEX file_records_uri ON file_records (dataset_id, scope, uri);

CREATE TABLE file_record_tags (
    dataset_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    record_id TEXT NOT NULL,
    tag_group TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (dataset_id, scope, record_id, tag_group, tag),
    FOREIGN KEY (dataset_id, scope, record_id) REFERENCES file_records (dataset_id, scope, id) ON DELETE CASCADE
);
CREATE INDEX file_record_tags_tag ON file_record_tags (dataset_id, scope, tag);
