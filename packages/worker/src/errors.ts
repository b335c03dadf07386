/** The errors a worker sees: a canceled job, a refusal, and a failure the handler chooses. */

/** The job was canceled (or finished elsewhere): stop working on it. */
export class JobCanceled extends Error {
  override name = "JobCanceled";
}

/** The tracker refused a request for good (4xx other than 408/429), or retries ran out (status null). */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** What a request that ran out of retries throws: a ProtocolError without a status. */
export const transportError = (message: string): ProtocolError => new ProtocolError(message, null, null);

/** Throw from a handler to fail the attempt with this message; `retryable: false` fails the job for good. */
export class JobFailed extends Error {
  override name = "JobFailed";
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}
