// scripts/test.sh runs the real-stack test files in two lanes at once, one per core. Anything a
// file draws at random from a host-wide space (a TCP port, its stack's /24) is drawn from its
// lane's share of that space, so two files running together can never draw the same.
export const LANES = 2;

/** This process's lane: 0 when run alone. */
export const lane = Number(process.env.BERTH_TEST_LANE ?? '0') % LANES;

/** A random integer in [low, high) that belongs to this lane: every LANES-th from low. */
export function drawInLane(low: number, high: number): number {
  const count = Math.floor((high - low - lane - 1) / LANES) + 1;
  return low + lane + LANES * Math.floor(Math.random() * count);
}
