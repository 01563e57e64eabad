-- The court API writing events in batches: POST /api/v1/events/batch, 100
-- new events a request, each of another case (a court system sending its
-- day's changes), over the cases listed in a file (one case_ref a line).
-- The API key comes from the environment (BENCH_API_KEY).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
local report = require("report")

local BATCH = 100
local cases = {}
local counter = 0
local run = tostring(os.time())
local key = os.getenv("BENCH_API_KEY")
local fields = '"kind":"audience","starts_at":"2027-03-04T14:00","label":"Audience de renvoi","room":"Salle 2","status":"prevu"'

function init(args)
  for line in io.lines(args[1]) do cases[#cases + 1] = line end
  counter = math.random(1000000) * BATCH
end

function request()
  local events = {}
  for i = 1, BATCH do
    counter = counter + 1
    local case_ref = cases[counter % #cases + 1]
    events[i] = '{"case_ref":"' .. case_ref .. '","event_ref":"batch-' .. run .. "-" .. counter .. '",' .. fields .. "}"
  end
  return wrk.format("POST", "/api/v1/events/batch", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }, '{"events":[' .. table.concat(events, ",") .. "]}")
end

done = report.done
