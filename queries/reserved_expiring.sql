-- Active reserved instances that expire within :days days.
-- param: days integer = 30  how many days ahead to look
-- param: today date = now  the day to count from (YYYY-MM-DD)
SELECT account_id, region, reserved_instance_id, instance_type, instance_count,
       scope, availability_zone, product_description, end_time,
       CAST(julianday(end_time) - julianday(:today) AS INTEGER) AS days_left
FROM reserved_instances
WHERE instance_state = 'active'
  AND julianday(end_time) - julianday(:today) BETWEEN 0 AND :days
ORDER BY end_time, account_id, region, reserved_instance_id;
