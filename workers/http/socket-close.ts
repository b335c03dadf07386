/**
 * Answering a WebSocket close from a hibernating Durable Object: the runtime
 * does not do it locally, and the codes 1005, 1006 and 1015 cannot be sent back.
 */

/** Closes `ws` in answer to the client's close with `code` and `reason`. */
export function answerClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}
