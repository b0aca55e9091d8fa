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
 * How long work runs before it lets queued requests through: a request waits this plus one
 * step (a few ms: steps are ITEMS_PER_STEP records or ranges, planner/steps.ts). With 5 ms a hover
 * during the diagnostics of 300k ranges waited 27 ms (median), with 2 ms 12-14 ms.
 */
const STEP_MS = 2;

/**
 * Runs `steps` (work that yields between its parts) to its result, letting queued messages through
 * once STEP_MS of work are done, at the end of a step. Undefined when `stop` says so after a pause
 * (the document changed: the result would be stale).
 */
export function runInSteps<T>(steps: Generator<void, T>): Promise<T>;
export function runInSteps<T>(steps: Generator<void, T>, stop: () => boolean): Promise<T | undefined>;
export async function runInSteps<T>(steps: Generator<void, T>, stop: () => boolean = () => false): Promise<T | undefined> {
  for (let since = Date.now(); ; ) {
    const step = steps.next();
    if (step.done) return step.value;
    if (Date.now() - since < STEP_MS) continue;
    await yieldToEventLoop();
    if (stop()) return undefined;
    since = Date.now();
  }
}
