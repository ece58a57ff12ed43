-- Shared by the wrk scripts of benchmarks/http.py: a clock, file reading, JSON output.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local now_buffer = ffi.new("bench_timespec")

local common = {}

-- Monotonic time in microseconds.
function common.now()
  ffi.C.clock_gettime(1, now_buffer)
  return tonumber(now_buffer.tv_sec) * 1e6 + tonumber(now_buffer.tv_nsec) / 1e3
end

function common.lines(path)
  local found = {}
  if path == nil or path == "" then return found end
  for line in io.lines(path) do
    if line ~= "" then found[#found + 1] = line end
  end
  return found
end

function common.split(line, separator)
  local parts = {}
  for part in string.gmatch(line, "([^" .. separator .. "]+)") do parts[#parts + 1] = part end
  return parts
end

local function encode(value)
  local kind = type(value)
  if kind == "number" then
    if value ~= value or value == math.huge or value == -math.huge then return "null" end
    return string.format("%.17g", value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    if #value > 0 or next(value) == nil then
      local items = {}
      for i = 1, #value do items[i] = encode(value[i]) end
      return "[" .. table.concat(items, ",") .. "]"
    end
    local items = {}
    for key, item in pairs(value) do items[#items + 1] = encode(tostring(key)) .. ":" .. encode(item) end
    return "{" .. table.concat(items, ",") .. "}"
  end
  return "null"
end
common.encode = encode

-- One line the Python side reads: BENCH_JSON {...}
function common.report(value)
  io.write("BENCH_JSON " .. encode(value) .. "\n")
end

-- wrk's own figures: requests, duration, socket errors, latency percentiles (microseconds).
function common.summary(summary, latency)
  local errors = summary.errors
  return {
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    socket_errors = errors.connect + errors.read + errors.write + errors.timeout,
    non_2xx_3xx = errors.status,
    p50_us = latency:percentile(50),
    p99_us = latency:percentile(99),
    max_us = latency.max,
  }
end

-- Requests still unanswered when the time was up (each thread has one connection): how many
-- had waited longer than a second, and the longest wait. wrk's own latency figures leave
-- such requests out, so a server that stalls would otherwise look merely slow.
function common.stalled(result, threads)
  local now = common.now()
  result.stalled_over_1s_at_end, result.longest_unanswered_ms = 0, 0
  for _, thread in ipairs(threads) do
    local since = thread:get("in_flight_since")
    if since ~= nil then
      local waited = (now - since) / 1000
      if waited > 1000 then result.stalled_over_1s_at_end = result.stalled_over_1s_at_end + 1 end
      if waited > result.longest_unanswered_ms then result.longest_unanswered_ms = waited end
    end
  end
end

-- An answer whose status the script did not expect: counted in the thread's globals
-- `unexpected` and `statuses` (each thread runs the script in a Lua state of its own).
function common.count_unexpected(status)
  unexpected = unexpected + 1
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
end

-- wrk's figures with every thread's unexpected statuses and the stalled requests added; a
-- script adds its own figures before `common.report`.
function common.result(summary, latency, threads)
  local result = common.summary(summary, latency)
  result.unexpected_status = 0
  result.statuses = {}
  for _, thread in ipairs(threads) do
    result.unexpected_status = result.unexpected_status + thread:get("unexpected")
    for status, count in pairs(thread:get("statuses")) do
      result.statuses[status] = (result.statuses[status] or 0) + count
    end
  end
  common.stalled(result, threads)
  return result
end

-- wrk's `setup`: numbers each thread (its global `id`, from 0) and keeps it in `threads`, the
-- list `done` reads the threads' figures from.
function common.setup(threads)
  return function(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
  end
end

return common
