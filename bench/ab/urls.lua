-- wrk script: GET a random path of the file named by $URLS, with the bearer token in $TOKEN.
local urls = {}
local token = os.getenv("TOKEN")
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", urls[math.random(#urls)], { ["Authorization"] = "Bearer " .. token })
end
