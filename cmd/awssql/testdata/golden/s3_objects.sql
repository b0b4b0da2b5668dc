-- Written for Steampipe's aws_s3_object: listing, HeadObject, GetObjectAttributes and GetObjectTagging columns.
SELECT key, size, storage_class, etag, content_type, content_length, server_side_encryption, tag_count,
       checksum ->> 'ChecksumType' AS checksum_type, tags, arn
FROM aws_s3_object
WHERE bucket_name = 'gen-100000000000-us-east-2-00' AND prefix = 'data/000/' AND start_after = 'data/000/obj-00020.json'
ORDER BY key;
