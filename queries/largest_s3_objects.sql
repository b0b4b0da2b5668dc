-- The largest objects of a bucket under a prefix.
-- param: bucket  the bucket (required)
-- param: prefix =   the prefix (empty: the whole bucket)
-- param: top integer = 20  how many rows
SELECT key, size, storage_class, last_modified
FROM s3_objects
WHERE bucket_name = :bucket AND prefix = :prefix
ORDER BY size DESC, key
LIMIT :top;
