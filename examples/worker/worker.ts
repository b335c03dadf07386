import { WorkerClient } from "@export-tracker/worker";

// WORKER_KEY: a worker key (wk_...) of the owner whose jobs this machine runs.
const client = new WorkerClient({
  baseUrl: process.env.TRACKER_URL!,
  workerKey: process.env.WORKER_KEY!,
  worker: "gpu-07",
  onRetry: (what, attempt, reason) => console.log(`retrying ${what} (${attempt}): ${reason}`),
});

// Leases pull jobs one after another until the process stops; heartbeats run in the background.
await client.work({ kinds: ["video.render"], onEvent: (event) => console.log(JSON.stringify(event)) }, async (attempt, lease) => {
  const frames = 4;
  for (let frame = 1; frame <= frames; frame++) {
    // ... render frame `frame` of lease.job.input here ...
    await attempt.progress({ done: frame, total: frames, stage: "render" }); // throws JobCanceled once canceled
  }
  const video = new TextEncoder().encode(`a video of ${JSON.stringify(lease.job.input)}\n`);
  await attempt.upload(video, "video/mp4", "render.mp4");
  // Returning completes the job; throwing fails this attempt (retried while attempts remain).
});
