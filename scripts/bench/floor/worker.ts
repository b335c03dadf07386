/**
 * The bench's floor: a bare relay Durable Object per job. Per update it does
 * one storage put and one send to each hibernatable socket, nothing else, so
 * the tracker's figures can be read as a ratio to what any tracker must do.
 *
 *   POST /jobs/:id/progress   body: the report (JSON); answers {"seq": n}
 *   GET  /jobs/:id/ws         WebSocket; first frame {"type":"hello"}, then one frame per update
 *   GET  /counts              objects constructed (per job id), for the bench's idle check
 *   GET  /health
 *
 * Bench-only: it trusts its (loopback) caller and checks nothing.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  RELAY: DurableObjectNamespace<Relay>;
}

/** Constructor runs per object name: a new one after the object hibernated. */
const constructed = new Map<string, number>();

export class Relay extends DurableObject<Env> {
  private seq: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const name = ctx.id.name ?? ctx.id.toString();
    constructed.set(name, (constructed.get(name) ?? 0) + 1);
  }

  /** One update: one put, then the same text to every socket. */
  async update(report: string): Promise<number> {
    this.seq ??= ((await this.ctx.storage.get<{ seq: number }>("last"))?.seq ?? 0);
    const seq = ++this.seq;
    await this.ctx.storage.put("last", { seq, report });
    const frame = `{"type":"job:progress","seq":${seq},"job":{"progress":${report}}}`;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(frame);
      } catch {
        // Closing socket.
      }
    }
    return seq;
  }

  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.send(`{"type":"hello"}`);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code);
    } catch {
      // Already closed.
    }
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, jobs, id, action] = url.pathname.split("/");
    if (jobs === "jobs" && id && action === "progress" && request.method === "POST") {
      const seq = await env.RELAY.getByName(id).update(await request.text());
      return Response.json({ seq });
    }
    if (jobs === "jobs" && id && action === "ws") return env.RELAY.getByName(id).fetch(request);
    if (url.pathname === "/counts") return Response.json({ constructed: Object.fromEntries(constructed) });
    if (url.pathname === "/health") return Response.json({ ok: true });
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
