"""export_tracker: the GPU worker's SDK for the export-job tracker (standard library only).

    from export_tracker import JobAttempt, JobCanceled, WorkerClient

    # Push (a RunPod-style handler): the event carries the job and its callback.
    attempt = JobAttempt.from_event(event)
    # Pull: lease with a worker key.
    client = WorkerClient(base_url, worker_key, worker="gpu-07")
    client.work(handle, kinds=["video.render"])
"""

from .attempt import JobAttempt
from .errors import JobCanceled, JobFailed, ProtocolError
from .http import RetryPolicy
from .worker import Lease, WorkerClient

__all__ = ["JobAttempt", "JobCanceled", "JobFailed", "Lease", "ProtocolError", "RetryPolicy", "WorkerClient"]
