-- wrk script: POST /api/v2.0/robots, every request with a robot name no other request used.
-- Arguments (after `--`): a tag that makes names unique across runs.
-- Authorization comes from wrk's -H; the body creates a project robot in `library`.

local counter = 0
local prefix = "w"
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  prefix = (args[1] or "w") .. "-t" .. tostring(tid) .. "-"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = '{"name":"' .. prefix .. counter .. '","duration":30,"level":"project",'
    .. '"permissions":[{"kind":"project","namespace":"library",'
    .. '"access":[{"resource":"repository","action":"pull"}]}]}'
  return wrk.format("POST", "/api/v2.0/robots", nil, body)
end
