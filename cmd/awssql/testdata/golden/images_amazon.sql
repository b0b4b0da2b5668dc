SELECT region, image_id, name, owner_id, image_owner_alias, public, architecture
FROM images
WHERE image_owner_alias = 'amazon' AND region = 'us-east-1'
ORDER BY name;
