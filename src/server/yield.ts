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
