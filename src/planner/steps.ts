// Work that grows with a map is written as a generator that yields between its parts: the server
// runs it in steps between requests (server/yield.ts runInSteps), everything else to its end.

/** Records or ranges handled between two yields: a few ms on a map of 300k ranges. */
export const ITEMS_PER_STEP = 20_000;

/** Says when ITEMS_PER_STEP items were handled since it last did, for a loop's `if (due()) yield;`. */
export function stepCounter(): () => boolean {
  let left = ITEMS_PER_STEP;
  return () => {
    if (--left > 0) return false;
    left = ITEMS_PER_STEP;
    return true;
  };
}

/** Runs `steps` to its result at once (the CLI, tests, callers that have nothing else to do). */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
