-- Respondents filling in the flagship questionnaire, one respondent at a time per connection
-- (run with as many threads as connections, so that a thread's state is its connection's).
-- BENCH_PATHS holds one line per invitation: token TAB page-1 form TAB ... page-N form.
-- Path: GET /r/<token> (200: the invitation page, its form token and entry cookie), POST
-- consent to /r/<token> (303 + session cookie), GET /respond/step/1 (CSRF token, revision),
-- POST every page (303 each, revision + 1), POST submit
-- (303 to /respond/result = acknowledged). Anything else is an error; the thread then takes
-- its next invitation. Form posts and page loads are timed separately.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
setup = common.setup(threads)
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
  local all = common.lines(os.getenv("BENCH_PATHS"))
  local count = tonumber(os.getenv("BENCH_THREADS"))
  paths = {}
  for n = id + 1, #all, count do paths[#paths + 1] = common.split(all[n], "\t") end
  next_path = 0
  post_latency, get_latency = {}, {}
  acknowledged, errors = {}, {}
  started, exhausted, idle = 0, false, 0
  begin_respondent()
end

function begin_respondent()
  next_path = next_path + 1
  current = paths[next_path]
  if current == nil then exhausted = true; phase = "idle"; return end
  started = started + 1
  phase, step, cookie, entry, csrf, revision = "open", 0, nil, nil, nil, nil
end

function request()
  sent_at = common.now()
  in_flight_since = common.now()
  local headers = cookie and { Cookie = "radar_session=" .. cookie } or {}
  if phase == "open" then
    return wrk.format("GET", "/r/" .. current[1])
  elseif phase == "consent" then
    headers = { Cookie = "radar_entry=" .. entry, ["Content-Type"] = form["Content-Type"] }
    return wrk.format("POST", "/r/" .. current[1], headers, "csrf_token=" .. csrf .. "&consent=yes")
  elseif phase == "first" then
    return wrk.format("GET", "/respond/step/1", headers)
  elseif phase == "step" then
    headers["Content-Type"] = form["Content-Type"]
    local body = "csrf_token=" .. csrf .. "&revision=" .. revision .. "&" .. current[step + 1]
    return wrk.format("POST", "/respond/step/" .. step, headers, body)
  elseif phase == "submit" then
    headers["Content-Type"] = form["Content-Type"]
    local body = "csrf_token=" .. csrf .. "&revision=" .. revision .. "&confirm=yes"
    return wrk.format("POST", "/respond/submit", headers, body)
  end
  idle = idle + 1
  return wrk.format("GET", "/healthz")
end

local function header(headers, name)
  for key, value in pairs(headers) do
    if key:lower() == name then return value end
  end
  return nil
end

local function failed(status)
  local key = phase .. ":" .. status
  errors[key] = (errors[key] or 0) + 1
  begin_respondent()
end

function response(status, headers, body)
  in_flight_since = nil
  if phase == "idle" then return end
  local took = common.now() - sent_at
  local steps = #current - 1
  if phase == "consent" or phase == "step" or phase == "submit" then
    post_latency[#post_latency + 1] = took
  else
    get_latency[#get_latency + 1] = took
  end
  if phase == "open" then
    local set = header(headers, "set-cookie") or ""
    entry = set:match("radar_entry=([^;]+)")
    csrf = body:match('name="csrf_token" value="([^"]+)"')
    if status ~= 200 or entry == nil or csrf == nil then return failed(status) end
    phase = "consent"
  elseif phase == "consent" then
    local set = header(headers, "set-cookie") or ""
    cookie = set:match("radar_session=([^;]+)")
    if status ~= 303 or cookie == nil then return failed(status) end
    phase = "first"
  elseif phase == "first" then
    csrf = body:match('name="csrf_token" value="([^"]+)"')
    revision = tonumber(body:match('name="revision" value="(%d+)"'))
    if status ~= 200 or revision == nil or csrf == nil then return failed(status) end
    phase, step = "step", 1
  elseif phase == "step" then
    if status ~= 303 then return failed(status) end
    revision = revision + 1
    if step < steps then step = step + 1 else phase = "submit" end
  elseif phase == "submit" then
    if status ~= 303 or header(headers, "location") ~= "/respond/result" then return failed(status) end
    acknowledged[#acknowledged + 1] = current[1]
    begin_respondent()
  end
end

function done(summary, latency, requests)
  local result = common.summary(summary, latency)
  result.post_latency_us, result.get_latency_us = {}, {}
  result.acknowledged, result.errors = {}, {}
  result.started, result.exhausted_threads, result.idle_requests = 0, 0, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("post_latency")) do table.insert(result.post_latency_us, v) end
    for _, v in ipairs(thread:get("get_latency")) do table.insert(result.get_latency_us, v) end
    for _, v in ipairs(thread:get("acknowledged")) do table.insert(result.acknowledged, v) end
    for key, count in pairs(thread:get("errors")) do
      result.errors[key] = (result.errors[key] or 0) + count
    end
    result.started = result.started + thread:get("started")
    result.idle_requests = result.idle_requests + thread:get("idle")
    if thread:get("exhausted") then result.exhausted_threads = result.exhausted_threads + 1 end
  end
  common.stalled(result, threads)
  common.report(result)
end
