-- wrk script: POST the JSON body read from the file named by $BENCH_BODY_FILE to the URL's path.
-- Used for POST /cable/poll and for POST /cable/bench/baseline with the same body, so both sides
-- of a ratio send identical requests.
--   BENCH_BODY_FILE=body.json wrk -t2 -c64 -d15s --latency -s bench/poll.lua http://127.0.0.1:18080/cable/poll
local path = os.getenv("BENCH_BODY_FILE")
if path == nil or path == "" then
  error("set BENCH_BODY_FILE to a file holding the JSON body")
end
local file = assert(io.open(path, "r"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
