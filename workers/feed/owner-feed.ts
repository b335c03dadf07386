/**
 * OwnerFeed: one Durable Object per owner that pushes every change of that
 * owner's jobs to the job lists watching it. Each ExportJobState notifies it
 * after an update; it keeps nothing but the sockets, which it asks of the
 * runtime every time (hibernation API), so it can sleep between updates.
 */
import { DurableObject } from "cloudflare:workers";
import { answerClose } from "../http/socket-close";
import { log } from "../log";
import type { FeedMessage } from "../protocol";

export class OwnerFeed extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The WebSocket endpoint; the route has already checked the viewer token. */
  override async fetch(_request: Request): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends `message` to every list watching this owner. */
  async publish(message: FeedMessage): Promise<void> {
    const frame = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(frame);
      } catch {
        // getWebSockets() can include sockets that are closing.
      }
    }
  }

  override async webSocketMessage(): Promise<void> {
    // Lists only listen; "ping" is answered by the runtime.
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    log.warn("feed.socket_error", { owner: this.ctx.id.name, error });
  }
}
