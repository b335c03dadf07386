/**
 * A browser's text frame to a hibernating object (a job's or a batch's socket), read against the
 * one message it may send: the message, or null for anything else (binary, not JSON, another
 * shape), which the object answers as a bad message.
 */
export function parseClientFrame<T>(
  data: string | ArrayBuffer,
  schema: { safeParse(value: unknown): { success: boolean; data?: T } },
): T | null {
  if (typeof data !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  const message = schema.safeParse(parsed);
  return message.success ? (message.data as T) : null;
}
