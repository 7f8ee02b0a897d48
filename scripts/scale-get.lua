-- wrk script for scripts/scale-harness.sh: sends the requests of a file in turn, one a line as
-- "METHOD<TAB>path<TAB>body" (body may be empty), with a bearer token, and prints the line the shell
-- script reads back (the same RESULT line as scripts/load-check.lua). Each thread starts at its own
-- offset in the file, so that with -tN no two threads send the same line early in the run.
-- Arguments after `--`: <token> <requests file> [content type].
local lines, next_line = {}, 0

function init(args)
  if args[1] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[1]
  end
  wrk.headers["Content-Type"] = args[3] or "application/json"
  for line in io.lines(args[2]) do
    local method, path, body = line:match("^([A-Z]+)\t([^\t]+)\t?(.*)$")
    lines[#lines + 1] = { method, path, body ~= "" and body or nil }
  end
end

function request()
  next_line = next_line % #lines + 1
  local r = lines[next_line]
  return wrk.format(r[1], r[2], nil, r[3])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f failures=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
