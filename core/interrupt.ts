/**
 * What must happen when SIGINT or SIGTERM ends this process in the middle of work: stop a half-started
 * release, give its lock back, delete a temporary key, close a ledger run as interrupted. Work registers
 * a clean-up while it runs; the first signal runs every registered one (bounded in time), then ends the
 * process the way the signal would have. With nothing registered, no handler is installed at all.
 */
type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
/** Run after the others: temporary files that the others may still need (an ssh control socket). */
const lastCleanups = new Set<Cleanup>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** A clean-up that hangs must not keep an interrupted process alive. */
const CLEANUP_LIMIT_MS = 20_000;
let running = false;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (running) return;
  running = true;
  const limit = setTimeout(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)), CLEANUP_LIMIT_MS);
  for (const group of [cleanups, lastCleanups]) {
    const pending = [...group];
    group.clear();
    await Promise.allSettled(pending.map(async (cleanup) => cleanup()));
  }
  clearTimeout(limit);
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  process.kill(process.pid, signal);
}

const registered = () => cleanups.size + lastCleanups.size;

/**
 * Registers `cleanup` to run on SIGINT or SIGTERM (`last`: after every other one); the returned function
 * unregisters it.
 */
export function onInterrupt(cleanup: Cleanup, options: { last?: boolean } = {}): () => void {
  if (registered() === 0 && !running) for (const name of SIGNALS) process.on(name, onSignal);
  const group = options.last ? lastCleanups : cleanups;
  group.add(cleanup);
  return () => {
    group.delete(cleanup);
    if (registered() === 0 && !running) for (const name of SIGNALS) process.removeListener(name, onSignal);
  };
}
