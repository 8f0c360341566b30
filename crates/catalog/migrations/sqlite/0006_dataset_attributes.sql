-- What a platform dialect records about a dataset that Wharf itself does not use (ModelArts'
-- dataset type code, work path, data sources, label format, ...): one JSON document per
-- dataset and dialect, opaque to the catalog.
CREATE TABLE dataset_attributes (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    attributes TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, dialect)
);
