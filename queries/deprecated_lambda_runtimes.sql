-- Lambda functions on runtimes AWS has deprecated by :today (or will within :days days), with the dates after which functions on them can no longer be created or updated.
-- param: today date = now  the day to judge deprecation on (YYYY-MM-DD)
-- param: days integer = 0  also list runtimes deprecated within this many days after :today
-- The runtimes and their dates are AWS's published list (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
-- "Supported runtimes" and "Deprecated runtimes", as of June 2026): deprecated is when AWS stops patching a runtime,
-- block_create and block_update when functions on it can no longer be created, then updated; NULL when not announced.
WITH runtimes(runtime, deprecated, block_create, block_update, successor) AS (VALUES
  ('nodejs', '2016-08-30', '2016-09-30', '2016-10-31', 'nodejs24.x'),
  ('dotnetcore2.0', '2019-05-30', '2019-04-30', '2019-05-30', 'dotnet10'),
  ('dotnetcore1.0', '2019-06-27', '2019-06-30', '2019-07-30', 'dotnet10'),
  ('nodejs6.10', '2019-08-12', '2019-07-12', '2019-08-12', 'nodejs24.x'),
  ('nodejs4.3', '2020-03-05', '2020-02-03', '2020-03-05', 'nodejs24.x'),
  ('nodejs4.3-edge', '2020-03-05', '2019-03-31', '2019-04-30', 'nodejs24.x'),
  ('nodejs8.10', '2020-03-06', '2020-02-04', '2020-03-06', 'nodejs24.x'),
  ('python2.7', '2021-07-15', '2021-07-15', '2022-05-30', 'python3.14'),
  ('nodejs10.x', '2021-07-30', '2021-07-30', '2022-02-14', 'nodejs24.x'),
  ('ruby2.5', '2021-07-30', '2021-07-30', '2022-03-31', 'ruby4.0'),
  ('dotnetcore2.1', '2022-01-05', '2022-01-05', '2022-04-13', 'dotnet10'),
  ('python3.6', '2022-07-18', '2022-07-18', '2022-08-29', 'python3.14'),
  ('nodejs12.x', '2023-03-31', '2023-03-31', '2023-04-30', 'nodejs24.x'),
  ('dotnetcore3.1', '2023-04-03', '2023-04-03', '2023-05-03', 'dotnet10'),
  ('nodejs14.x', '2023-12-04', '2024-01-09', '2027-03-03', 'nodejs24.x'),
  ('python3.7', '2023-12-04', '2024-01-09', '2027-03-03', 'python3.14'),
  ('ruby2.7', '2023-12-07', '2024-01-09', '2027-03-03', 'ruby4.0'),
  ('go1.x', '2024-01-08', '2024-02-08', '2027-03-03', 'provided.al2023'),
  ('java8', '2024-01-08', '2024-02-08', '2027-03-03', 'java25'),
  ('provided', '2024-01-08', '2024-02-08', '2027-03-03', 'provided.al2023'),
  ('nodejs16.x', '2024-06-12', '2027-02-01', '2027-03-03', 'nodejs24.x'),
  ('python3.8', '2024-10-14', '2027-02-01', '2027-03-03', 'python3.14'),
  ('dotnet6', '2024-12-20', '2027-02-01', '2027-03-03', 'dotnet10'),
  ('nodejs18.x', '2025-09-01', '2027-02-01', '2027-03-03', 'nodejs24.x'),
  ('python3.9', '2025-12-15', '2027-02-01', '2027-03-03', 'python3.14'),
  ('ruby3.2', '2026-03-31', '2027-02-01', '2027-03-03', 'ruby4.0'),
  ('nodejs20.x', '2026-04-30', '2027-02-01', '2027-03-03', 'nodejs24.x'),
  ('provided.al2', '2026-07-31', '2027-02-01', '2027-03-03', 'provided.al2023'),
  ('python3.10', '2026-10-31', '2027-02-01', '2027-03-03', 'python3.14'),
  ('dotnet8', '2026-11-10', '2027-02-01', '2027-03-03', 'dotnet10'),
  ('dotnet9', '2026-11-10', NULL, NULL, 'dotnet10'),
  ('ruby3.3', '2027-03-31', '2027-04-30', '2027-05-31', 'ruby4.0'),
  ('nodejs22.x', '2027-04-30', '2027-06-01', '2027-07-01', 'nodejs24.x'),
  ('java11', '2027-06-30', '2027-07-31', '2027-08-31', 'java25'),
  ('java17', '2027-06-30', '2027-07-31', '2027-08-31', 'java25'),
  ('java8.al2', '2027-06-30', '2027-07-31', '2027-08-31', 'java25'),
  ('python3.11', '2027-06-30', '2027-07-31', '2027-08-31', 'python3.14'),
  ('ruby3.4', '2028-03-31', '2028-04-30', '2028-05-31', 'ruby4.0'),
  ('nodejs24.x', '2028-04-30', '2028-06-01', '2028-07-01', NULL),
  ('python3.12', '2028-10-31', '2028-11-30', '2029-01-10', 'python3.14'),
  ('dotnet10', '2028-11-14', '2028-12-14', '2029-01-15', NULL),
  ('ruby4.0', '2029-03-31', '2029-04-30', '2029-05-31', NULL),
  ('java21', '2029-06-30', '2029-07-31', '2029-08-31', 'java25'),
  ('java25', '2029-06-30', '2029-07-31', '2029-08-31', NULL),
  ('provided.al2023', '2029-06-30', '2029-07-31', '2029-08-31', NULL),
  ('python3.13', '2029-06-30', '2029-07-31', '2029-08-31', 'python3.14'),
  ('python3.14', '2029-06-30', '2029-07-31', '2029-08-31', NULL)
),
functions AS MATERIALIZED (
  SELECT account_id, region, name, runtime, last_modified FROM lambda_functions
)
SELECT f.account_id, f.region, f.name, f.runtime, r.deprecated, r.block_create, r.block_update, r.successor,
       CAST(julianday(:today) - julianday(r.deprecated) AS INTEGER) AS days_deprecated, f.last_modified
FROM functions f
JOIN runtimes r ON r.runtime = f.runtime
WHERE r.deprecated <= date(:today, '+' || :days || ' days')
ORDER BY r.deprecated, f.runtime, f.account_id, f.region, f.name;
