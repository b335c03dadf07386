import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signDownloadUrl } from "../../workers/auth/download-link";
import { api, callback, createJob, getJob, uploadOutput, withKey } from "../helpers";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

/** A completed job with `data` as its output; returns its download path. */
async function completedWith(data: Uint8Array, contentType = "video/mp4", query = "") {
  const created = await createJob();
  expect((await uploadOutput(created, data, contentType, query)).status).toBe(200);
  await callback(created, "complete", {});
  const job = await getJob(created.job.id);
  const link = new URL(job.download!.url);
  return { created, job, path: link.pathname + link.search };
}

describe("output upload", () => {
  it("streams the bytes into R2 with their content type and size", async () => {
    const data = bytes(4096);
    const created = await createJob();
    const res = await uploadOutput(created, data, "video/webm");
    expect(await res.json()).toMatchObject({ ok: true, status: "running" });
    const job = await getJob(created.job.id);
    expect(job.output).toMatchObject({ size: 4096, content_type: "video/webm", filename: `${created.job.id}.webm` });
    const stored = await env.OUTPUTS.get(`outputs/${created.job.id}/attempt-1`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(data);
    expect(stored!.httpMetadata?.contentType).toBe("video/webm");
  });

  it("refuses an output over the size cap before storing anything", async () => {
    const created = await createJob();
    const res = await api(`/api/jobs/${created.job.id}/callbacks/output`, {
      method: "PUT",
      headers: { authorization: `Bearer ${created.callback.token}`, "content-length": String(2 * 1024 * 1024) },
      body: bytes(2 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("output_too_large");
    expect(await env.OUTPUTS.head(`outputs/${created.job.id}/attempt-1`)).toBeNull();
    expect((await getJob(created.job.id)).status).toBe("queued");
  });

  it("refuses an upload from a canceled job and tells the worker to stop", async () => {
    const created = await createJob();
    await api(`/api/jobs/${created.job.id}/cancel`, { method: "POST", headers: withKey() });
    const res = await uploadOutput(created, bytes(10));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ canceled: true });
    expect(await env.OUTPUTS.head(`outputs/${created.job.id}/attempt-1`)).toBeNull();
  });
});

describe("GET /api/jobs/:id/download", () => {
  it("serves the whole file with ETag, length and Content-Disposition", async () => {
    const data = bytes(1000);
    const { path } = await completedWith(data, "video/mp4", "?filename=intro.mp4");
    const res = await api(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("content-length")).toBe("1000");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="intro.mp4"');
    expect(res.headers.get("etag")).toMatch(/^".+"$/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
  });

  it("serves a byte range with 206 and Content-Range", async () => {
    const data = bytes(1000);
    const { path } = await completedWith(data);
    const res = await api(path, { headers: { range: "bytes=100-199" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data.slice(100, 200));

    const tail = await api(path, { headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(data.slice(990));
  });

  it("answers 416 for a range past the end", async () => {
    const { path } = await completedWith(bytes(100));
    const res = await api(path, { headers: { range: "bytes=500-" } });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe("bytes */100");
  });

  it("answers 304 when the client already has the same version", async () => {
    const { path } = await completedWith(bytes(100));
    const etag = (await api(path)).headers.get("etag")!;
    const res = await api(path, { headers: { "if-none-match": etag } });
    expect(res.status).toBe(304);
  });

  it("refuses an expired link", async () => {
    const { created } = await completedWith(bytes(10));
    const old = await signDownloadUrl(env.SIGNING_SECRET, "https://tracker.test", created.job.id, Date.now() - 7200_000, 3600);
    const link = new URL(old.url);
    const res = await api(link.pathname + link.search);
    expect(res.status).toBe(403);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("link_expired");
  });

  it("refuses a tampered signature and a link moved to another job", async () => {
    const a = await completedWith(bytes(10));
    const b = await completedWith(bytes(10));
    const tampered = a.path.replace(/sig=(.)/, (_m, ch: string) => `sig=${ch === "A" ? "B" : "A"}`);
    expect((await api(tampered)).status).toBe(403);
    const moved = a.path.replace(a.created.job.id, b.created.job.id);
    expect((await api(moved)).status).toBe(403);
  });

  it("redirects the owner's API key to a fresh signed link, and refuses anyone else", async () => {
    const { created } = await completedWith(bytes(10));
    const res = await api(`/api/jobs/${created.job.id}/download`, { headers: withKey(), redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/\/download\?expires=\d+&sig=/);
    expect((await api(`/api/jobs/${created.job.id}/download`)).status).toBe(401);
  });

  it("answers 404 while the job has no output", async () => {
    const created = await createJob();
    const link = await signDownloadUrl(env.SIGNING_SECRET, "https://tracker.test", created.job.id, Date.now(), 60);
    const url = new URL(link.url);
    const res = await api(url.pathname + url.search);
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("no_output");
  });
});
