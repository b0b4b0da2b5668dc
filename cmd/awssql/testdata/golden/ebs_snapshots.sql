SELECT region, snapshot_id, owner_id, owner_alias, state, progress, volume_id, volume_size, encrypted, start_time,
       storage_tier, description, create_volume_permissions
FROM ebs_snapshots
ORDER BY region, start_time, snapshot_id;
