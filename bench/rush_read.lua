-- wrk script for the rush's readers (bench/run.py): each request reads the next of BENCH_PATHS
-- (month and day views, comma-separated), as a browser does (Accept-Encoding: gzip); every
-- BENCH_COOKIE_EVERY-th request carries BENCH_VISITOR_COOKIE, the CSRF cookie a returning
-- visitor's browser sends once it has opened a form.

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "[^,]+") do
  table.insert(paths, path)
end
local cookie = os.getenv("BENCH_VISITOR_COOKIE")
local every = tonumber(os.getenv("BENCH_COOKIE_EVERY") or "3")
local counter = 0

-- Threads start at different places in the list.
function setup(thread)
  thread:set("start", math.random(0, #paths - 1))
end

function request()
  counter = counter + 1
  local path = paths[((counter + (start or 0)) % #paths) + 1]
  local headers = {["Accept-Encoding"] = "gzip, deflate, br"}
  if cookie and counter % every == 0 then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", path, headers)
end
