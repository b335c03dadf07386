/**
 * Sustained load: C concurrent callers, each sending the next report as soon
 * as its last was answered, spread over a target's jobs in turn, for a fixed
 * time. Answers which reports were acknowledged per job, so the sockets can
 * be checked for loss and order, and the rates.
 */
import { clock, type BenchJob } from "../targets";
import { nextKey } from "./context";

export interface LoadResult {
  /** Acknowledged report keys, per job index, in the order they were answered. */
  acked: string[][];
  errors: number;
  firstError: string | null;
  seconds: number;
}

/** Runs `callers` callers over `jobs` (the next report goes to the next job) for `seconds`; `sentAt` gets each report's send time. */
export async function sustain(jobs: BenchJob[], callers: number, seconds: number, sentAt?: Map<string, number>): Promise<LoadResult> {
  const result: LoadResult = { acked: jobs.map(() => []), errors: 0, firstError: null, seconds: 0 };
  const start = clock();
  const until = start + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (clock() < until) {
        const index = next++ % jobs.length;
        const key = nextKey();
        sentAt?.set(key, clock());
        try {
          await jobs[index]!.report({ percent: 50, message: key });
          result.acked[index]!.push(key);
        } catch (err) {
          result.errors++;
          result.firstError ??= (err as Error).message;
        }
      }
    }),
  );
  result.seconds = (clock() - start) / 1000;
  return result;
}

/** Adds one round's acknowledged keys to the running total. */
export function addAcked(total: string[][], round: string[][]): void {
  round.forEach((keys, i) => (total[i] ??= []).push(...keys));
}
