-- Running instances that one of their security groups lets in from anywhere (0.0.0.0/0 or ::/0) on TCP :port, and by which rule.
-- param: port integer = 22  the TCP port
WITH i AS MATERIALIZED (
  SELECT account_id, region, instance_id, instance_type, public_ip_address, tags ->> 'Name' AS name,
         g.value ->> 'GroupId' AS group_id
  FROM ec2_instances, json_each(security_groups) AS g
  WHERE instance_state = 'running'
), sg AS MATERIALIZED (
  SELECT account_id, region, group_id, group_name, ip_permissions FROM vpc_security_groups
), rules AS (
  SELECT sg.account_id, sg.region, sg.group_id, sg.group_name, p.value AS rule, r.value ->> 'CidrIp' AS source
  FROM sg, json_each(sg.ip_permissions) AS p, json_each(p.value, '$.IpRanges') AS r
  UNION ALL
  SELECT sg.account_id, sg.region, sg.group_id, sg.group_name, p.value, r.value ->> 'CidrIpv6'
  FROM sg, json_each(sg.ip_permissions) AS p, json_each(p.value, '$.Ipv6Ranges') AS r
)
SELECT i.account_id, i.region, i.instance_id, i.name, i.instance_type, i.public_ip_address,
       r.group_id, r.group_name, r.rule ->> 'IpProtocol' AS protocol,
       r.rule ->> 'FromPort' AS from_port, r.rule ->> 'ToPort' AS to_port, r.source
FROM i
JOIN rules AS r ON r.account_id = i.account_id AND r.region = i.region AND r.group_id = i.group_id
WHERE r.source IN ('0.0.0.0/0', '::/0')
  AND (r.rule ->> 'IpProtocol' = '-1'
       OR (r.rule ->> 'IpProtocol' IN ('tcp', '6') AND r.rule ->> 'FromPort' <= :port AND r.rule ->> 'ToPort' >= :port))
ORDER BY i.public_ip_address IS NULL, i.account_id, i.region, i.instance_id, r.group_id, r.source;
