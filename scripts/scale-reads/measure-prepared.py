"""Median execution time (EXPLAIN ANALYZE, 5 runs after a warm-up) of one prepared statement of prepared/, with
PostgreSQL planning it for the values (custom) or once for any values (generic: what PgJDBC's server-side prepared
statements may get from their sixth use). docs/benchmarks.md, "Reads and writes at 1 M users, second pass".
Usage: measure-prepared.py <label> custom|generic prepared/<file>.sql "<execute arguments>"
Connection from libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE)."""
import json, subprocess, sys, statistics, re
label, mode, f, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
prep = open(f).read()
sql = prep + f"\nset plan_cache_mode = force_{mode}_plan;\n" + "".join(
    f"explain (analyze, buffers, format json) execute q({args});\n" for _ in range(6))
out = subprocess.run(["psql", "-qAt"], input=sql, capture_output=True, text=True, check=True).stdout
docs = []; buf = ""
for line in out.splitlines():
    buf += line + "\n"
    try:
        docs.append(json.loads(buf)); buf = ""
    except json.JSONDecodeError:
        pass
times = [d[0]["Execution Time"] for d in docs[1:]]
def nodes(p):
    yield p
    for c in p.get("Plans", []): yield from nodes(c)
plan = docs[-1][0]["Plan"]
shape = " > ".join(f'{n["Node Type"]}{"(" + n["Index Name"] + ")" if "Index Name" in n else ""}' for n in nodes(plan))
print(f"{label}\t{mode}\tmedian {statistics.median(times):.1f} ms\t(min {min(times):.1f}, max {max(times):.1f})\trows {plan.get('Actual Rows')}\t{shape}", flush=True)
