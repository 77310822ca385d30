-- wrk script: each request books a different 30-minute slot (room, day, time), so every POST is
-- a real booking, not a conflict: through the counter form, or (BENCH_ONLINE=1) as a group
-- account's online request (仮予約, the 完了 step). Threads interleave their slots.
-- Environment (set by bench/run.py): BENCH_COOKIE, BENCH_CSRF, BENCH_ROOMS, BENCH_GROUP,
-- BENCH_DAY_OFFSETS (open days, counted from today), BENCH_TODAY (YYYY-MM-DD), BENCH_THREADS,
-- BENCH_ONLINE, BENCH_SLOT_OFFSET (slots already taken by an earlier run), BENCH_SESSIONS
-- (online: "cookie|token^cookie|token…", one signed-in account per group, used in turn),
-- BENCH_OWN_DAYS=1 (the rush: one connection per thread, each thread books only its own days,
-- thread t the offsets t, t + threads, …, with its own account).

local created = 0
local counter = 0
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")
local online = os.getenv("BENCH_ONLINE") == "1"
local slot_offset = tonumber(os.getenv("BENCH_SLOT_OFFSET") or "0")
local own_days = os.getenv("BENCH_OWN_DAYS") == "1"
local sessions = {}
for entry in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^^]+") do
  local cookie, token = string.match(entry, "([^|]+)|([^|]+)")
  table.insert(sessions, {cookie = cookie, token = token})
end

-- setup() runs in the main Lua state; thread:set() gives each thread's own state its id.
function setup(thread)
  thread:set("thread_id", created)
  created = created + 1
end

local rooms = {}
for room in string.gmatch(os.getenv("BENCH_ROOMS") or "", "[^,]+") do table.insert(rooms, room) end
local offsets = {}
for offset in string.gmatch(os.getenv("BENCH_DAY_OFFSETS") or "1", "[^,]+") do
  table.insert(offsets, tonumber(offset))
end
local y, m, d = string.match(os.getenv("BENCH_TODAY") or "2026-01-01", "(%d+)-(%d+)-(%d+)")
local today = os.time({year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12})

local per_day = 26 * #rooms -- 30-minute slots 9:00 .. 21:30 in each room

-- The within-th slot of a day: the rooms in turn, then the next half hour.
local function slot_on(day_offset, within)
  local room = rooms[(within % #rooms) + 1]
  local slot_no = math.floor(within / #rooms)
  local minutes = 9 * 60 + slot_no * 30
  local day = os.date("%Y-%m-%d", today + day_offset * 86400)
  local start_time = string.format("%02d:%02d", math.floor(minutes / 60), minutes % 60)
  local end_time = string.format("%02d:%02d", math.floor((minutes + 30) / 60), (minutes + 30) % 60)
  return room, day, start_time, end_time
end

-- Shared numbering: slot index of all threads, day after day.
local function slot(index)
  return slot_on(offsets[(math.floor(index / per_day) % #offsets) + 1], index % per_day)
end

-- BENCH_OWN_DAYS: the n-th slot of this thread, on its own days only.
local function own_slot(n)
  local day_no = (thread_id or 0) + thread_count * math.floor(n / per_day)
  return slot_on(offsets[(day_no % #offsets) + 1], n % per_day)
end

function request()
  local index, room, day, start_time, end_time
  if own_days then
    index = thread_id or 0 -- picks this thread's account below
    room, day, start_time, end_time = own_slot(counter)
  else
    index = slot_offset + counter * thread_count + (thread_id or 0)
    room, day, start_time, end_time = slot(index)
  end
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
  }
  if online then
    local session = sessions[(index % #sessions) + 1]
    headers["Cookie"] = session.cookie
    local body = "csrfmiddlewaretoken=" .. session.token
      .. "&step=submit&room=" .. room .. "&date=" .. day
      .. "&start_time=" .. start_time .. "&end_time=" .. end_time
      .. "&purpose=bench&attendees=5&notes="
    return wrk.format("POST", "/facilities/requests/new/", headers, body)
  end
  local body = "csrfmiddlewaretoken=" .. os.getenv("BENCH_CSRF")
    .. "&action=save&room=" .. room .. "&date=" .. day
    .. "&start_time=" .. start_time .. "&end_time=" .. end_time
    .. "&group=" .. os.getenv("BENCH_GROUP") .. "&booker_name=&booker_contact="
    .. "&purpose=bench&attendees=5&notes=&group_query="
  return wrk.format("POST", "/counter/bookings/new/", headers, body)
end
