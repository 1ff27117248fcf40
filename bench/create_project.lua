-- wrk script: POST /v2/project with a fresh name each time.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"name": "bench %d-%d", "description": "load"}', math.random(1, 1000000000), counter)
  return wrk.format("POST", "/v2/project", nil, body)
end
