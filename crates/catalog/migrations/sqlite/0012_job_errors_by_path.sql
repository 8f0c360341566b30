-- A job's failed items are looked up by path when it ends: their samples are not removed.
CREATE INDEX job_errors_job_path ON job_errors (job_id, path);
