-- wrk script: one fresh alert per request to Prometheus Alertmanager's v2 API, the peer the ingest benchmark compares
-- with (an alert with labels never sent before, as a fresh webhook is for the host).
-- wrk -t2 -c32 -d20s -s tests/load/alertmanager.lua http://127.0.0.1:9093
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

function init(args)
  sent = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  sent = sent + 1
  local body = string.format('[{"labels":{"alertname":"CartAbandoned","customer":"cus_%d_%d","severity":"page"},'
    .. '"annotations":{"summary":"VIP cart abandoned"},"generatorURL":"http://load.example/%d"}]', tid, sent, sent)
  return wrk.format("POST", "/api/v2/alerts", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format("wrk: requests %d, non-2xx %d, socket errors %d, 2xx %d\n", summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, summary.requests - failed))
  io.write(string.format("wrk: latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
