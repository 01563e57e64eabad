-- The court API writing events: PUT /api/v1/cases/{case}/events/{new ref},
-- a new event each request, over the cases listed in a file (one case_ref a
-- line). The API key comes from the environment (BENCH_API_KEY).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
local report = require("report")

local cases = {}
local counter = 0
local run = tostring(os.time())
local key = os.getenv("BENCH_API_KEY")
local body = '{"kind":"audience","starts_at":"2027-03-04T14:00","label":"Audience de renvoi","room":"Salle 2","status":"prevu"}'

function init(args)
  for line in io.lines(args[1]) do cases[#cases + 1] = line end
  counter = math.random(1000000)
end

function request()
  counter = counter + 1
  local case_ref = cases[counter % #cases + 1]
  local path = "/api/v1/cases/" .. case_ref .. "/events/bench-" .. run .. "-" .. counter
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }, body)
end

done = report.done
