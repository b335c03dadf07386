/**
 * What a test socket received: every JSON message in order (keep-alive
 * "pong"s left out), and a wait for the first one that matches.
 */
export interface SocketMessages<M> {
  messages: M[];
  /** Resolves with the first message received (before or after the call) that matches. */
  waitFor<T extends M = M>(match: (m: M) => boolean, timeoutMs?: number): Promise<T>;
}

export function collectMessages<M>(ws: WebSocket, defaultTimeoutMs = 3000): SocketMessages<M> {
  const messages: M[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    if (event.data === "pong") return;
    messages.push(JSON.parse(event.data as string) as M);
    for (const listener of listeners) listener();
  });
  return {
    messages,
    waitFor<T extends M>(match: (m: M) => boolean, timeoutMs = defaultTimeoutMs) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found as T);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching message; got ${JSON.stringify(messages).slice(0, 2000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
