-- POST a step page's form to the page floor (benchmarks/page_floor.py), each connection as
-- one respondent of its own (BENCH_SAVES: lines of "session cookie<TAB>form body", the body
-- carrying that session's CSRF token); every status other than 303 is an error.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
setup = common.setup(threads)

function init(args)
  local lines = common.lines(os.getenv("BENCH_SAVES"))
  local parts = common.split(lines[id % #lines + 1], "\t")
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    Cookie = "radar_session=" .. parts[1],
  }
  body = parts[2]
  unexpected = 0
  statuses = {}
end

function request()
  in_flight_since = common.now()
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  in_flight_since = nil
  if status ~= 303 then
    common.count_unexpected(status)
  end
end

function done(summary, latency, requests)
  common.report(common.result(summary, latency, threads))
end
