/**
 * Structured logs: one JSON object a line. Fields whose names look like
 * credentials are replaced before anything is written, so a token passed by
 * mistake never reaches the log.
 */
type Fields = Record<string, unknown>;

const SECRET_FIELD = /token|secret|authorization|password|cookie|api[-_]?key|sig(nature)?$/i;

/** `value` with credential-like fields masked, through nested objects and arrays. */
function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return redact(value as Fields);
  }
  return value;
}

/** A copy of `fields` with credential-like values masked, recursively. */
export function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SECRET_FIELD.test(key) ? "[redacted]" : mask(value);
  }
  return out;
}

function write(level: "info" | "warn" | "error", event: string, fields: Fields) {
  const line = JSON.stringify({ level, event, ...redact(fields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write("info", event, fields),
  warn: (event: string, fields: Fields = {}) => write("warn", event, fields),
  error: (event: string, fields: Fields = {}) => write("error", event, fields),
};
