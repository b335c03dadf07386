/**
 * Runs `work` over many items a few at a time (creating, canceling or
 * retrying up to 500 member jobs), keeping the results in order.
 */
export const CHUNK_SIZE = 25;

export async function inChunks<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += CHUNK_SIZE) {
    const chunk = items.slice(start, start + CHUNK_SIZE);
    results.push(...(await Promise.all(chunk.map((item, i) => work(item, start + i)))));
  }
  return results;
}
