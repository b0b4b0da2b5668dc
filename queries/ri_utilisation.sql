-- Reserved-instance utilisation: active reservations against the running instances they can cover, by account, region and platform, with size flexibility. A regional Linux/UNIX reservation of default tenancy covers any size of its instance family, counted in normalised units (nano 0.25, micro 0.5, small 1, medium 2, large 4, xlarge 8, 2xlarge 16, ...; unit says which); a zonal reservation covers its exact type in its own Availability Zone only, first; other regional reservations (other platforms, dedicated) cover their exact type in any zone. A platform is the reservation's product description as instances name it in platform_details: one with licensed software (Linux with SQL Server Standard) is a platform of its own.
WITH size(name, factor) AS (
  VALUES ('nano', 0.25), ('micro', 0.5), ('small', 1), ('medium', 2), ('large', 4), ('xlarge', 8)
), ri AS MATERIALIZED (
  SELECT account_id, region, instance_type, instance_count,
         -- The platform as instances name it (platform_details): a platform
         -- with licensed software (Windows with SQL Server Standard) is one of
         -- its own, and "(Amazon VPC)" says nothing of it.
         replace(product_description, ' (Amazon VPC)', '') AS platform,
         CASE WHEN scope = 'Availability Zone' THEN availability_zone END AS zone,
         scope = 'Region' AND instance_tenancy = 'default' AND product_description LIKE 'Linux/UNIX%' AS regional_linux
  FROM reserved_instances WHERE instance_state = 'active'
), running AS MATERIALIZED (
  SELECT account_id, region, instance_type,
         coalesce(platform_details, 'Linux/UNIX') AS platform,
         placement_availability_zone AS zone,
         count(*) AS n, sum(placement_tenancy = 'default') AS n_default
  FROM ec2_instances WHERE instance_state = 'running'
  GROUP BY 1, 2, 3, 4, 5
), types AS (
  -- Each type's family and normalisation factor; NULL for sizes such as
  -- metal, whose factor depends on the family: those match exactly.
  SELECT instance_type, substr(instance_type, 1, instr(instance_type, '.') - 1) AS family,
         coalesce((SELECT factor FROM size WHERE name = substr(instance_type, instr(instance_type, '.') + 1)),
                  CASE WHEN instance_type GLOB '*.[0-9]*xlarge'
                       THEN 8 * CAST(substr(instance_type, instr(instance_type, '.') + 1) AS INTEGER) END) AS factor
  FROM (SELECT instance_type FROM ri UNION SELECT instance_type FROM running)
), flex_ri AS (
  SELECT account_id, region, family, sum(instance_count * factor) AS units
  FROM ri JOIN types USING (instance_type)
  WHERE regional_linux AND factor IS NOT NULL
  GROUP BY 1, 2, 3
), zonal_ri AS (
  SELECT account_id, region, instance_type, platform, zone, sum(instance_count) AS reserved
  FROM ri WHERE zone IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
), regional_ri AS (
  -- Regional reservations of an exact type: other platforms', dedicated
  -- ones, and sizes without a factor.
  SELECT account_id, region, instance_type, platform, sum(instance_count) AS reserved
  FROM ri JOIN types USING (instance_type)
  WHERE zone IS NULL AND NOT (regional_linux AND factor IS NOT NULL)
  GROUP BY 1, 2, 3, 4
), zones AS (
  SELECT account_id, region, instance_type, platform, zone FROM zonal_ri
  UNION
  SELECT account_id, region, instance_type, platform, zone FROM running
), by_type AS (
  -- A zonal reservation covers instances of its type in its own zone.
  SELECT k.account_id, k.region, k.instance_type, k.platform,
         sum(coalesce(z.reserved, 0)) AS zonal, sum(min(coalesce(r.n, 0), coalesce(z.reserved, 0))) AS zonal_used,
         sum(coalesce(r.n, 0)) AS n, sum(coalesce(r.n_default, 0)) AS n_default
  FROM zones k
  LEFT JOIN zonal_ri z USING (account_id, region, instance_type, platform, zone)
  LEFT JOIN running r USING (account_id, region, instance_type, platform, zone)
  GROUP BY 1, 2, 3, 4
), keys AS (
  SELECT account_id, region, instance_type, platform FROM by_type
  UNION
  SELECT account_id, region, instance_type, platform FROM regional_ri
), covered AS (
  -- Zonal reservations first, then regional ones of the exact type, in
  -- any zone.
  SELECT k.account_id, k.region, k.instance_type, k.platform, t.family, t.factor,
         coalesce(b.zonal, 0) + coalesce(e.reserved, 0) AS reserved, coalesce(b.n, 0) AS n, coalesce(b.n_default, 0) AS n_default,
         coalesce(b.zonal_used, 0) + min(coalesce(b.n, 0) - coalesce(b.zonal_used, 0), coalesce(e.reserved, 0)) AS used,
         f.units IS NOT NULL AS family_flex
  FROM keys k JOIN types t USING (instance_type)
  LEFT JOIN by_type b USING (account_id, region, instance_type, platform)
  LEFT JOIN regional_ri e USING (account_id, region, instance_type, platform)
  LEFT JOIN flex_ri f ON f.account_id = k.account_id AND f.region = k.region AND f.family = t.family
), per_type AS (
  -- What they leave of default-tenancy Linux/UNIX instances goes to the
  -- family's size-flexible reservations, when the family has some.
  SELECT *, CASE WHEN platform = 'Linux/UNIX' AND factor IS NOT NULL AND family_flex
                 THEN min(n - used, n_default) ELSE 0 END AS to_family
  FROM covered
), family_use AS (
  SELECT account_id, region, family, sum(to_family * factor) AS units
  FROM per_type GROUP BY 1, 2, 3
)
SELECT f.account_id, f.region, f.family || '.*' AS instance_type, 'Linux/UNIX' AS platform, 'normalised units' AS unit,
       f.units AS reserved, coalesce(u.units, 0) AS running,
       max(f.units - coalesce(u.units, 0), 0) AS unused_reservations,
       max(coalesce(u.units, 0) - f.units, 0) AS uncovered_instances
FROM flex_ri f LEFT JOIN family_use u USING (account_id, region, family)
UNION ALL
SELECT account_id, region, instance_type, platform, 'instances',
       reserved, n - to_family, reserved - used, n - to_family - used
FROM per_type
WHERE reserved > 0 OR n - to_family > 0
ORDER BY 1, 2, 3, 4;
