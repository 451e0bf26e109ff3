-- wrk script of bench/run.sh. Its request is fixed per wrk thread (so wrk builds it once and
-- spends no Lua per request); the environment chooses it:
--   BENCH_METHOD       GET (default) or POST
--   BENCH_BODY         request body for POST (sent as application/json)
--   BENCH_TOKEN        X-Walkin-Session for every request (one reused walk-in)
--   BENCH_TOKENS_FILE  one token per line; wrk thread i sends token i (run with -t equal to -c,
--                      so each connection keeps to its own walk-in)
--   BENCH_STATUSES     1: count the answers by status (bench/target.sh, to see 429s); done()
--                      then prints a BENCH_STATUSES line too. Off by default: a response()
--                      function makes wrk parse every answer for Lua.
-- With neither token variable the request carries no session header: every POST /sql
-- provisions a fresh walk-in.
-- done() prints one BENCH_RESULT line that run.sh parses (latencies in milliseconds).

local tokens = nil
local next_thread = 0
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  local file = os.getenv("BENCH_TOKENS_FILE")
  if file and file ~= "" then
    if tokens == nil then
      tokens = {}
      for line in io.lines(file) do
        if line ~= "" then tokens[#tokens + 1] = line end
      end
    end
    thread:set("token", tokens[(next_thread % #tokens) + 1])
  end
  next_thread = next_thread + 1
end

function init(args)
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  if wrk.method == "POST" then
    wrk.body = os.getenv("BENCH_BODY") or '{"sql":"SELECT 1"}'
    wrk.headers["Content-Type"] = "application/json"
  end
  wrk.headers["User-Agent"] = "walkindb-bench"
  local t = token or os.getenv("BENCH_TOKEN")
  if t and t ~= "" then
    wrk.headers["X-Walkin-Session"] = t
  end
end

if os.getenv("BENCH_STATUSES") == "1" then
  statuses = {} -- per thread; done() adds them up through thread:get
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.3f rps=%.1f p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
  if os.getenv("BENCH_STATUSES") == "1" then
    local total, codes = {}, {}
    for _, t in ipairs(threads) do
      for code, n in pairs(t:get("statuses") or {}) do
        if total[code] == nil then codes[#codes + 1] = code end
        total[code] = (total[code] or 0) + n
      end
    end
    table.sort(codes)
    local parts = {}
    for _, code in ipairs(codes) do parts[#parts + 1] = code .. ":" .. total[code] end
    io.write("BENCH_STATUSES " .. table.concat(parts, ",") .. "\n")
  end
end
