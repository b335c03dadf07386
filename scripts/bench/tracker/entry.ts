/**
 * The tracker as `npm run bench` runs it: the project's own Worker and Durable
 * Object classes (workers/index.ts, unchanged), wrapped only to count the
 * billable calls the bench cannot see from outside:
 *   - Worker requests (every fetch into the Worker, socket upgrades included);
 *   - Durable Object requests: each fetch or RPC call on a stub, each alarm and
 *     each incoming WebSocket message, per class;
 *   - R2 operations by class (A: put/list/multipart, B: get/head);
 *   - objects constructed per name (a new one after hibernation or eviction);
 *   - time spent, per Worker route and per object method called through a stub
 *     (Date.now() at the call and when its promise settles: in workerd the
 *     clock moves at I/O, which is what these spans are), for the profile.
 * GET /api/__bench/counts answers them (and is itself not counted). Counters live
 * in the isolate: right for one local `wrangler dev`, which is all this is for.
 * D1 rows are counted in D1 itself (triggers made by the bench).
 */
import worker, * as project from "../../../workers/index";

interface Counts {
  workerRequests: number;
  doRequests: Record<string, number>;
  alarms: Record<string, number>;
  wsMessagesIn: Record<string, number>;
  constructed: Record<string, Record<string, number>>;
  r2: { classA: number; classB: number };
  /** Calls and milliseconds, per "Class.method" and per "METHOD /route". */
  spans: Record<string, { n: number; ms: number }>;
}

const counts: Counts = { workerRequests: 0, doRequests: {}, alarms: {}, wsMessagesIn: {}, constructed: {}, r2: { classA: 0, classB: 0 }, spans: {} };

/** Adds the time from `start` until `result` settles to the span `name`; answers `result` untouched (RPC pipelining still works). */
function timed<T>(name: string, start: number, result: T): T {
  const add = () => {
    const span = (counts.spans[name] ??= { n: 0, ms: 0 });
    span.n++;
    span.ms += Date.now() - start;
  };
  if (result && typeof (result as { then?: unknown }).then === "function") (result as unknown as PromiseLike<unknown>).then(add, add);
  else add();
  return result;
}
const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

const R2_CLASS_A = new Set(["put", "list", "createMultipartUpload", "resumeMultipartUpload"]);
const R2_CLASS_B = new Set(["get", "head"]);
/** Properties that must stay as they are (a Proxy answering `then` would make a stub look like a promise). */
const PASS_THROUGH = new Set(["then", "toJSON", "constructor"]);

/** `target` with each call of a method counted by `onCall(name)`, and timed as `${spanPrefix}.name` when given. */
function countingCalls<T extends object>(target: T, onCall: (name: string) => void, spanPrefix?: string): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof prop !== "string" || PASS_THROUGH.has(prop) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        onCall(prop);
        const start = Date.now();
        // Reflect.apply, not value.apply: on an RPC stub `.apply` would be a remote method.
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        return spanPrefix ? timed(`${spanPrefix}.${prop}`, start, result) : result;
      };
    },
  });
}

/** A namespace whose stubs count every fetch and RPC call as one request to `className`. */
function countingNamespace<N extends object>(ns: N, className: string): N {
  return new Proxy(ns, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if ((prop !== "get" && prop !== "getByName") || typeof value !== "function") {
        return typeof value === "function" ? value.bind(obj) : value;
      }
      return (...args: unknown[]) => countingCalls(Reflect.apply(value as (...a: unknown[]) => object, obj, args), () => bump(counts.doRequests, className), className);
    },
  });
}

const countedEnvs = new WeakMap<object, Env>();
/** The bindings as the project sees them, with the billable ones counted (one wrapper per env object). */
function counted(env: Env): Env {
  let wrapped = countedEnvs.get(env);
  if (!wrapped) {
    const overrides: Record<string, unknown> = {
      OUTPUTS: countingCalls(env.OUTPUTS, (name) => {
        if (R2_CLASS_A.has(name)) counts.r2.classA++;
        else if (R2_CLASS_B.has(name)) counts.r2.classB++;
      }),
      EXPORT_JOB: countingNamespace(env.EXPORT_JOB, "ExportJobState"),
      RATE_LIMITER: countingNamespace(env.RATE_LIMITER, "RateLimiter"),
      DISPATCH_COORDINATOR: countingNamespace(env.DISPATCH_COORDINATOR, "DispatchCoordinator"),
      OWNER_FEED: countingNamespace(env.OWNER_FEED, "OwnerFeed"),
    };
    wrapped = new Proxy(env, { get: (obj, prop) => (typeof prop === "string" && prop in overrides ? overrides[prop] : Reflect.get(obj, prop)) });
    countedEnvs.set(env, wrapped);
  }
  return wrapped;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ObjectClass = new (...args: any[]) => object;

/** `Base` with its construction, alarms and incoming socket messages counted, and a counted env. */
function countingClass<T extends ObjectClass>(Base: T, className: string): T {
  const base = Base.prototype as Record<string, ((...args: unknown[]) => unknown) | undefined>;
  const Counted = class extends Base {
    constructor(...args: any[]) {
      const [ctx, env] = args as [DurableObjectState, Env];
      super(ctx, counted(env));
      const name = ctx.id.name ?? ctx.id.toString();
      bump((counts.constructed[className] ??= {}), name);
    }
  };
  const proto = Counted.prototype as Record<string, unknown>;
  if (base.alarm) proto.alarm = function (this: object, ...args: unknown[]) { bump(counts.alarms, className); return base.alarm!.apply(this, args); };
  if (base.webSocketMessage) {
    proto.webSocketMessage = function (this: object, ...args: unknown[]) { bump(counts.wsMessagesIn, className); return base.webSocketMessage!.apply(this, args); };
  }
  return Counted;
}

export const ExportJobState = countingClass(project.ExportJobState, "ExportJobState");
export const RateLimiter = countingClass(project.RateLimiter, "RateLimiter");
export const DispatchCoordinator = countingClass(project.DispatchCoordinator, "DispatchCoordinator");
export const OwnerFeed = countingClass(project.OwnerFeed, "OwnerFeed");
export const BatchState = countingClass(project.BatchState, "BatchState");

/** The path of a request URL, without parsing it (the counting must cost the tracker next to nothing). */
const pathOf = (url: string) => url.slice(url.indexOf("/", url.indexOf("//") + 2)).split("?", 1)[0]!;

/** "POST /api/jobs/:id/callbacks/progress": the path with ids replaced, for the spans. */
const routeOf = (request: Request) => `${request.method} ${pathOf(request.url).replace(/\/job_[a-z0-9]+/g, "/:id")}`;

export default {
  fetch(request, env, ctx) {
    if (pathOf(request.url) === "/api/__bench/counts") return Response.json(counts);
    counts.workerRequests++;
    return timed(routeOf(request), Date.now(), worker.fetch(request, counted(env), ctx));
  },
  queue(batch, env) {
    return worker.queue(batch, counted(env));
  },
  scheduled(controller, env) {
    return worker.scheduled(controller, counted(env));
  },
} satisfies ExportedHandler<Env>;
