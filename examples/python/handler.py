import json

from export_tracker import JobAttempt, JobCanceled


def handler(event):
    # Push dispatch sends {"input": {"job_id", "kind", "attempt", "input", "callback": {"url", "token", "attempt"}}}.
    job = event["input"]
    attempt = JobAttempt.from_event(event)
    try:
        with attempt.heartbeats(every=20):  # a background thread says "alive" during quiet work
            frames = 4
            for frame in range(1, frames + 1):
                # ... render frame `frame` of job["input"] here ...
                attempt.progress(done=frame, total=frames, stage="render")  # raises JobCanceled once canceled
            attempt.upload(f"a video of {json.dumps(job['input'])}\n", "video/mp4", "render.mp4")
            attempt.complete()
    except JobCanceled:
        return {"status": "canceled"}
    return {"status": "completed"}


if __name__ == "__main__":
    import runpod  # on RunPod's serverless workers

    runpod.serverless.start({"handler": handler})
