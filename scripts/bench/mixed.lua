-- wrk script: the mixed load of the memory check. Each connection cycles through ten requests:
-- 4 GET /robots/{id} as admin, 1 as the bench robot, 2 filtered+sorted lists, 2 POSTs with new
-- names and 1 POST of the same name again (201 once, then 409 every time).
-- Arguments (after `--`): run tag, admin Authorization value, robot Authorization value,
-- highest robot id to read.

local counter = 0
local prefix = "m"
local admin, robot, max_id = "", "", 1
local next_thread = 0
local list = "/api/v2.0/robots?q=name%3D~ci&sort=-creation_time"

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  prefix = (args[1] or "m") .. "-t" .. tostring(tid) .. "-"
  admin = args[2]
  robot = args[3]
  max_id = tonumber(args[4] or "1")
end

local function post(name)
  local body = '{"name":"' .. name .. '","duration":30,"level":"project",'
    .. '"permissions":[{"kind":"project","namespace":"library",'
    .. '"access":[{"resource":"repository","action":"pull"}]}]}'
  return wrk.format("POST", "/api/v2.0/robots",
    { ["Authorization"] = admin, ["Content-Type"] = "application/json" }, body)
end

function request()
  counter = counter + 1
  local k = counter % 10
  if k < 4 then
    local id = 1 + (counter * 7919) % max_id
    return wrk.format("GET", "/api/v2.0/robots/" .. id, { ["Authorization"] = admin })
  elseif k == 4 then
    return wrk.format("GET", "/api/v2.0/robots/1", { ["Authorization"] = robot })
  elseif k < 7 then
    return wrk.format("GET", list, { ["Authorization"] = admin })
  elseif k < 9 then
    return post(prefix .. counter)
  else
    return post("same-name")
  end
end
