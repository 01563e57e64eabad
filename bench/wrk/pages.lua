-- GET requests cycled from a file: one per line, "PATH<TAB>COOKIE" (the
-- cookie may be empty). Each connection starts at its own place in the list,
-- so signed-in users' pages are spread over many sessions.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
local report = require("report")

local lines = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    -- A click on one of the portal's links, as a browser sends it: the
    -- console journals only the agent's own navigation.
    local headers = { ["Sec-Fetch-Site"] = "same-origin" }
    if cookie ~= nil and cookie ~= "" then headers["Cookie"] = cookie end
    lines[#lines + 1] = wrk.format("GET", path, headers)
  end
  index = math.random(#lines)
end

function request()
  index = index % #lines + 1
  return lines[index]
end

done = report.done
