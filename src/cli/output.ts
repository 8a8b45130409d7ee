import picocolors from 'picocolors';
import { isSecretName } from '../core/problem-report.js';

type Colors = ReturnType<typeof picocolors.createColors>;
type Env = Record<string, string | undefined>;

/**
 * Every secret in the environment (a variable whose name says so, as request fields are judged: `*_API_KEY`, `HF_TOKEN`,
 * `*_SECRET`…; 8 characters or more: shorter ones are test values) is replaced by
 * `[redacted]` in any text this process writes to stdout or stderr, whoever writes it (tunekit, a library, Node).
 * The raw bytes of a downloaded file (Buffers) pass through untouched.
 */
export function redactKeys(env: Env, streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  const keys = Object.entries(env)
    .filter(([name, value]) => isSecretName(name) && value !== undefined && value.length >= 8)
    .map(([, value]) => value as string);
  if (!keys.length) return;
  const hide = (text: string): string => keys.reduce((out, key) => (out.includes(key) ? out.replaceAll(key, '[redacted]') : out), text);
  for (const stream of streams) {
    const write = stream.write.bind(stream);
    const redacted = (chunk: unknown, ...rest: unknown[]): boolean =>
      Reflect.apply(write, stream, [typeof chunk === 'string' ? hide(chunk) : chunk, ...rest]) as boolean;
    stream.write = redacted as NodeJS.WriteStream['write'];
  }
}

/** Whether a stream gets colours and cursor movement: a terminal, not `TERM=dumb`, no `NO_COLOR` (or `FORCE_COLOR`). */
function isStyled(stream: NodeJS.WriteStream, env: Env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** Where a command writes: data on stdout, messages on stderr; JSON only in `--json` mode. */
export class Output {
  /** Colours for stdout and stderr (no-ops where the stream is not styled). */
  readonly out: Colors;
  readonly err: Colors;
  /** stderr is a terminal that can take a live view (not `--json`, not `NO_COLOR`). */
  readonly live: boolean;
  /** stdout is a terminal: tables get a header and aligned columns; piped, they are tab-separated lines. */
  readonly tty: boolean;

  constructor(
    readonly json: boolean,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
    env: Env = process.env,
  ) {
    const outStyled = !json && isStyled(stdout, env);
    const errStyled = !json && isStyled(stderr, env);
    this.out = picocolors.createColors(outStyled);
    this.err = picocolors.createColors(errStyled);
    this.live = errStyled && stderr.isTTY === true;
    this.tty = stdout.isTTY === true && !json;
  }

  /** Terminal width for stderr drawings (80 when unknown). */
  get columns(): number {
    return Math.max(40, this.stderr.columns || 80);
  }

  /** A line (or lines) of data on stdout. */
  data(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One JSON value on stdout (`--json`): indented. */
  value(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One line of a JSON stream on stdout (NDJSON). */
  line(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A message for a person on stderr; nothing in `--json` mode. */
  say(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  /** A success message (✓) on stderr. */
  done(text: string): void {
    this.say(`${this.err.green('✓')} ${text}`);
  }

  /** A hint (what to run next) on stderr. */
  hint(text: string): void {
    this.say(this.err.dim(text));
  }

  /**
   * Rows as a table: on a terminal a bold header and aligned columns (string-width, loaded only then: wide and
   * combined characters count as the columns they take); piped, tab-separated lines without a header.
   */
  async table(header: string[], rows: string[][]): Promise<void> {
    if (!this.tty) {
      for (const row of rows) this.data(row.join('\t'));
      return;
    }
    const { default: stringWidth } = await import('string-width');
    const widths = header.map((title, column) => Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[column] ?? ''))));
    const pad = (cell: string, column: number): string => cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - stringWidth(cell)));
    const render = (row: string[]): string =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : pad(cell, column)))
        .join('  ')
        .trimEnd();
    this.data(this.out.bold(render(header)));
    for (const row of rows) this.data(render(row));
    if (!rows.length) this.say(this.err.dim('(none)'));
  }

  /** `name  value` lines for one object (absent values left out). */
  details(fields: [string, string | undefined][]): void {
    const shown = fields.filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '');
    const width = Math.max(...shown.map(([name]) => name.length));
    for (const [name, value] of shown) this.data(`${this.out.dim(name.padEnd(width))}  ${value}`);
  }
}
