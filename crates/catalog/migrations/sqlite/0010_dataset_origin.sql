-- The platform dialect a dataset was made through (rosetta, modelarts, pai); NULL when it was
-- made through the native API. A dialect changes only the datasets it made.
ALTER TABLE datasets ADD COLUMN origin TEXT;
-- Datasets made before origins were kept: the dialect that keeps attributes of one made it.
UPDATE datasets SET origin = (
    SELECT a.dialect FROM dataset_attributes a WHERE a.dataset_id = datasets.id
    ORDER BY a.dialect LIMIT 1
) WHERE origin IS NULL;
-- Rosetta keeps no attributes: its datasets are those its imports (format "rosetta") wrote.
UPDATE datasets SET origin = 'rosetta' WHERE origin IS NULL AND EXISTS (
    SELECT 1 FROM jobs j WHERE j.dataset_id = datasets.id AND j.options LIKE '%"format":"rosetta"%'
);
