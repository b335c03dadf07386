/**
 * A smoke test of `npm run bench`'s parts, not of any timing: the floor relay
 * starts under the project's wrangler, and one update sent to it reaches a
 * socket held by a subscriber thread, in order and not lost.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFloor, type Server } from "../../scripts/bench/servers";
import { Subscribers } from "../../scripts/bench/subscribers";
import { floorTarget } from "../../scripts/bench/targets";

let floor: Server;
let subscribers: Subscribers;

beforeAll(async () => {
  floor = await startFloor();
  subscribers = new Subscribers(1);
}, 90_000);

afterAll(async () => {
  await subscribers?.stop();
  await floor?.stop();
});

it("the bench's floor relays one update to a subscriber thread's socket", async () => {
  const job = await floorTarget(floor).newJob();
  await subscribers.open("smoke", [job.wsUrl]);
  await job.report({ percent: 10, message: "smoke-1" });
  const { arrivals, missing } = await subscribers.waitFor("smoke", "smoke-1", 10_000);
  expect({ delivered: arrivals.length, missing }).toEqual({ delivered: 1, missing: 0 });
  const check = await subscribers.check("smoke", ["smoke-1"]);
  expect(check).toMatchObject({ sockets: 1, frames: 1, lost: 0, reordered: 0, gaps: 0, closed: 0 });
}, 30_000);
