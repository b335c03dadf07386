/**
 * When a batch's commit asks for its after-commit effects (the D1 list row,
 * the owner feed, the webhook outbox), and how a finish becomes a webhook message.
 */
import { describe, expect, it } from "vitest";
import { batchD1Mirror, batchOwnerFeed, batchWebhooks } from "../../workers/batches/batch-effect-list";
import type { BatchCommit } from "../../workers/batches/batch-effects";
import type { BatchEvent, BatchView } from "../../workers/protocol";
import { toBatchEventMessage } from "../../workers/webhooks/batch-handover";

const view = (patch: Partial<BatchView> = {}, percent = 0): BatchView => ({
  id: "bat_aaaaaaaaaaaaaaaaaaaaaaaaaa",
  status: "running",
  total: 2,
  counts: { queued: 1, running: 1, completed: 0, failed: 0, canceled: 0 },
  progress: { percent, eta_seconds: null, weighted_by: "jobs" },
  first_error: null,
  metadata: null,
  created_at: "2030-01-01T00:00:00.000Z",
  updated_at: "2030-01-01T00:00:00.000Z",
  finished_at: null,
  ...patch,
});
const event = (type: BatchEvent["type"], batch: BatchView, seq = 3): BatchEvent =>
  ({ type, batch_id: batch.id, seq, at: "2030-01-01T00:01:00.000Z", batch }) as BatchEvent;
const commit = (before: BatchView | null, after: BatchView, events: BatchEvent[] = [event("batch:progress", after)]): BatchCommit => ({
  before,
  after,
  events,
});

describe("batch effect rules", () => {
  it("mirror the row at once at creation and on a count change, progress alone coalesced", () => {
    expect(batchD1Mirror.wants(commit(null, view(), []))).toBe("now");
    const done = view({ counts: { queued: 0, running: 1, completed: 1, failed: 0, canceled: 0 } });
    expect(batchD1Mirror.wants(commit(view(), done))).toBe("now");
    expect(batchD1Mirror.wants(commit(view(), view({}, 12.5)))).toBe("coalesce");
  });

  it("push to the owner feed only what a list shows: status, counts, a whole percent", () => {
    expect(batchOwnerFeed.wants(commit(null, view(), []))).toBe("now");
    expect(batchOwnerFeed.wants(commit(view({}, 12.1), view({}, 12.8)))).toBeNull();
    expect(batchOwnerFeed.wants(commit(view({}, 12.8), view({}, 13.0)))).toBe("now");
  });

  it("hand over webhooks only for a commit that finished the batch", () => {
    expect(batchWebhooks.wants(commit(view(), view()))).toBeNull();
    const finished = view({ status: "finished" });
    expect(batchWebhooks.wants(commit(view(), finished, [event("batch:job", finished), event("batch:finished", finished)]))).toBe("now");
  });

  it("turn batch:completed and batch:finished into batch.completed and batch.finished, and nothing else", () => {
    const done = view({ status: "completed" });
    expect(toBatchEventMessage("acme", "https://tracker.test", event("batch:completed", done, 7))).toEqual({
      kind: "batch_event",
      owner: "acme",
      origin: "https://tracker.test",
      event: { type: "batch.completed", seq: 7, at: "2030-01-01T00:01:00.000Z", batch: done },
    });
    expect(toBatchEventMessage("acme", "https://tracker.test", event("batch:finished", view()))!.event.type).toBe("batch.finished");
    expect(toBatchEventMessage("acme", "https://tracker.test", event("batch:progress", view()))).toBeNull();
  });
});
