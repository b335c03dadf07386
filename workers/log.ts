/**
 * Structured logs: one JSON object a line. Fields whose names look like
 * credentials are replaced before anything is written, so a token passed by
 * mistake never reaches the log.
 */
type Fields = Record<string, unknown>;

const SECRET_FIELD = /token|secret|authorization|password|api_?key|sig(nature)?$/i;

/** A copy of `fields` with credential-like values masked, recursively. */
export function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = "[redacted]";
    else if (value && typeof value === "object" && !Array.isArray(value)) out[key] = redact(value as Fields);
    else out[key] = value;
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
