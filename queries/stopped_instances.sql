-- Instances stopped for more than :days days, and since when (from the state transition reason).
-- param: days integer = 30  how long stopped
-- param: today date = now  the day to count from (YYYY-MM-DD)
SELECT account_id, region, instance_id, instance_type,
       datetime(substr(state_transition_reason, instr(state_transition_reason, '(') + 1, 19)) AS stopped_since,
       CAST(julianday(:today) - julianday(substr(state_transition_reason, instr(state_transition_reason, '(') + 1, 19)) AS INTEGER) AS days_stopped,
       tags ->> 'Name' AS name
FROM ec2_instances
WHERE instance_state = 'stopped' AND days_stopped > :days
ORDER BY days_stopped DESC, account_id, region, instance_id;
