// The load driver of the benchmarks and the replica tests: a fixed number of requests with a fixed
// number in flight, each timed to its response.

/** Sends `count` requests, `concurrency` in flight; returns each one's time to its response, sorted. Throws on a status other than 200. */
export async function load(count: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      const res = await send(i);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}`);
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
