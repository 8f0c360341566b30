-- The protocol a connection's endpoint speaks, when it is not the one its sources' scheme
-- names (an S3-compatible endpoint serving obs:// or oss:// buckets); NULL for the scheme's own.
ALTER TABLE connections ADD COLUMN protocol TEXT;
