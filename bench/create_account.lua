-- wrk: the create-account server function as the hydrated page calls it, with a new username
-- every request so each one really creates an account on Prosody.
-- thread_id is a global: wrk's setup() sets it in each thread's own Lua state. RUN tells the
-- runs of one benchmark apart (each restarts the counters, and a taken name is an error).
local run = os.getenv("RUN") or "0"
local counter = 0
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("thread_id", next_id)
end

function request()
   counter = counter + 1
   local body = "csrf=" .. os.getenv("CSRF") .. "&domain=" .. os.getenv("DOMAIN")
      .. "&username=r" .. run .. "t" .. thread_id .. "x" .. counter .. "&password=bench+password+1"
   return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "application/json",
      ["Cookie"] = os.getenv("COOKIE"),
   }, body)
end
