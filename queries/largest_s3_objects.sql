-- The largest objects of a bucket under a prefix.
-- param: bucket = my-bucket  the bucket
-- param: prefix =   the prefix (empty: the whole bucket)
-- param: top = 20  how many
SELECT key, size, storage_class, last_modified
FROM s3_objects
WHERE bucket_name = :bucket AND prefix = :prefix
ORDER BY size DESC, key
LIMIT :top;
