import type { GlobalOptions } from '../globals.js';
import type { Output } from '../output.js';

/** `tunekit sandbox`: the sandbox's own command line, run in this process. */
export async function sandbox(_globals: GlobalOptions, _out: Output, _signal: AbortSignal, args: string[]): Promise<void> {
  void args;
  throw new Error('the sandbox is not part of this build yet');
}
