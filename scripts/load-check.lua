-- wrk script for scripts/load-check.sh (LOADER=wrk): POSTs the bodies of a file, one JSON body a line, to
-- one path in turn, with a bearer token, and prints what the shell script reads back.
-- Arguments after `--`: <path> <token> <bodies file> [<pause ms>]. done() runs in a Lua state of its own, without
-- init's. With a pause, each connection waits that long after every answer before its next request: a paced
-- load (about connections / pause requests a second) instead of as fast as the server answers.
local bodies, next_body, pause = {}, 0, 0

function init(args)
  wrk.method = "POST"
  wrk.path = args[1]
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
  pause = tonumber(args[4] or "0") or 0
  for line in io.lines(args[3]) do
    bodies[#bodies + 1] = line
  end
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function delay()
  return pause
end

-- The share of requests (%) slower than `ms`, from the percentiles (bisection): the tail's size, where the p99 only says
-- where the slowest 1 % begins.
local function share_over(latency, ms)
  if latency.max <= ms * 1e3 then
    return 0
  end
  local lo, hi = 0, 100
  for _ = 1, 40 do
    local mid = (lo + hi) / 2
    if latency:percentile(mid) > ms * 1e3 then hi = mid else lo = mid end
  end
  return 100 - hi
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f failures=%d"
    .. " p90_ms=%.3f p999_ms=%.3f over_2ms_pct=%.3f\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(90) / 1e3, latency:percentile(99.9) / 1e3, share_over(latency, 2)))
end
