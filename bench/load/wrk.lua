-- wrk script for bench/load/run-wrk.sh.
--
-- With AIUP_LOAD_BODY set to a JSON file, every request is a POST of that file as
-- `application/json` (the estimate run); otherwise wrk's plain GET of the URL (the search run).
-- Every thread counts the responses by status; `done` adds them up and prints one line,
--   AIUP_LOAD requests=N rps=R p50_ms=A p99_ms=B non2xx=K connect=C read=R write=W timeout=T statuses=200:N,...
-- which run-wrk.sh reads. wrk's own "Non-2xx" and "Socket errors" lines say the same.

local body_file = os.getenv("AIUP_LOAD_BODY")
if body_file and #body_file > 0 then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, n in pairs(counted) do
      total[status] = (total[status] or 0) + n
    end
  end
  local non2xx = 0
  local parts = {}
  for status, n in pairs(total) do
    if status < 200 or status > 299 then
      non2xx = non2xx + n
    end
    table.insert(parts, string.format("%d:%d", status, n))
  end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    "AIUP_LOAD requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d connect=%d read=%d write=%d timeout=%d statuses=%s\n",
    summary.requests,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    non2xx,
    e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ",")
  ))
end
