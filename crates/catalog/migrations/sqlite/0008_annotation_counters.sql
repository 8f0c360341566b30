-- A job counts annotations besides objects: those it wrote with new or changed samples, and
-- those the filters left out with their samples (or all of them, when annotations are not
-- imported).
ALTER TABLE jobs ADD COLUMN annotations BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN annotations_skipped BIGINT NOT NULL DEFAULT 0;
