-- GET one path, optionally as many respondents in turn (session cookies from BENCH_COOKIES),
-- counting every answer whose status is not BENCH_EXPECT (default 200) as an error.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
setup = common.setup(threads)

function init(args)
  cookies = common.lines(os.getenv("BENCH_COOKIES"))
  expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
  position = id
  unexpected = 0
  statuses = {}
end

function request()
  in_flight_since = common.now()
  if #cookies == 0 then return wrk.format("GET") end
  position = position % #cookies + 1
  return wrk.format("GET", nil, { Cookie = "radar_session=" .. cookies[position] })
end

function response(status, headers, body)
  in_flight_since = nil
  if status ~= expected then
    common.count_unexpected(status)
  end
end

function done(summary, latency, requests)
  common.report(common.result(summary, latency, threads))
end
