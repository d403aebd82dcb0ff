// What the Node library tests share: their command line (--server redis|strata
// [--strata-binary PATH], exit status 77 when redis-server is missing) and a server started
// on a free loopback port, stopped by its PID.
import { spawn, spawnSync } from "node:child_process";
import { connect, createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SKIP = 77;

// {kind, binary} from the command line; exits 77 (skipped) without redis-server, 2 on misuse.
export function parseArgs() {
  const args = process.argv.slice(2);
  const kind = args[args.indexOf("--server") + 1];
  const binary = args.includes("--strata-binary") ? args[args.indexOf("--strata-binary") + 1] : null;
  if (kind === "redis" && spawnSync("redis-server", ["--version"]).status !== 0) process.exit(SKIP);
  if (kind !== "redis" && kind !== "strata") {
    console.error("usage: --server redis|strata [--strata-binary PATH]");
    process.exit(2);
  }
  return { kind, binary };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Whether a server answers PING on `port` (a raw socket, so nothing retries behind our back).
function answersPing(port) {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    let buf = "";
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => { buf += d; if (buf.includes("\r\n")) { s.destroy(); resolve(buf.startsWith("+PONG")); } });
    s.on("error", () => resolve(false));
  });
}

// Starts redis-server or strata-server in a fresh directory and waits until it answers.
// Returns {port, alive(), stop()}; stop() resolves once the server exited and its
// directory is gone.
export async function startServer({ kind, binary }, name) {
  const dir = mkdtempSync(join(tmpdir(), `${name}-${kind}-`));
  const port = await freePort();
  const cmd = kind === "redis"
    ? ["redis-server", ["--port", `${port}`, "--bind", "127.0.0.1", "--save", "", "--dir", dir]]
    : [binary, ["--port", `${port}`, "--bind", "127.0.0.1", "--dir", dir]];
  const proc = spawn(cmd[0], cmd[1], { stdio: "ignore" });
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  // The directory goes only once the server has exited: strata-server saves a last
  // checkpoint there on SIGTERM and, like Redis, does not exit when that save fails.
  const stop = async () => {
    if (alive()) {
      proc.kill("SIGTERM");
      const timer = new Promise((resolve) => setTimeout(() => resolve("timeout"), 10000));
      if ((await Promise.race([exited, timer])) === "timeout") {
        console.error(`${kind} did not exit on SIGTERM within 10 s; killing it`);
        proc.kill("SIGKILL");
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20000;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline || !alive()) { await stop(); throw new Error(`${kind} did not start`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, alive, stop };
}
