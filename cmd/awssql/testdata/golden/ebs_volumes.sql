SELECT region, volume_id, volume_type, state, size, iops, encrypted, snapshot_id,
       attachments ->> '$[0].InstanceId' AS instance_id, attachments ->> '$[0].Device' AS device,
       auto_enable_io, product_codes, create_time, title
FROM ebs_volumes
ORDER BY region, volume_id;
