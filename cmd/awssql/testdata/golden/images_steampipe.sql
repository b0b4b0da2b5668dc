-- Steampipe's name and columns for AMIs: self for the account's own, who may launch them, and akas with the owner.
SELECT region, image_id, title, image_owner_alias, public, launch_permissions, akas, tags_src ->> '$[0].Value' AS first_tag
FROM aws_ec2_ami
ORDER BY region, image_id;
