-- One scenario of benchmarks/run.py, for wrk: `wrk -s workload.lua URL -- PLAN.lua`.
--
-- The plan (a Lua table that workload.py writes) holds the signed-in session's cookie and CSRF
-- token and a sequence of requests: prebuilt GETs, and bookings that are made up here, each
-- at a time, vet and pet no other request uses, so that every one of them really writes.
-- Every request carries X-Request-ID "bench-<page>", which the app echoes, so that a
-- response can be told apart by page even in the mixed scenario.

local threads = {}

function setup(thread)
   -- Runs in wrk's main Lua state, once per thread, before the thread's own init().
   thread:set("thread_number", #threads)
   table.insert(threads, thread)
end

local plan, prebuilt, position, booked
counts = {}    -- "<page> <status>" -> responses; read by done() through thread:get
bookings = 0   -- booking requests sent

function init(args)
   plan = dofile(args[1])
   wrk.headers["Cookie"] = plan.cookie
   wrk.headers["User-Agent"] = plan.user_agent
   prebuilt = {}
   for index, entry in ipairs(plan.sequence) do
      if entry.path then
         local headers = {["X-Request-ID"] = "bench-" .. entry.page}
         for name, value in pairs(wrk.headers) do headers[name] = value end
         prebuilt[index] = wrk.format("GET", entry.path, headers)
      end
   end
   -- Threads start at different places in the sequence, as different desks would.
   position = math.floor(#plan.sequence * thread_number / plan.threads)
   booked = 0
end

local function booking()
   -- Slot k: vets turn fastest, then the 15-minute starts of a day, then days; each
   -- thread has days of its own. Within one start the pets differ (more pets than vets).
   local k = booked
   booked = booked + 1
   bookings = bookings + 1
   local vets, starts = #plan.vets, plan.starts_per_day
   local vet = plan.vets[k % vets + 1]
   local start = math.floor(k / vets) % starts
   local day = plan.first_day + thread_number * plan.days_per_thread
      + math.floor(k / (vets * starts))
   local minutes = plan.opens_minutes + start * 15
   local body = string.format(
      "csrf_token=%s&vet_id=%d&date=%s&start_time=%02d:%02d&duration_minutes=15"
         .. "&reason=Benchmark+booking",
      plan.csrf_token, vet, os.date("!%Y-%m-%d", day * 86400),
      math.floor(minutes / 60), minutes % 60)
   local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                    ["X-Request-ID"] = "bench-book"}
   for name, value in pairs(wrk.headers) do headers[name] = value end
   return wrk.format("POST", plan.pets[k % #plan.pets + 1], headers, body)
end

function request()
   position = position % #plan.sequence + 1
   return prebuilt[position] or booking()
end

function response(status, headers, body)
   local page = string.gsub(headers["X-Request-ID"] or "bench-unknown", "^bench%-", "")
   local key = page .. " " .. status
   local location = headers["Location"]
   if location and string.find(location, "/login", 1, true) then
      key = page .. " signed-out"
   end
   counts[key] = (counts[key] or 0) + 1
end

local function json_string(text)
   local escaped = string.gsub(text, '[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
   end)
   return '"' .. escaped .. '"'
end

function done(summary, latency, requests)
   local merged, sent = {}, 0
   for _, thread in ipairs(threads) do
      for key, number in pairs(thread:get("counts")) do
         merged[key] = (merged[key] or 0) + number
      end
      sent = sent + thread:get("bookings")
   end
   local parts = {}
   for key, number in pairs(merged) do
      table.insert(parts, json_string(key) .. ":" .. number)
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
      '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
      '"max_us":%d,"bookings_sent":%d,"counts":{%s}}\n',
      summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
      errors.write, errors.status, errors.timeout, latency:percentile(50),
      latency:percentile(99), latency.mean, latency.max, sent, table.concat(parts, ",")))
end
