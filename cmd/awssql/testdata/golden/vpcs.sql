SELECT region, vpc_id, cidr_block, state, is_default, dhcp_options_id, instance_tenancy, title, tags,
       cidr_block_association_set ->> '$[0].CidrBlockState.State' AS cidr_state,
       ipv6_cidr_block_association_set ->> '$[0].Ipv6CidrBlock' AS ipv6_cidr
FROM vpcs
ORDER BY region, is_default, vpc_id;
