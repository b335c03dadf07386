"""A local stand-in for a RunPod-style serverless endpoint, to run a handler
the way the tracker's push dispatch calls it, without the provider:
POST /run {"input": {...}} answers {"id", "status": "IN_QUEUE"} and runs
handler(event) on a thread; POST /cancel/{id} answers "CANCELLED" (a running
handler learns of the cancel from its next report, as JobCanceled).

    endpoint = serve(handler, port=8000)   # GPU_ENDPOINTS=http://127.0.0.1:8000
"""

import http.server
import json
import threading
import uuid


class LocalEndpoint:
    def __init__(self, server):
        self.server = server
        self.url = f"http://{server.server_address[0]}:{server.server_address[1]}"
        # Run id -> the handler's return value (or "error: ..."), once it ended.
        self.results = {}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def serve(handler, host="127.0.0.1", port=8000):
    """Starts the endpoint on a background thread; answers a LocalEndpoint (close() stops it)."""
    endpoint = None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path == "/run":
                try:
                    event = json.loads(body)
                except ValueError:
                    return self._answer(400, {"error": "the body is not JSON"})
                run_id = uuid.uuid4().hex
                threading.Thread(target=self._run, args=(run_id, event), daemon=True).start()
                return self._answer(200, {"id": run_id, "status": "IN_QUEUE"})
            if self.path.startswith("/cancel/"):
                return self._answer(200, {"id": self.path[len("/cancel/"):], "status": "CANCELLED"})
            self._answer(404, {"error": "not found"})

        def _run(self, run_id, event):
            try:
                endpoint.results[run_id] = handler(event)
            except Exception as err:  # a provider reports a crashed handler as a failed run
                endpoint.results[run_id] = f"error: {err}"

        def _answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    endpoint = LocalEndpoint(server)
    threading.Thread(target=server.serve_forever, name="local-endpoint", daemon=True).start()
    return endpoint
