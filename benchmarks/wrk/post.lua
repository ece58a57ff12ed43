-- POST the same form body (BENCH_BODY: a file holding one step page of the flagship) as many
-- responses in turn, to the bare baseline; every status other than 303 is an error.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
setup = common.setup(threads)

function init(args)
  body = common.lines(os.getenv("BENCH_BODY"))[1]
  response_id = id * 1000000
  unexpected = 0
  statuses = {}
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
  in_flight_since = common.now()
  response_id = response_id + 1
  return wrk.format("POST", nil, headers, "response=" .. response_id .. "&" .. body)
end

function response(status, headers, body)
  in_flight_since = nil
  if status ~= 303 then common.count_unexpected(status) end
end

function done(summary, latency, requests)
  common.report(common.result(summary, latency, threads))
end
