-- The accounts' own EBS snapshots started more than :days days ago, oldest first, and whether the volume each copies still exists.
-- param: days integer = 90  how old
-- param: today date = now  the day to count from (YYYY-MM-DD)
WITH v AS MATERIALIZED (
  SELECT account_id, region, volume_id FROM ebs_volumes
)
SELECT s.account_id, s.region, s.snapshot_id, s.volume_id, s.volume_size AS size_gib, s.start_time,
       CAST(julianday(:today) - julianday(s.start_time) AS INTEGER) AS age_days, s.state, s.storage_tier,
       EXISTS (SELECT 1 FROM v WHERE v.account_id = s.account_id AND v.region = s.region AND v.volume_id = s.volume_id) AS volume_exists,
       s.description, s.tags ->> 'Name' AS name
FROM ebs_snapshots s
WHERE julianday(:today) - julianday(s.start_time) > :days
ORDER BY s.start_time, s.account_id, s.region, s.snapshot_id;
