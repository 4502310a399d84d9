-- The wrk script of Groundswell's benchmark (started by bench/harness/load.py; wrk 4, LuaJIT).
--
-- One script for every profile; what to send comes from GSB_* environment variables:
--   GSB_METHOD       GET or POST
--   GSB_PATH         the path; "{id}" in it (and in the body) becomes a fresh id per request
--   GSB_HEADERS      header lines "Name: value", one a line
--   GSB_BODY_FILE    a file holding the request body (may be empty: no body)
--   GSB_IDS_FILE     ids, one a line (survey tokens, external ids); may be empty: no ids
--   GSB_IDS_FROM     the first line of GSB_IDS_FILE to use (0-based): earlier runs took those before
--   GSB_THREADS      wrk's -t; thread n takes lines n, n + threads, ... so no two requests share an id
--   GSB_CONNECTIONS  wrk's -c, to keep back one id per connection still waiting when a thread stops
--   GSB_LIMIT        stop after this many responses in all (the load is bounded in count and time)
-- At the end it prints one line, "GSB_RESULT " and a JSON object (see load.py: WrkResult).

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

local function setting(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

local function file_bytes(name)
  local handle = assert(io.open(name, "rb"))
  local bytes = handle:read("*a")
  handle:close()
  return bytes
end

local function plain(text)
  -- text made safe as a gsub replacement ("%" is special there)
  return (string.gsub(text, "%%", "%%%%"))
end

function init(args)
  local thread_count = tonumber(setting("GSB_THREADS", "1"))
  local per_thread_connections = math.ceil(tonumber(setting("GSB_CONNECTIONS", "1")) / thread_count)
  method = setting("GSB_METHOD", "GET")
  path = setting("GSB_PATH", "/")
  headers = {}
  for line in string.gmatch(setting("GSB_HEADERS", ""), "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  local body_file = setting("GSB_BODY_FILE", nil)
  body = body_file and file_bytes(body_file) or nil
  limit = math.floor(tonumber(setting("GSB_LIMIT", "100000")) / thread_count)
  ids = nil
  local ids_file = setting("GSB_IDS_FILE", nil)
  if ids_file then
    ids = {}
    local first = tonumber(setting("GSB_IDS_FROM", "0"))
    local index = 0
    for line in io.lines(ids_file) do
      if index >= first and (index - first) % thread_count == number and line ~= "" then
        table.insert(ids, line)
      end
      index = index + 1
    end
    -- requests still waiting when the limit is reached must have an id of their own too
    local room = #ids - per_thread_connections
    if room < limit then limit = room end
    if limit < 1 then
      error("GSB_IDS_FILE has too few unused lines from GSB_IDS_FROM on")
    end
  end
  used = 0
  responses = 0
  statuses = {}
  fixed = nil
  if not ids then fixed = wrk.format(method, path, headers, body) end
end

function request()
  if fixed then return fixed end
  used = used + 1
  local id = plain(ids[used] or ids[#ids])
  local this_body = body and string.gsub(body, "{id}", id) or nil
  return wrk.format(method, (string.gsub(path, "{id}", id)), headers, this_body)
end

function response(status, response_headers, response_body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if responses >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local counts = {}
  local used_ids = 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
    used_ids = used_ids + (thread:get("used") or 0)
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  local function ms(microseconds) return microseconds / 1000.0 end
  local function percentile(p)
    if summary.requests == 0 then return 0 end
    return ms(latency:percentile(p))
  end
  local errors = summary.errors
  io.write(string.format(
    'GSB_RESULT {"requests":%d,"seconds":%.3f,"ids_used":%d,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, used_ids,
    percentile(50), percentile(90), percentile(95), percentile(99), ms(summary.requests > 0 and latency.max or 0),
    errors.connect, errors.read, errors.write, errors.timeout, table.concat(parts, ",")))
end
