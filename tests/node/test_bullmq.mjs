#!/usr/bin/env node
// Real-application test: BullMQ (npm) against strata-server or redis-server. A Queue adds
// 1,000 jobs, two Workers process them, all complete exactly once, a delayed job runs after
// its delay, and QueueEvents sees every `completed` event. BullMQ is Lua scripts around
// lists, sorted sets and hashes, BZPOPMIN for idle workers, and a stream for the events: its
// scripts XADD to bull:<queue>:events (some with MAXLEN ~ 10000) and XTRIM it (MAXLEN ~), and
// QueueEvents reads it with XREAD BLOCK.
//
//   node tests/node/test_bullmq.mjs --server redis
//   node tests/node/test_bullmq.mjs --server strata --strata-binary build/strata-server
//
// Exit status 77: bullmq is not installed (npm ci in tests/node) or redis-server is
// missing; ctest reports that as skipped. The server is started here on a free loopback
// port and stopped by its PID.
import { SKIP, parseArgs, startServer } from "./server_process.mjs";
import assert from "node:assert/strict";

let Queue, Worker, QueueEvents;
try {
  ({ Queue, Worker, QueueEvents } = await import("bullmq"));
} catch (e) {
  console.error(`bullmq is not installed (run npm ci in tests/node): ${e.message}`);
  process.exit(SKIP);
}

const target = parseArgs();
const { kind } = target;

const JOBS = 1000;
const DELAY_MS = 1500;
const DEADLINE_MS = 90000; // the whole run, start to stop; a pass against redis takes a few s


// Rejects after `ms` with `what` (a function: the state when the time runs out), so no wait
// below can outlast the run.
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(server) {
  // Workers and QueueEvents block (BZPOPMIN, XREAD BLOCK), so their connections must not
  // give up on a command after N retries: BullMQ insists on maxRetriesPerRequest: null.
  const connection = { host: "127.0.0.1", port: server.port, maxRetriesPerRequest: null };
  const name = "strata-bullmq";
  const errors = []; // 'error' events; without a listener they would crash the process
  const onError = (who) => (e) => errors.push(`${who}: ${e.message}`);

  const runs = new Map(); // job id -> times a processor ran it
  const byWorker = [0, 0];
  let delayedRan = null; // { addedAt, ranAt } of the delayed job
  const processor = (w) => async (job) => {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    byWorker[w]++;
    if (job.data.delayed) delayedRan = { addedAt: job.data.addedAt, ranAt: Date.now() };
    return { n: job.data.n, doubled: job.data.n * 2 };
  };

  const queue = new Queue(name, { connection });
  // lastEventId "0": read the events stream from its start, so no event can slip past
  // between this constructor and its first XREAD (the default, "$", would race the adds).
  const events = new QueueEvents(name, { connection, lastEventId: "0" });
  const workers = [0, 1].map((w) => new Worker(name, processor(w), { connection, concurrency: 8 }));
  queue.on("error", onError("queue"));
  events.on("error", onError("queue events"));
  workers.forEach((w, i) => w.on("error", onError(`worker ${i}`)));

  const completed = new Map(); // job id -> returnvalue, from QueueEvents
  let completedEvents = 0; // more than one per job would be a job completed twice
  let allCompleted;
  const everyCompletion = new Promise((resolve) => { allCompleted = resolve; });
  events.on("completed", ({ jobId, returnvalue }) => {
    completedEvents++;
    completed.set(jobId, returnvalue);
    if (completed.size === JOBS + 1) allCompleted();
  });

  try {
    await within(Promise.all([queue.waitUntilReady(), events.waitUntilReady(),
                              ...workers.map((w) => w.waitUntilReady())]), 20000, () => "connections ready");
    // The delayed job first, so it waits while the others are processed.
    const addedAt = Date.now();
    const delayed = await queue.add("delayed", { delayed: true, addedAt, n: -1 }, { delay: DELAY_MS });
    // Half through addBulk (one pipeline of script calls), half one add per job.
    const ids = [];
    for (let i = 0; i < JOBS / 2; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => ({ name: "job", data: { n: i + k } }));
      ids.push(...(await queue.addBulk(batch)).map((j) => j.id));
    }
    const singles = await Promise.all(Array.from({ length: JOBS / 2 }, (_, k) => queue.add("job", { n: JOBS / 2 + k })));
    ids.push(...singles.map((j) => j.id));
    assert.equal(new Set([...ids, delayed.id]).size, JOBS + 1, "job ids are not distinct");

    await within(everyCompletion, 60000, () =>
      `QueueEvents saw ${completed.size} of ${JOBS + 1} completed events; ${runs.size} jobs ran; errors: ${errors.slice(0, 5).join("; ")}`);
    // Closing a worker waits for its running jobs, so every run is counted after this.
    await within(Promise.all(workers.map((w) => w.close())), 20000, () => "closing the workers");

    ids.forEach((id, n) => {
      assert.equal(runs.get(id), 1, `job ${id} ran ${runs.get(id) ?? 0} times`);
      assert.deepEqual(completed.get(id), { n, doubled: n * 2 }, `completed event of job ${id}`);
    });
    assert.equal(runs.get(delayed.id), 1, `the delayed job ran ${runs.get(delayed.id) ?? 0} times`);
    assert.ok(completed.has(delayed.id), "no completed event for the delayed job");
    assert.ok(delayedRan.ranAt - delayedRan.addedAt >= DELAY_MS,
              `the delayed job ran ${delayedRan.ranAt - delayedRan.addedAt} ms after it was added (delay ${DELAY_MS} ms)`);
    assert.equal(runs.size, JOBS + 1, `${runs.size} distinct jobs ran`);
    assert.equal(completedEvents, JOBS + 1, `${completedEvents} completed events`);
    assert.ok(byWorker[0] > 0 && byWorker[1] > 0, `one worker did nothing: ${byWorker}`);
    const counts = await queue.getJobCounts("completed", "failed", "wait", "active", "delayed");
    assert.deepEqual(counts, { completed: JOBS + 1, failed: 0, wait: 0, active: 0, delayed: 0 });
    assert.deepEqual(errors, []);
    console.log(`bullmq against ${kind}: ${JOBS + 1} jobs completed once each (workers ${byWorker.join("/")}), ` +
                `delayed job ran after ${delayedRan.ranAt - delayedRan.addedAt} ms, every completed event seen`);
  } finally {
    await within(Promise.allSettled([...workers.map((w) => w.close()), events.close(), queue.close()]),
                 20000, () => "closing queue, workers and queue events").catch((e) => console.error(e.message));
  }
}

const server = await startServer(target, "bullmq");
// The last resort: whatever hangs, the run ends (and the server stops) by this deadline.
const deadline = setTimeout(() => {
  console.error(`bullmq against ${kind}: no result after ${DEADLINE_MS / 1000} s, giving up`);
  server.stop().finally(() => process.exit(1));
}, DEADLINE_MS);
let status = 0;
try {
  await main(server);
  if (!server.alive()) throw new Error(`${kind} exited during the test`);
} catch (e) {
  console.error(`bullmq against ${kind} failed: ${e.stack ?? e}`); // not e: a ReplyError holds the whole script
  status = 1;
} finally {
  clearTimeout(deadline);
  await server.stop();
}
process.exit(status);
