"""One attempt of one job, reported through its callback URL and token:
progress, heartbeat, upload, complete, fail, release. Every answer says whether the
job was canceled; then JobCanceled is raised."""

import contextlib
import json
import threading
import urllib.parse

from .errors import JobCanceled
from .http import RetryPolicy, refusal, send


class JobAttempt:
    def __init__(self, job_id, callback_url, token, retry=None, on_retry=None):
        self.job_id = job_id
        self.callback_url = callback_url.rstrip("/")
        self.token = token
        self.retry = retry or RetryPolicy()
        self.on_retry = on_retry
        self.finished = False

    @classmethod
    def from_event(cls, event, **options):
        """From a push dispatch's event: {"input": {job_id, callback: {url, token}, input, ...}} (or its "input" itself)."""
        job = event.get("input", event) if "callback" not in event else event
        return cls(job["job_id"], job["callback"]["url"], job["callback"]["token"], **options)

    def _call(self, name, method="POST", body=None, content_type=None, query=""):
        headers = {"authorization": f"Bearer {self.token}"}
        if content_type:
            headers["content-type"] = content_type
        what = f"{name} {self.job_id}"
        status, answer = send(what, method, f"{self.callback_url}/{name}{query}", self.retry, headers, body, on_retry=self.on_retry)
        if isinstance(answer, dict) and answer.get("canceled"):
            raise JobCanceled(f"job {self.job_id} was canceled")
        if status >= 400 or not isinstance(answer, dict):
            raise refusal(what, status, answer)
        return answer

    def _post_json(self, name, fields):
        body = json.dumps({k: v for k, v in fields.items() if v is not None}).encode()
        return self._call(name, body=body, content_type="application/json")

    def progress(self, percent=None, done=None, total=None, stage=None, message=None):
        """Either percent (0-100), or done and total units; stage and message are shown to viewers."""
        return self._post_json("progress", {"percent": percent, "done": done, "total": total, "stage": stage, "message": message})

    def heartbeat(self):
        return self._call("heartbeat")

    def upload(self, data, content_type, filename=None):
        """Uploads the output (bytes or str) in one PUT."""
        body = data.encode() if isinstance(data, str) else bytes(data)
        query = "" if filename is None else "?" + urllib.parse.urlencode({"filename": filename})
        return self._call("output", method="PUT", body=body, content_type=content_type, query=query)

    def complete(self, message=None):
        answer = self._post_json("complete", {"message": message})
        self.finished = True
        return answer

    def fail(self, error, retryable=False):
        """Reports a failure; retryable puts the job back in the queue as a new attempt while attempts remain."""
        answer = self._post_json("error", {"error": str(error)[:2000] or "failed", "retryable": retryable})
        self.finished = True
        return answer

    def release(self, reason=None):
        """Hands the job back (e.g. on SIGTERM): queued again at once for another worker, costing no attempt."""
        answer = self._post_json("release", {"reason": reason})
        self.finished = True
        return answer

    @contextlib.contextmanager
    def heartbeats(self, every=20.0):
        """Heartbeats from a background thread while the block runs (quiet work such as an encode)."""
        stop = threading.Event()

        def beat():
            while not stop.wait(every):
                try:
                    self.heartbeat()
                except Exception:  # the next callback reports what is wrong
                    pass

        thread = threading.Thread(target=beat, name=f"heartbeat-{self.job_id}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
