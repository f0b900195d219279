-- wrk script for bench/wechat_callback.py: sends each pre-built request once, in file order, and
-- stops after as many responses as WRK_COUNT; every reply is appended to WRK_REPLIES for the checker.
-- WRK_REQUESTS holds records "<length>\n<raw HTTP request>"; it carries spares beyond WRK_COUNT for the
-- requests still in flight when the last counted response arrives, so none is ever sent twice.
-- Run with one thread (-t1): the request file and the counters are per thread. wrk's main thread sleeps for
-- the whole -d whatever the threads do, so at the target this script creates WRK_DONE (its mtime is when the
-- last counted response arrived) and the bench sends wrk SIGINT, which ends the sleep and prints the summary.

local requests = {}
local total = 0
local target = 0
local replies = nil
sent = 0
received = 0
overrun = 0

function init(args)
  local file = assert(io.open(os.getenv("WRK_REQUESTS"), "rb"))
  while true do
    local length = file:read("*l")
    if not length then break end
    total = total + 1
    requests[total] = file:read(tonumber(length))
  end
  file:close()
  target = tonumber(os.getenv("WRK_COUNT"))
  replies = assert(io.open(os.getenv("WRK_REPLIES"), "wb"))
end

function request()
  sent = sent + 1
  if sent > total then
    -- Out of spares: repeat the last one (the bench reports it, and the MsgId de-dup would answer it).
    overrun = overrun + 1
    return requests[total]
  end
  return requests[sent]
end

function response(status, headers, body)
  received = received + 1
  replies:write(status, " ", #body, "\n", body)
  if received == target then
    replies:flush()
    io.open(os.getenv("WRK_DONE"), "w"):close()
    wrk.thread:stop()
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local t = threads[1]
  io.write(string.format(
    'WRK {"requests": %d, "sent": %d, "received": %d, "overrun": %d, "duration_us": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, t:get("sent"), t:get("received"), t:get("overrun"), summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
