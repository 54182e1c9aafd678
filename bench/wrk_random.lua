-- wrk script: each request picks a random line of the file named by BENCH_REQUESTS.
-- A line is "path", "path<TAB>etag" or "path<TAB>etag<TAB>encoding": with an etag the request carries
-- If-None-Match, with an encoding Accept-Encoding (e.g. gzip, as browsers and CDNs send it).
-- done() prints one line "BENCH_JSON {...}" with counts, latency percentiles (microseconds) and statuses.

local threads = {}
local next_id = 1

function setup(thread)
   thread:set("id", next_id)
   table.insert(threads, thread)
   next_id = next_id + 1
end

function init(args)
   paths, etags, encodings, statuses = {}, {}, {}, {}
   for line in io.lines(os.getenv("BENCH_REQUESTS")) do
      local path, etag, encoding = line:match("^([^\t]+)\t?([^\t]*)\t?(.*)$")
      if path then
         paths[#paths + 1] = path
         etags[#etags + 1] = etag
         encodings[#encodings + 1] = encoding
      end
   end
   math.randomseed(os.time() * 1000 + id * 7919)
end

function request()
   local i = math.random(#paths)
   local headers = {}
   if etags[i] ~= "" then
      headers["If-None-Match"] = etags[i]
   end
   if encodings[i] ~= "" then
      headers["Accept-Encoding"] = encodings[i]
   end
   return wrk.format("GET", paths[i], headers)
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   local merged = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         merged[status] = (merged[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      parts[#parts + 1] = string.format('"%s":%d', status, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"statuses":{%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      table.concat(parts, ",")))
end
