-- wrk script for bench/run-search-bench.sh: cycles through the faceted query URLs of the
-- search benchmark's query mix (one path a line, in the file named by AIUP_BENCH_URLS).
-- Each wrk thread starts at a different place in the list.

local paths = {}
local file = os.getenv("AIUP_BENCH_URLS") or "target/bench/search/urls.txt"
for line in io.lines(file) do
  if #line > 0 then
    paths[#paths + 1] = line
  end
end

local counter = 0
local i = 0

function setup(thread)
  thread:set("offset", counter * 37)
  counter = counter + 1
end

function init(args)
  i = offset or 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
