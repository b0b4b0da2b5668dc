SELECT region, subnet_id, vpc_id, cidr_block, availability_zone, availability_zone_id, available_ip_address_count,
       default_for_az, map_public_ip_on_launch, state, title,
       ipv6_cidr_block_association_set ->> '$[0].Ipv6CidrBlock' AS ipv6_cidr
FROM vpc_subnets
WHERE region IN ('us-east-1', 'us-west-2')
ORDER BY region, vpc_id, availability_zone, subnet_id;
