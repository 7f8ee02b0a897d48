-- wrk script for scripts/scale-harness.sh: writes relationships through POST …/relationships, one tuple per
-- request, "user:<id> assigned_provider patient:p<k>" for k = start, start + 1, … (each user in turn), so that
-- every request writes a new tuple (and records its RELATIONSHIP_WRITTEN event) until k reaches the target.
-- Arguments after `--`: <path> <token> <user ids file> <start k> <target count>.
local ids, k, target = {}, 0, 0

function init(args)
  wrk.method = "POST"
  wrk.path = args[1]
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
  for line in io.lines(args[3]) do
    ids[#ids + 1] = line
  end
  k = tonumber(args[4])
  target = tonumber(args[5])
end

function request()
  local n = k % target
  k = k + 1
  local body = string.format(
    '{"subject":{"type":"user","id":"%s"},"relation":"assigned_provider","object":{"type":"patient","id":"p%d"}}',
    ids[n % #ids + 1], n)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f failures=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
