-- Only removed samples in the removal index.
--
-- Indexing every sample by (dataset_id, removed_in) let SQLite's planner, which has no
-- statistics on a fresh catalog, look live samples up by key through it: `removed_in IS NULL`
-- weighed as much as `sample_key IN (...)`, and each batch of an import read every live sample
-- of the dataset. Queries for samples removed in a version still find them here.

DROP INDEX samples_removed_in;
CREATE INDEX samples_removed_in ON samples (dataset_id, removed_in) WHERE removed_in IS NOT NULL;
