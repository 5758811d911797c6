-- wrk script: one fresh Customer.io Journey webhook per request (a delivery_id never sent before), as the issue's
-- ingest benchmark sends them. wrk -t2 -c32 -d20s -s tests/load/journey.lua http://127.0.0.1:5080
-- The Journey secret comes from RP_JOURNEY_SECRET. One body in ESCALATE_EVERY (default 200) is over the VIP gate, the
-- rest fail it, as in tests/RetentionPlaybooks.LoadTest. done() prints the 2xx count, which the durability check
-- compares with the growth of /health's inbox_total.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  run = os.getenv("RP_RUN") or tostring(os.time())
  every = tonumber(os.getenv("ESCALATE_EVERY") or "200")
  secret = os.getenv("RP_JOURNEY_SECRET") or ""
  headers = { ["Content-Type"] = "application/json", ["X-Webhook-Secret"] = secret }
  now = os.time()
end

local template = '{"delivery_id":"wrk-%s-%d-%d","timestamp":%d,'
  .. '"customer":{"id":"cus_wrk_%d","cio_id":"a3f%05d","email":"load%d@example.com","first_name":"Load",'
  .. '"shop_customer_id":"%d","ltv":"2480.50","order_count":14,"vip":true,"vip_tier":"gold","open_support_case":false,'
  .. '"fraud_flag":false,"last_refund_at":""},'
  .. '"event":{"name":"checkout_abandoned","data":{"checkout_id":"chk_wrk_%s_%d_%d","cart_value":%s,"currency":"USD",'
  .. '"cart_url":"https://acme-coffee.example/cart/chk_%d","items":[{"sku":"ESP-BLD-1KG","name":"Espresso blend 1 kg","price":42.00,"quantity":2}]}}}'

function request()
  sent = sent + 1
  local customer = (sent * 7919 + tid * 104729) % 5000
  local value = (sent % every == 0) and "184.00" or "38.50"
  local body = string.format(template, run, tid, sent, now, customer, customer, customer, customer, run, tid, sent, value, sent)
  return wrk.format("POST", "/webhooks/customerio/journey", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format("wrk: requests %d, non-2xx %d, socket errors %d, 2xx %d\n", summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, summary.requests - failed))
  io.write(string.format("wrk: latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
