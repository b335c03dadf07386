"""The errors a worker sees: a canceled job, a refusal, a failure the handler chooses."""


class JobCanceled(Exception):
    """The job was canceled (or finished elsewhere): stop working on it."""


class ProtocolError(Exception):
    """The tracker refused a request for good (4xx other than 408/429), or retries ran out (status None)."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


class JobFailed(Exception):
    """Raise from a handler to fail the attempt with this message; retryable=False fails the job for good."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable
