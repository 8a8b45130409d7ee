/**
 * `npx tunekit-sandbox … &` then `kill $!` signals npm's exec, which dies without forwarding the signal: the sandbox
 * is left behind, holding its port. Started by npm (`npm_command` in the environment: `npx`, `npm exec`,
 * `npm run`), a sandbox bin therefore stops when the process that started it is gone (it is handed to another parent).
 * Elsewhere (`nohup tunekit sandbox &`) it keeps running after its shell.
 */
export function stopWithLauncher(stop: () => void, env: Record<string, string | undefined> = process.env, everyMs = 250): () => void {
  if (!env['npm_command']) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
