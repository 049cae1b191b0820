-- POST a form body from BENCH_BODY with a unique idempotency key per request.
-- Usage: wrk -s post.lua ... (environment: BENCH_BODY, BENCH_COOKIE, BENCH_CSRF,
-- BENCH_CONTENT_TYPE). A body with __KEY__ in it gets the key there (a multipart body),
-- any other gets "&idempotency_key=..." appended.
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
  wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/x-www-form-urlencoded"
  if os.getenv("BENCH_COOKIE") then wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") end
  if os.getenv("BENCH_CSRF") then wrk.headers["X-CSRFToken"] = os.getenv("BENCH_CSRF") end
end
local run = tostring(os.time())
function request()
  counter = counter + 1
  -- __N__ in the body: a number of its own per request, so no two texts are alike.
  local n = thread_id .. "-" .. counter
  local key = "bench-" .. run .. "-" .. n
  local body = string.gsub(os.getenv("BENCH_BODY"), "__N__", n)
  if string.find(body, "__KEY__", 1, true) then
    body = string.gsub(body, "__KEY__", key)
  else
    body = body .. "&idempotency_key=" .. key
  end
  return wrk.format(nil, nil, nil, body)
end
