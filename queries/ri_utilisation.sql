-- Reserved-instance utilisation: active reservations against the running instances they can cover, by account, region and platform, with size flexibility. A regional Linux/UNIX reservation of default tenancy covers any size of its instance family, counted in normalised units (nano 0.25, micro 0.5, small 1, medium 2, large 4, xlarge 8, 2xlarge 16, ...; unit says which); zonal, dedicated and other platforms' reservations cover their exact instance type first.
WITH size(name, factor) AS (
  VALUES ('nano', 0.25), ('micro', 0.5), ('small', 1), ('medium', 2), ('large', 4), ('xlarge', 8)
), ri AS MATERIALIZED (
  SELECT account_id, region, instance_type, instance_count,
         CASE WHEN product_description LIKE '%Windows%' THEN 'Windows'
              WHEN product_description LIKE '%Red Hat%' THEN 'Red Hat Enterprise Linux'
              WHEN product_description LIKE '%SUSE%' THEN 'SUSE Linux'
              ELSE 'Linux/UNIX' END AS platform,
         scope = 'Region' AND instance_tenancy = 'default' AND product_description LIKE 'Linux/UNIX%' AS regional_linux
  FROM reserved_instances WHERE instance_state = 'active'
), running AS MATERIALIZED (
  SELECT account_id, region, instance_type,
         CASE WHEN platform_details LIKE 'Windows%' THEN 'Windows'
              WHEN platform_details LIKE 'Red Hat%' THEN 'Red Hat Enterprise Linux'
              WHEN platform_details LIKE 'SUSE%' THEN 'SUSE Linux'
              ELSE 'Linux/UNIX' END AS platform,
         count(*) AS n, sum(placement_tenancy = 'default') AS n_default
  FROM ec2_instances WHERE instance_state = 'running'
  GROUP BY 1, 2, 3, 4
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
), exact_ri AS (
  SELECT account_id, region, instance_type, platform, sum(instance_count) AS reserved
  FROM ri JOIN types USING (instance_type)
  WHERE NOT (regional_linux AND factor IS NOT NULL)
  GROUP BY 1, 2, 3, 4
), keys AS (
  SELECT account_id, region, instance_type, platform FROM exact_ri
  UNION
  SELECT account_id, region, instance_type, platform FROM running
), per_type AS (
  -- Exact-type reservations cover their type first; what they leave of
  -- default-tenancy Linux/UNIX instances goes to the family's
  -- size-flexible reservations, when the family has some.
  SELECT k.account_id, k.region, k.instance_type, k.platform, t.family, t.factor,
         coalesce(e.reserved, 0) AS reserved, coalesce(r.n, 0) AS n,
         CASE WHEN k.platform = 'Linux/UNIX' AND t.factor IS NOT NULL AND f.units IS NOT NULL
              THEN min(coalesce(r.n, 0) - min(coalesce(r.n, 0), coalesce(e.reserved, 0)), coalesce(r.n_default, 0))
              ELSE 0 END AS to_family
  FROM keys k JOIN types t USING (instance_type)
  LEFT JOIN exact_ri e USING (account_id, region, instance_type, platform)
  LEFT JOIN running r USING (account_id, region, instance_type, platform)
  LEFT JOIN flex_ri f ON f.account_id = k.account_id AND f.region = k.region AND f.family = t.family
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
       reserved, n - to_family, max(reserved - (n - to_family), 0), max(n - to_family - reserved, 0)
FROM per_type
WHERE reserved > 0 OR n - to_family > 0
ORDER BY 1, 2, 3, 4;
