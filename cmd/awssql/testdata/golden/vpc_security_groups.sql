SELECT sg.region, sg.group_name, sg.group_id, sg.vpc_id,
       perm.value ->> 'IpProtocol' AS ip_protocol, perm.value ->> 'FromPort' AS from_port, perm.value ->> 'ToPort' AS to_port,
       perm.value -> 'IpRanges' AS ip_ranges, perm.value -> 'Ipv6Ranges' AS ipv6_ranges,
       perm.value -> 'UserIdGroupPairs' ->> '$[0].GroupId' AS from_group
FROM aws_vpc_security_group AS sg, json_each(sg.ip_permissions) AS perm
WHERE sg.region IN ('us-east-1', 'us-east-2')
ORDER BY sg.region, sg.vpc_id, sg.group_name, perm.key;
