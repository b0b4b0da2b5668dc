-- EBS volumes attached to no instance, or not encrypted, with their size in GiB and what is wrong with each.
SELECT account_id, region, volume_id, volume_type, size AS size_gib, state, encrypted,
       CASE WHEN state = 'available' AND NOT encrypted THEN 'unattached, unencrypted'
            WHEN state = 'available' THEN 'unattached'
            ELSE 'unencrypted' END AS finding,
       attachments ->> '$[0].InstanceId' AS instance_id, create_time, tags ->> 'Name' AS name
FROM ebs_volumes
WHERE state = 'available' OR NOT encrypted
ORDER BY finding, size DESC, account_id, region, volume_id;
