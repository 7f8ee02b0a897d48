"""Median execution time (EXPLAIN ANALYZE, 5 runs after a warm-up) of the roster and who-can queries
of issue 17 on a tenant made by generate.sql; prints the plan's scan types and indexes.
Usage: measure.py <tenant uuid> <label> <query>[@leaf|@region] ... (docs/benchmarks.md, "Fixed: …")."""
import json, os, subprocess, sys, statistics
HERE = os.path.dirname(os.path.abspath(__file__))
T = sys.argv[1]; label = sys.argv[2]; queries = sys.argv[3:]
def psql(sql):
    # Connection from the environment: PGHOST, PGPORT, PGUSER, PGDATABASE (libpq's own variables).
    return subprocess.run(["psql","-qAt","-c",sql],
                          capture_output=True, text=True, check=True).stdout.strip()
leaf = psql(f"select md5('{T}' || 'leaf' || 7)::uuid")
region = psql(f"select parent_id from locations where tenant_id = '{T}' and id = '{leaf}'")
sub = psql(f"select string_agg(id::text, ',') from locations where tenant_id = '{T}' and (id = '{region}' or parent_id = '{region}')")
root = psql(f"select parent_id from locations where tenant_id = '{T}' and id = '{region}'")
arrays = {"leaf": "array['" + leaf + "']", "region": "array['" + "','".join(sub.split(',')) + "']"}
places = "array['" + leaf + "','" + region + "','" + root + "']"
out = {}
for q in queries:
    name, _, where = q.partition('@')
    sql = open(os.path.join(HERE, "queries", name + ".sql")).read().replace(":T", "'" + T + "'").replace(":PLACES", places)
    if where:
        sql = sql.replace(":ARR", arrays[where])
    times = []; rows = None; plan = None
    for i in range(6):
        res = json.loads(psql("explain (analyze, buffers, format json) " + sql))[0]
        if i > 0:
            times.append(res["Execution Time"])
        plan = res["Plan"]; 
    def nodes(p):
        yield p
        for c in p.get("Plans", []):
            yield from nodes(c)
    used = sorted({n.get("Index Name") for n in nodes(plan) if n.get("Index Name")})
    scans = sorted({n["Node Type"] for n in nodes(plan) if "Scan" in n["Node Type"]})
    print(f"{label}\t{q}\tmedian {statistics.median(times):.1f} ms\trows {plan.get('Actual Rows')}\t{','.join(scans)}\t{','.join(used)}", flush=True)
