"""Pull mode: lease the owner's jobs with a worker key and run them; work()
is the lease loop (heartbeats in the background, complete on return, fail
on an exception, move on after JobCanceled)."""

import json
import threading
from dataclasses import dataclass

from .attempt import JobAttempt
from .errors import JobCanceled, JobFailed, ProtocolError
from .http import RetryPolicy, refusal, send


@dataclass
class Lease:
    job_id: str
    kind: str
    input: object
    attempt: int
    callback: dict
    heartbeat_timeout_seconds: float
    canceled: bool


class WorkerClient:
    def __init__(self, base_url, worker_key, worker="python-worker", retry=None, on_retry=None):
        self.base_url = base_url.rstrip("/")
        self.worker_key = worker_key
        self.worker = worker
        self.retry = retry or RetryPolicy()
        self.on_retry = on_retry

    def lease(self, kinds=None, wait_seconds=25):
        """Long-polls for the next job; None when none came within wait_seconds."""
        body = {"worker": self.worker, "wait_seconds": wait_seconds}
        if kinds is not None:
            body["kinds"] = list(kinds)
        headers = {"authorization": f"Bearer {self.worker_key}", "content-type": "application/json"}
        status, answer = send(
            "lease", "POST", f"{self.base_url}/api/worker/lease", self.retry, headers, json.dumps(body).encode(),
            timeout=self.retry.timeout + wait_seconds, on_retry=self.on_retry,
        )
        if status == 204:
            return None
        if status >= 400 or not isinstance(answer, dict):
            raise refusal("lease", status, answer)
        job = answer["job"]
        return Lease(job["id"], job["kind"], job["input"], job["attempt"], answer["callback"],
                     answer["lease"]["heartbeat_timeout_seconds"], answer["canceled"])

    def attempt(self, lease):
        return JobAttempt(lease.job_id, lease.callback["url"], lease.callback["token"], self.retry, self.on_retry)

    def work(self, handler, kinds=None, stop=None):
        """Leases and runs jobs until `stop` (a threading.Event) is set; handler(attempt, lease)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                lease = self.lease(kinds)
            except ProtocolError as err:
                if err.status in (401, 403):
                    raise
                stop.wait(2)
                continue
            if lease:
                self.run_one(handler, lease)

    def run_one(self, handler, lease):
        """Runs one leased attempt to its end; answers "completed", "canceled" or "failed"."""
        attempt = self.attempt(lease)
        try:
            with attempt.heartbeats(max(1.0, lease.heartbeat_timeout_seconds / 3)):
                if lease.canceled:
                    raise JobCanceled(f"job {lease.job_id} was canceled")
                handler(attempt, lease)
                if not attempt.finished:
                    attempt.complete()
            return "completed"
        except JobCanceled:
            return "canceled"
        except Exception as err:  # the handler's failure is the attempt's
            if not attempt.finished:
                retryable = err.retryable if isinstance(err, JobFailed) else True
                try:
                    attempt.fail(str(err) or type(err).__name__, retryable=retryable)
                except (ProtocolError, JobCanceled):
                    pass
            return "failed"
