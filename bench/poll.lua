-- wrk script: POST the JSON body read from the file named by $BENCH_BODY_FILE to the URL's path.
-- Used for POST /cable/poll and for POST /cable/bench/baseline with the same body, so both sides
-- of a ratio send identical requests.
--   BENCH_BODY_FILE=body.json wrk -t2 -c64 -d15s --latency -s bench/poll.lua http://127.0.0.1:18080/cable/poll
local path = os.getenv("BENCH_BODY_FILE")
if path == nil or path == "" then
  error("set BENCH_BODY_FILE to a file holding the JSON body")
end
-- One body, or one per line: then every connection sends them in turn, each wrk thread starting at
-- its own offset, so that no two requests in a row ask the same question.
local bodies = {}
for line in io.lines(path) do
  if line ~= "" then bodies[#bodies + 1] = line end
end
assert(#bodies > 0, "no body in " .. path)

wrk.method = "POST"
wrk.body = bodies[1]
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

if #bodies > 1 then
  local next = 0
  function init(args)
    next = math.floor((offset or 0) * #bodies / 2) % #bodies
  end
  function request()
    next = next % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next])
  end
end
