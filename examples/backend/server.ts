import { createServer } from "node:http";
import { TrackerClient, type JobStatus } from "@export-tracker/backend";

// The API key (sk_...) stays on your server; browsers get short-lived viewer tokens.
const tracker = new TrackerClient({ baseUrl: process.env.TRACKER_URL!, apiKey: process.env.TRACKER_API_KEY! });

createServer(async (req, res) => {
  const url = new URL(req.url!, "http://backend");
  try {
    if (req.method === "POST" && url.pathname === "/my-backend/exports") {
      // Check your user here. The order id as Idempotency-Key: a repeated click gets the same job.
      const order = url.searchParams.get("order")!;
      const { job } = await tracker.createJob(
        { kind: "video.render", input: { order }, dispatch: "pull" },
        { idempotencyKey: `export-${order}` },
      );
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: job.id }));
    } else if (req.method === "GET" && url.pathname === "/my-backend/export-token") {
      const { token } = await tracker.viewerToken({ job_id: url.searchParams.get("job")!, ttl_seconds: 600 });
      res.writeHead(200, { "content-type": "text/plain" }).end(token);
    } else if (req.method === "GET" && url.pathname === "/my-backend/jobs") {
      // The list's pages; the tracker validates the status and cursor.
      const status = (url.searchParams.get("status") ?? undefined) as JobStatus | undefined;
      const page = await tracker.listJobs({ status, cursor: url.searchParams.get("cursor") ?? undefined });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page));
    } else if (req.method === "GET" && url.pathname === "/my-backend/feed-token") {
      // No job_id: a token for the live feed of all this owner's jobs.
      const { token } = await tracker.viewerToken({ ttl_seconds: 600 });
      res.writeHead(200, { "content-type": "text/plain" }).end(token);
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
}).listen(Number(process.env.PORT ?? 3000));
