// Reads Parquet snapshots with DuckDB, for TestParquetInDuckDB: on stdin
// {"queries": {NAME: SQL, ...}, "script": SQL}; on stdout, as JSON, each
// query's and each of the script's statements' columns (name and DuckDB
// type) and rows. Values are JSON: BIGINT as a string of digits, TIMESTAMP
// WITH TIME ZONE as a string of microseconds since the epoch, DATE as
// YYYY-MM-DD, the others as DuckDB gives them. It runs in the directory
// the paths are relative to, with NODE_PATH naming the node_modules that
// holds @duckdb/node-api.
const duckdb = require('@duckdb/node-api');

function value(v) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof duckdb.DuckDBTimestampTZValue) return v.micros.toString();
  return v.toString();
}

function result(r) {
  const types = r.columnTypes();
  return {
    columns: r.columnNames().map((name, i) => [name, types[i].toString()]),
    rows: r.getRows().map(row => row.map(value)),
  };
}

async function main() {
  const spec = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const db = await duckdb.DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const out = { queries: {}, script: [] };
  for (const [name, sql] of Object.entries(spec.queries)) {
    out.queries[name] = result(await conn.runAndReadAll(sql));
  }
  const stmts = await conn.extractStatements(spec.script);
  for (let i = 0; i < stmts.count; i++) {
    out.script.push(result(await (await stmts.prepare(i)).runAndReadAll()));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(err => {
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});
