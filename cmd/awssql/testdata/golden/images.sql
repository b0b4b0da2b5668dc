SELECT region, image_id, name, state, owner_id, image_owner_alias, public, platform, creation_date,
       deprecation_time, json_array_length(block_device_mappings) AS volumes
FROM images
ORDER BY region, name;
