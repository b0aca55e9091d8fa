// Lets queued messages through between chunks of long work. Node has setImmediate; a web worker
// doesn't, and its setTimeout(0) is clamped to 4 ms once nested, so a MessageChannel round trip
// stands in there.
let channel: InstanceType<typeof MessageChannel> | undefined;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise<void>((r) => setImmediate(r));
  if (!channel) {
    channel = new MessageChannel();
    // addEventListener + start(): the form both the DOM's and Node's MessagePort type.
    channel.port1.addEventListener('message', () => waiting.shift()?.());
    channel.port1.start();
  }
  return new Promise<void>((r) => {
    waiting.push(r);
    channel!.port2.postMessage(0);
  });
}

/**
 * How long the server's long work (the background scan, stepped passes, Plan Log File) runs before
 * it lets queued requests through. A request and its answer each wait for a slice to end: with 4-5
 * ms slices a hover during the scan or the diagnostics of 300k ranges took ~20-27 ms, with 2 ms
 * ~11-14 ms. Stepped work also finishes its step (ITEMS_PER_STEP items, planner/steps.ts).
 */
export const SLICE_MS = 2;

/**
 * Runs `steps` (work that yields between its parts) to its result, letting queued messages through
 * once SLICE_MS of work are done, at the end of a step. Undefined when `stop` says so after a pause
 * (the document changed: the result would be stale).
 */
export function runInSteps<T>(steps: Generator<void, T>): Promise<T>;
export function runInSteps<T>(steps: Generator<void, T>, stop: () => boolean): Promise<T | undefined>;
export async function runInSteps<T>(steps: Generator<void, T>, stop: () => boolean = () => false): Promise<T | undefined> {
  for (let since = Date.now(); ; ) {
    const step = steps.next();
    if (step.done) return step.value;
    if (Date.now() - since < SLICE_MS) continue;
    await yieldToEventLoop();
    if (stop()) return undefined;
    since = Date.now();
  }
}
