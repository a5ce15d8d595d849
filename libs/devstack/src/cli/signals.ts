/**
 * Runs `shutdown` once on the first SIGINT or SIGTERM; a second signal exits at once (the
 * child processes are guarded and end with this process).
 */
export function onShutdownSignal(shutdown: (signal: NodeJS.Signals) => void): void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    received = true;
    shutdown(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
