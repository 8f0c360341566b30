-- Annotations and label sets.
--
-- A sample revision's annotations are stored as chunks: JSON arrays of normalised annotations,
-- in source order by `seq`. A reader that meets a sample's annotations together writes one
-- chunk; a streamed COCO file, whose annotations come in any order, writes one chunk per run
-- of annotations of the same image, under the revision id the job will give the sample. Chunks
-- the job did not keep (the sample was unchanged or filtered out) are dropped when it ends.

ALTER TABLE samples ADD COLUMN source_format TEXT;
ALTER TABLE samples ADD COLUMN annotation_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE annotations (
    sample_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    job_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (sample_id, seq)
);
CREATE INDEX annotations_job ON annotations (job_id);

-- Point count of point-cloud files (PCD header, KITTI .bin size).
ALTER TABLE files ADD COLUMN points BIGINT;

-- The label set of each version: the labels the source declared and those its annotations
-- use, with how many annotations and samples of the version carry each.
CREATE TABLE labels (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    source_id BIGINT,
    parent TEXT,
    definition TEXT NOT NULL DEFAULT '{}',
    annotations BIGINT NOT NULL DEFAULT 0,
    samples BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dataset_id, version, name)
);

-- Warnings are kept beside errors; only errors make a job partial.
ALTER TABLE job_errors ADD COLUMN severity TEXT NOT NULL DEFAULT 'error';
ALTER TABLE job_errors ADD COLUMN field TEXT;
