-- A collection's partitions, by name; `_default` is made with the collection.
CREATE TABLE collection_partitions (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, name)
);
