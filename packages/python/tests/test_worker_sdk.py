"""The Python SDK against a real `wrangler dev` (TRACKER_URL, TRACKER_API_KEY,
WORKER_KEY, set by test/packages/installed-packages.test.ts), and its retry rule against
a local server that fails first."""

import http.server
import json
import os
import sys
import threading
import time
import unittest
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "packages/python/src"))
sys.path.insert(0, str(ROOT / "examples/python"))

from export_tracker import JobAttempt, JobCanceled, JobFailed, RetryPolicy, WorkerClient  # noqa: E402
from export_tracker.endpoint import serve  # noqa: E402
from export_tracker.http import backoff_seconds  # noqa: E402

URL = os.environ.get("TRACKER_URL")
API_KEY = os.environ.get("TRACKER_API_KEY")
WORKER_KEY = os.environ.get("WORKER_KEY")
# The port of the tracker's GPU_ENDPOINTS (http://127.0.0.1:PORT), when it was started with one.
GPU_ENDPOINT_PORT = os.environ.get("GPU_ENDPOINT_PORT")
FAST = RetryPolicy(tries=4, base_delay=0.01, max_delay=0.05, timeout=10)


def api(method, path, body=None, key=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{URL}{path}", data=data, method=method,
                                     headers={"authorization": f"Bearer {key or API_KEY}", "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as res:
        return json.loads(res.read() or b"null")


def push_event(created):
    """The body push dispatch POSTs to {endpoint}/run for this job."""
    job = created["job"]
    return {"input": {"job_id": job["id"], "kind": job["kind"], "attempt": job["attempt"],
                      "input": job["input"], "callback": created["callback"]}}


@unittest.skipUnless(URL and API_KEY and WORKER_KEY, "needs TRACKER_URL, TRACKER_API_KEY and WORKER_KEY of a running tracker")
class AgainstDevServer(unittest.TestCase):
    def test_the_readme_handler_runs_a_push_style_event_to_a_download(self):
        import handler

        created = api("POST", "/api/jobs", {"kind": "video.render", "input": {"scene": "intro"}})
        self.assertEqual(handler.handler(push_event(created)), {"status": "completed"})
        job = api("GET", f"/api/jobs/{created['job']['id']}")["job"]
        self.assertEqual(job["status"], "completed")
        self.assertEqual(job["progress"]["percent"], 100)
        with urllib.request.urlopen(job["download"]["url"], timeout=30) as res:
            self.assertEqual(res.read(), b'a video of {"scene": "intro"}\n')

    @unittest.skipUnless(GPU_ENDPOINT_PORT, "needs GPU_ENDPOINT_PORT, the port of the tracker's GPU_ENDPOINTS")
    def test_push_dispatch_runs_the_readme_handler_behind_a_local_endpoint(self):
        import handler

        endpoint = serve(handler.handler, port=int(GPU_ENDPOINT_PORT))
        try:
            job_id = api("POST", "/api/jobs", {"kind": "video.render", "dispatch": "push", "input": {"scene": "push"}})["job"]["id"]
            deadline = time.monotonic() + 60
            while api("GET", f"/api/jobs/{job_id}")["job"]["status"] != "completed":
                self.assertLess(time.monotonic(), deadline, "the pushed job did not complete within 60 s")
                time.sleep(0.2)
            self.assertEqual(list(endpoint.results.values()), [{"status": "completed"}])
            job = api("GET", f"/api/jobs/{job_id}")["job"]
            with urllib.request.urlopen(job["download"]["url"], timeout=30) as res:
                self.assertEqual(res.read(), b'a video of {"scene": "push"}\n')
        finally:
            endpoint.close()

    def test_a_canceled_job_raises_job_canceled_at_the_next_report(self):
        created = api("POST", "/api/jobs", {"kind": "video.render"})
        attempt = JobAttempt.from_event(push_event(created), retry=FAST)
        attempt.progress(percent=10)
        api("POST", f"/api/jobs/{created['job']['id']}/cancel", {"reason": "user changed their mind"})
        with self.assertRaises(JobCanceled):
            attempt.progress(percent=20)

    def test_a_released_attempt_puts_the_job_back_without_spending_an_attempt(self):
        created = api("POST", "/api/jobs", {"kind": "video.render", "max_attempts": 1})
        attempt = JobAttempt.from_event(push_event(created), retry=FAST)
        attempt.progress(percent=10)
        self.assertEqual(attempt.release("draining")["status"], "queued")
        job = api("GET", f"/api/jobs/{attempt.job_id}")["job"]
        self.assertEqual((job["status"], job["attempt"], job["max_attempts"]), ("queued", 2, 2))

    def test_the_background_heartbeat_reaches_the_job(self):
        created = api("POST", "/api/jobs", {"kind": "video.render"})
        attempt = JobAttempt.from_event(push_event(created), retry=FAST)
        attempt.progress(percent=5)
        before = api("GET", f"/api/jobs/{attempt.job_id}")["job"]["last_heartbeat_at"]
        beat = threading.Event()
        original = attempt.heartbeat
        attempt.heartbeat = lambda: (original(), beat.set())[0]
        with attempt.heartbeats(every=0.05):
            self.assertTrue(beat.wait(10))
        self.assertGreater(api("GET", f"/api/jobs/{attempt.job_id}")["job"]["last_heartbeat_at"], before)

    def test_the_lease_loop_completes_a_pull_job_and_fails_one_whose_handler_raises(self):
        ok = api("POST", "/api/jobs", {"kind": "py.ok", "dispatch": "pull"})["job"]["id"]
        bad = api("POST", "/api/jobs", {"kind": "py.bad", "dispatch": "pull", "max_attempts": 1})["job"]["id"]
        client = WorkerClient(URL, WORKER_KEY, worker="python-test", retry=FAST)
        outcomes = {}
        for kind in ("py.ok", "py.bad"):
            lease = client.lease(kinds=[kind], wait_seconds=5)
            self.assertIsNotNone(lease)

            def run(attempt, lease):
                if lease.kind == "py.bad":
                    raise JobFailed("the scene file is corrupt")
                attempt.progress(done=1, total=1, stage="render")
                attempt.upload(b"bytes", "application/octet-stream", "out.bin")

            outcomes[lease.job_id] = client.run_one(run, lease)
        self.assertEqual(outcomes, {ok: "completed", bad: "failed"})
        self.assertEqual(api("GET", f"/api/jobs/{ok}")["job"]["status"], "completed")
        failed = api("GET", f"/api/jobs/{bad}")["job"]
        self.assertEqual((failed["status"], failed["error"]["message"]), ("failed", "the scene file is corrupt"))

    def test_a_lease_with_no_work_answers_none(self):
        client = WorkerClient(URL, WORKER_KEY, retry=FAST)
        self.assertIsNone(client.lease(kinds=["py.nothing-of-this-kind"], wait_seconds=0))


class FlakyTracker(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first two requests, then a callback answer."""

    calls = 0

    def do_POST(self):
        FlakyTracker.calls += 1
        self.rfile.read(int(self.headers.get("content-length") or 0))
        status, body = (503, {}) if FlakyTracker.calls <= 2 else (200, {"ok": True, "job_id": "j", "status": "running", "attempt": 1, "canceled": False})
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class Retries(unittest.TestCase):
    def test_a_report_is_retried_after_5xx_until_it_lands(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyTracker)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            retries = []
            attempt = JobAttempt("j", f"http://127.0.0.1:{server.server_port}/api/jobs/j/callbacks", "t", FAST,
                                 on_retry=lambda what, n, reason: retries.append(reason))
            self.assertTrue(attempt.progress(percent=50)["ok"])
            self.assertEqual(retries, ["HTTP 503", "HTTP 503"])
        finally:
            server.shutdown()
            server.server_close()

    def test_backoff_doubles_and_is_capped(self):
        policy = RetryPolicy(base_delay=1, max_delay=5)
        self.assertEqual([backoff_seconds(n, policy, rand=lambda: 0) for n in (1, 2, 3, 4)], [1, 2, 4, 5])


if __name__ == "__main__":
    unittest.main()
