/**
 * `npm run bench -- --profile DIR`: a CPU profile of the tracker's workerd per
 * scenario, taken through wrangler's inspector port (the V8 inspector
 * protocol: Profiler.start / Profiler.stop), written as DIR/<scenario>.cpuprofile
 * (open it in Chrome DevTools or speedscope) and summed up as the functions
 * holding most samples. Sampling slows the tracker, so figures from a profiled
 * run are not comparable with a plain one: profile to find where time goes,
 * then measure without it. Shares are of samples, not of sampled time: on a
 * busy machine the sampler itself is descheduled and the time deltas lie.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./servers";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** One inspector session on the tracker's Worker. */
export class Profiler {
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const message = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result ?? message.error);
    });
  }

  /** Connects to the Worker's target on `inspectorPort` (wrangler's proxy wants a local Origin). */
  static async connect(inspectorPort: number): Promise<Profiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    if (!targets[0]) throw new Error(`no inspector target on port ${inspectorPort}`);
    const NodeWebSocket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
    const ws = new NodeWebSocket(targets[0].webSocketDebuggerUrl, { headers: { origin: "http://127.0.0.1" } });
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve);
      ws.addEventListener("error", () => reject(new Error("the inspector refused the connection")));
    });
    const profiler = new Profiler(ws);
    await profiler.send("Profiler.enable");
    await profiler.send("Profiler.setSamplingInterval", { interval: 200 });
    return profiler;
  }

  private send(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  start(): Promise<unknown> {
    return this.send("Profiler.start");
  }

  /** Stops sampling; writes DIR/<name>.cpuprofile and answers the summary lines. */
  async stop(dir: string, name: string): Promise<string[]> {
    const { profile } = (await this.send("Profiler.stop")) as { profile: CpuProfile };
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    copyBundle(join(dir, "entry.js"));
    return [`profile: ${file} (lines are of ${join(dir, "entry.js")}); most samples (self):`, ...topFunctions(profile, 12)];
  }

  close(): void {
    this.ws.close();
  }
}

/** Copies the tracker's bundle as wrangler built it (the profile's lines refer to it; wrangler deletes it on exit). */
function copyBundle(to: string): void {
  const tmp = join(ROOT, ".wrangler/tmp");
  const newest = readdirSync(tmp)
    .filter((d) => d.startsWith("dev-"))
    .map((d) => join(tmp, d, "entry.js"))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (newest) copyFileSync(newest, to);
}

/** The `count` functions with the most samples of their own, as "share name (file:line)". */
export function topFunctions(profile: CpuProfile, count: number): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byNode.get(id)?.callFrame;
    if (!frame) continue;
    const key = `${frame.functionName || "(anonymous)"} (${frame.url.split("/").at(-1) || "native"}:${frame.lineNumber + 1})`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length || 1;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, n]) => `  ${((n / total) * 100).toFixed(1).padStart(5)} % ${key}`);
}
