-- Every function with its runtime, size and the per-function reads (GetFunction's tags and reserved concurrency, GetPolicy's principals), under Steampipe's name.
SELECT region, name, runtime, handler, memory_size, timeout, code_size, architectures, last_modified, state,
       reserved_concurrent_executions, tags ->> 'Index' AS tag_index,
       (SELECT group_concat(p.value) FROM json_each(policy_std, '$.Statement[0].Principal.Service') AS p) AS invoked_by
FROM aws_lambda_function
ORDER BY region, name;
