-- POST complete flagship responses as JSON (BENCH_BODIES: one body a line) to the API's
-- response creation with submit: true (or to the bare baseline's /api/submit), each with an
-- Idempotency-Key of its own; 201 is an acknowledged submission, anything else an error.
-- Reports "public_id body_number" of each acknowledged submission, so that the database can be
-- checked for each (wrk sends one request at a time per connection, so the body is known).
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
setup = common.setup(threads)

function init(args)
  bodies = common.lines(os.getenv("BENCH_BODIES"))
  run = os.getenv("BENCH_RUN") or "0"
  sent = 0
  unexpected = 0
  statuses = {}
  acknowledged = {}
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or ""),
  }
end

function request()
  in_flight_since = common.now()
  sent = sent + 1
  body_index = (id + sent) % #bodies + 1
  headers["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. sent
  headers["X-Bench-Id"] = tostring(id * 1000000 + sent)
  return wrk.format("POST", nil, headers, bodies[body_index])
end

function response(status, headers, body)
  in_flight_since = nil
  if status == 201 then
    local public_id = body:match('"id"%s*:%s*"([^"]+)"')
    acknowledged[#acknowledged + 1] = (public_id or "?") .. " " .. body_index
  else
    common.count_unexpected(status)
  end
end

function done(summary, latency, requests)
  local result = common.result(summary, latency, threads)
  result.acknowledged = {}
  for _, thread in ipairs(threads) do
    for _, public_id in ipairs(thread:get("acknowledged")) do
      result.acknowledged[#result.acknowledged + 1] = public_id
    end
  end
  common.report(result)
end
