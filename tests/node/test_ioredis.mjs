#!/usr/bin/env node
// Real-client test: ioredis (npm) against strata-server or redis-server: a Lua command
// defined with defineCommand (EVALSHA, falling back to EVAL on NOSCRIPT), pipelines of it,
// and pub/sub with channels and patterns.
//
//   node tests/node/test_ioredis.mjs --server redis
//   node tests/node/test_ioredis.mjs --server strata --strata-binary build/strata-server
//
// Exit status 77: ioredis is not installed (npm ci in tests/node) or redis-server is
// missing; ctest reports that as skipped. The server is started here on a free loopback
// port and stopped by its PID.
import { SKIP, parseArgs, startServer } from "./server_process.mjs";
import assert from "node:assert/strict";

let Redis;
try {
  ({ default: Redis } = await import("ioredis"));
} catch (e) {
  console.error(`ioredis is not installed (run npm ci in tests/node): ${e.message}`);
  process.exit(SKIP);
}

const target = parseArgs();
const { kind } = target;


async function main() {
  const server = await startServer(target, "ioredis");
  const redis = new Redis({ port: server.port, host: "127.0.0.1" });
  const sub = new Redis({ port: server.port, host: "127.0.0.1" });
  try {
    // defineCommand: the first call is an EVALSHA the server does not know (NOSCRIPT),
    // which ioredis answers with EVAL; later calls hit the cache.
    await redis.script("FLUSH");
    redis.defineCommand("incrAndGet", {
      numberOfKeys: 1,
      lua: "redis.call('INCRBY', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('GET', KEYS[1])}",
    });
    assert.deepEqual(await redis.incrAndGet("io:n", 5), ["io:n", "5"]);
    assert.deepEqual(await redis.incrAndGet("io:n", 2), ["io:n", "7"]);
    const piped = await redis.pipeline().incrAndGet("io:n", 1).incrAndGet("io:n", 1).exec();
    assert.deepEqual(piped, [[null, ["io:n", "8"]], [null, ["io:n", "9"]]]);
    await redis.set("io:s", "x");
    await assert.rejects(redis.eval("return redis.call('INCR', KEYS[1])", 1, "io:s"),
                         /ERR value is not an integer or out of range script: /);

    // Pub/sub: a channel and a pattern, in publication order.
    const got = [];
    const done = new Promise((resolve) => {
      sub.on("message", (channel, message) => { got.push(`${channel}:${message}`); if (got.length === 6) resolve(); });
      sub.on("pmessage", (pattern, channel, message) => { got.push(`${pattern}>${channel}:${message}`); if (got.length === 6) resolve(); });
    });
    assert.equal(await sub.subscribe("io:ch"), 1);
    assert.equal(await sub.psubscribe("io:p.*"), 2);
    for (let i = 0; i < 3; i++) assert.equal(await redis.publish("io:ch", `m${i}`), 1);
    for (let i = 0; i < 3; i++) assert.equal(await redis.publish("io:p.x", `p${i}`), 1);
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only got ${got}`)), 10000))]);
    assert.deepEqual(got, ["io:ch:m0", "io:ch:m1", "io:ch:m2", "io:p.*>io:p.x:p0", "io:p.*>io:p.x:p1", "io:p.*>io:p.x:p2"]);
    await redis.del("io:n", "io:s");
    console.log(`ioredis against ${kind}: all checks passed`);
  } finally {
    redis.disconnect();
    sub.disconnect();
    await server.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
