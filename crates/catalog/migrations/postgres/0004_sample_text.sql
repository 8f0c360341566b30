-- A text sample's own text: a line of a text classification file, or a manifest's
-- `content://` source. Its labels are its annotations.
ALTER TABLE samples ADD COLUMN text TEXT;
