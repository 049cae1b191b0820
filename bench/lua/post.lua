-- POST a form body from BENCH_BODY with a unique idempotency key per request.
-- Usage: wrk -s post.lua ... (environment: BENCH_BODY, BENCH_COOKIE, BENCH_CSRF)
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tid or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  if os.getenv("BENCH_COOKIE") then wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") end
  if os.getenv("BENCH_CSRF") then wrk.headers["X-CSRFToken"] = os.getenv("BENCH_CSRF") end
end
local run = tostring(os.time())
function request()
  counter = counter + 1
  -- __N__ in the body: a number of its own per request, so no two texts are alike.
  local n = thread_id .. "-" .. counter
  local body = string.gsub(os.getenv("BENCH_BODY"), "__N__", n) .. "&idempotency_key=bench-" .. run .. "-" .. n
  return wrk.format(nil, nil, nil, body)
end
