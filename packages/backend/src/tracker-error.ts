/** What the backend client throws when the tracker refuses a request or is out of reach. */
import { ErrorBody } from "@export-tracker/protocol";

export class TrackerError extends Error {
  override name = "TrackerError";
  constructor(
    message: string,
    /** The HTTP status, or null when the tracker was out of reach after retries. */
    readonly status: number | null,
    /** The API's error code (e.g. "job_not_found", "rate_limited"), when it sent one. */
    readonly code: string | null,
  ) {
    super(message);
  }

  /** The error of a refused request, from its `{"error": {code, message}}` body. */
  static fromAnswer(what: string, status: number, body: unknown): TrackerError {
    const parsed = ErrorBody.safeParse(body);
    if (!parsed.success) return new TrackerError(`${what}: HTTP ${status}`, status, null);
    const { code, message } = parsed.data.error;
    return new TrackerError(`${what}: HTTP ${status} ${code}: ${message}`, status, code);
  }
}
