-- wrk script of the benchmark (bench/concurrent.py fills in the URL list):
-- each connection's requests cycle through the query URLs, every thread
-- starting at its own place, and `done` prints the figures as one JSON line.
local paths = {
--URLS--
}

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 97)
end

function init(args)
  position = offset or 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, '
    .. '"errors_status": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
