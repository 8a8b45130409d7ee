import { Command, Option } from 'commander';
import { VERSION } from '../core/version.js';
import { EXIT_CODES_HELP, UsageError } from './exit.js';
import {
  batchSize,
  booleanOrAuto,
  dollars,
  duration,
  keyValue,
  nonNegative,
  requestTimeout,
  wholeNumber,
  pair,
  repeated,
} from './flags.js';
import { globalOptions, type GlobalOptions } from './globals.js';
import type { Output } from './output.js';
import { cliProviders } from './providers.js';
import type { ProviderEnvironment } from '../core/provider.js';
import { DEFAULT_PROVIDER, PROVIDER_NAMES, providers, type ProviderName } from '../providers/registry/providers.js';
import type { CliProvider } from './provider.js';
import { SANDBOX_FLAGS } from '../sandbox/flags.js';
import type { AnySession } from './provider.js';

/**
 * The command tree: every command, flag and help text is declared here (cheap to load, so `--help` is fast); each
 * command's code is imported only when it runs.
 */

/** What every command runs with: where to write, and the signal Ctrl-C aborts. */
export interface Runtime {
  out: Output;
  signal: AbortSignal;
}

type SessionCommand = (session: AnySession, args: string[], options: Record<string, unknown>) => Promise<void>;
type PlainCommand = (
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  args: string[],
  options: Record<string, unknown>,
) => Promise<void>;

/** An action that opens a session on the chosen provider, then runs the command's lazily loaded code. */
function withSession(runtime: Runtime, load: () => Promise<SessionCommand>) {
  return async function (this: Command): Promise<void> {
    const globals = globalOptions(this.optsWithGlobals());
    const [run, { openSession }] = await Promise.all([load(), import('./session.js')]);
    await run(openSession(globals, runtime.out, runtime.signal), this.args, this.opts());
  };
}

/** An action that needs no API key (`check`, `sandbox`). */
function withoutSession(runtime: Runtime, load: () => Promise<PlainCommand>) {
  return async function (this: Command): Promise<void> {
    const run = await load();
    await run(globalOptions(this.optsWithGlobals()), runtime.out, runtime.signal, this.args, this.opts());
  };
}

/** The neutral hyperparameter flags (and `--option` for any field of the provider's own request). */
function hyperparameterOptions(command: Command): Command {
  const group = 'Hyperparameters (checked against the provider before anything is sent):';
  const options = [
    new Option('--epochs <n>', 'passes over the training data').argParser(wholeNumber(1)),
    new Option('--batch-size <n>', `examples per step${notesOn('--batch-size')}`).argParser(batchSize),
    new Option('--learning-rate <x>', `absolute learning rate${notesOn('--learning-rate')}`).argParser(nonNegative),
    new Option('--warmup-ratio <x>', 'share of steps warming up the learning rate').argParser(nonNegative),
    new Option('--weight-decay <x>', 'weight decay').argParser(nonNegative),
    new Option('--lora', "LoRA fine-tuning (the provider's default settings)"),
    new Option('--no-lora', 'full fine-tuning'),
    new Option('--lora-rank <n>', 'LoRA rank (implies --lora)').argParser(wholeNumber(1)),
    new Option('--lora-alpha <n>', 'LoRA alpha (implies --lora)').argParser(wholeNumber(1)),
    new Option('--lora-dropout <x>', 'LoRA dropout (implies --lora)').argParser(nonNegative),
    new Option('--suffix <name>', 'a name part for the fine-tuned model'),
    new Option(
      '--train-on-inputs <value>',
      `true, false or auto: train on the prompt tokens too (${labelsWhere((cli) => 'field' in cli.trainOnInputs)})`,
    ).argParser(booleanOrAuto),
    new Option('--option <field=value>', "any field of the provider's own request, repeatable (value as JSON, else a string)").argParser(
      keyValue,
    ),
  ];
  const job = 'Method and job options (mapped or refused per provider, docs/mapping.md):';
  const jobOptions = [
    new Option('--method <name>', 'supervised (the default), dpo (preference) or reinforcement (with --grader)').choices([
      'supervised',
      'dpo',
      'reinforcement',
    ]),
    new Option('--dpo-beta <x>', 'the DPO beta (with --method dpo)').argParser(nonNegative),
    new Option('--grader <file|json>', "a reinforcement job's grader, as its provider's document writes it: a JSON file or JSON text"),
    new Option(
      '--from-checkpoint <name>',
      'continue from a checkpoint as the provider names it (<job>[:<step>], ft:…), or hf:<owner/model>[@revision] (HF_TOKEN from the environment)',
    ),
    new Option('--seed <n>', 'a seed, for a reproducible run').argParser(wholeNumber(0)),
    new Option('--tag <tag>', 'a label of the job, repeatable').argParser(repeated),
    new Option('--metadata <key=value>', 'a key-value pair on the job, repeatable').argParser(pair),
    new Option('--wandb-project <name>', 'log the run to this Weights & Biases project (the key: WANDB_API_KEY, never a flag)'),
    new Option('--wandb-name <name>', 'the W&B run name'),
    new Option('--wandb-entity <name>', 'the W&B entity (team or user)'),
  ];
  for (const option of jobOptions) command.addOption(option.helpGroup(job));
  for (const option of options) command.addOption(option.helpGroup(group));
  return command;
}

/** Your rate, for a price where the provider answers none. */
function costOptions(command: Command): Command {
  return command.option(
    '--price-per-mtok <dollars>',
    "your rate in US dollars per million trained tokens: the price where the provider answers none (the provider's own wins)",
    dollars,
  );
}

function waitOptions(command: Command): Command {
  return command
    .option('--poll-interval <duration>', 'poll this often (default: 5s, backing off to 60s)', duration)
    .option('--max-wait <duration>', 'stop watching after this long: exit code 3, the job keeps running', duration);
}

/** The labels of the providers whose CLI data passes `test`, for a flag's help. */
function labelsWhere(test: (cli: CliProvider<ProviderName>) => boolean): string {
  return PROVIDER_NAMES.filter((name) => test(cliProviders[name]))
    .map((name) => providers[name].label)
    .join(', ');
}

/** ` (Label: note; …)` for the providers whose CLI data notes `flag`, or nothing. */
function notesOn(flag: string): string {
  const notes = PROVIDER_NAMES.flatMap((name) => {
    const note = cliProviders[name].flagNotes?.[flag];
    return note ? [`${providers[name].label}: ${note}`] : [];
  });
  return notes.length ? ` (${notes.join('; ')})` : '';
}

const envNames = (pick: (names: ProviderEnvironment) => string): string =>
  PROVIDER_NAMES.map((name) => pick(providers[name].env)).join(', ');

const ENVIRONMENT_HELP = `Environment:
  ${envNames((env) => env.apiKey)}
                     API keys (read only from the environment)
  ${envNames((env) => env.baseUrl)}
                     base URLs (--base-url wins)
  TUNEKIT_PROVIDER   the provider when --provider is not given
  TUNEKIT_LOG        the log level when --log is not given
  NO_COLOR           plain lines, no colours or live view`;

const EXAMPLES_HELP = `Examples:
  tunekit check train.jsonl --provider ${DEFAULT_PROVIDER}
  tunekit train train.jsonl --provider ${DEFAULT_PROVIDER} --model ${providers[DEFAULT_PROVIDER].exampleModel} --epochs 3 --lora-rank 16
  tunekit jobs wait <job id> --max-wait 2h
  tunekit jobs metrics <job id> --html loss.html
  tunekit sandbox --provider ${DEFAULT_PROVIDER} --speed 600   # a local API to try all of this on`;

/** The program, its flags and commands. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('tunekit')
    .description(
      `Fine-tune models on ${PROVIDER_NAMES.map((name) => providers[name].label)
        .join(', ')
        .replace(/, ([^,]*)$/, ' and $1')}: check data, train, watch, draw the loss.`,
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--provider <name>', `${PROVIDER_NAMES.join(', ')} (default: TUNEKIT_PROVIDER, else the one provider whose API key is set)`)
    .option('--base-url <url>', "the API's base URL (default: the provider's *_BASE_URL, else its public API)")
    .option('--timeout <duration>', 'deadline of each request (default 60s, at most 24d)', requestTimeout)
    .option('--max-retries <n>', 'retries of a failed request (default 2)', wholeNumber(0))
    .addOption(
      new Option('--log <level>', 'log requests on stderr (never the API key; default TUNEKIT_LOG or off)').choices([
        'off',
        'error',
        'warn',
        'info',
        'debug',
      ]),
    )
    .option('--json', 'only JSON on stdout (one value; NDJSON for events and progress); errors as {"error": …} on stderr')
    .showSuggestionAfterError(true)
    // Each command's --help lists the global flags too (--provider, --base-url, --json, …).
    .configureHelp({ showGlobalOptions: true })
    // Before any subcommand is added: they inherit both. A usage error is thrown (exit code 2), told by main.ts.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .addHelpText('after', `\n${EXAMPLES_HELP}\n\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}\n`);

  program
    .command('check')
    .summary("check a dataset against a provider's rules (no API key needed)")
    .description(
      "Check a JSONL dataset against the provider's rules, every problem with its line, and count its tokens. No API key needed.",
    )
    .argument('<file>', 'the dataset (JSON lines)')
    .option('--model <name>', 'the base model: picks the tokenizer and the context length')
    .option('--format <format>', 'chat, preference, instruction, text or pretokenized (default: detected)')
    .option('--epochs <n>', 'epochs, for the billed-token estimate', wholeNumber(1))
    .option('--context-length <n>', 'context length: longer examples are reported as truncated', wholeNumber(1))
    .option('--max-issues <n>', 'problems listed one by one (default 20)', wholeNumber(1))
    .action(withoutSession(runtime, async () => (await import('./commands/check.js')).check));

  const train = program
    .command('train')
    .summary('check, upload, create a job and watch it to the end')
    .description(
      'The whole workflow: check the dataset, upload it, create the job and watch it live until it ends.\nCtrl-C stops watching, never the job, and prints the command that resumes.',
    )
    .argument('<file>', 'training data: a JSONL file (or the id of a file already uploaded)')
    .requiredOption('--model <name>', 'the base model to fine-tune')
    .option('--validation <file>', 'validation data: a JSONL file or an uploaded file id')
    .option('--no-check', 'skip the dataset check before uploading')
    .option('--no-wait', 'create the job and exit (follow it later with: tunekit jobs wait ID)')
    .option(
      '--deploy',
      `make the result callable, a custom model from the final checkpoint (${labelsWhere((cli) => cli.deployRefused === undefined)})`,
    )
    .option('--deploy-checkpoint <which>', 'with --deploy: final (default) or best (lowest validation loss)')
    .option('--deploy-name <name>', "with --deploy: the custom model's name");
  costOptions(train)
    .option('-y, --yes', 'create the job without asking, whatever the estimated price')
    .option('--confirm-above <dollars>', 'on a terminal, ask before creating a job estimated above this price (default $5)', dollars);
  hyperparameterOptions(waitOptions(train)).action(withSession(runtime, async () => (await import('./commands/train.js')).train));

  const estimate = program
    .command('estimate')
    .summary('what a job would train on and cost, before creating it')
    .description(
      "The trained tokens of a dataset (exact where tunekit has the model's tokenizer, a labelled estimate elsewhere) times the epochs,\nand the price: the provider's own where it answers one for an uploaded file (pass the file id), else at --price-per-mtok.\nNothing is uploaded or created.",
    )
    .argument('<file>', 'training data: a JSONL file (or the id of a file already uploaded)')
    .requiredOption('--model <name>', 'the base model to fine-tune')
    .option('--validation <file>', 'validation data: a JSONL file or an uploaded file id');
  hyperparameterOptions(costOptions(estimate)).action(withSession(runtime, async () => (await import('./commands/estimate.js')).estimate));

  const files = program.command('files').summary('upload, list, read and delete files').description('Upload, list, read and delete files.');
  files
    .command('upload')
    .description('Upload a dataset (a byte progress bar on a terminal); prints the file id')
    .argument('<file>', 'the file to upload')
    .option('--check', "check it with the provider's dataset rules first; nothing is uploaded if it fails")
    .option('--purpose <purpose>', "the file's purpose (default fine-tune)")
    .action(withSession(runtime, async () => (await import('./commands/files.js')).upload));
  files
    .command('list')
    .description('List uploaded files')
    .option('--limit <n>', 'at most this many', wholeNumber(1))
    .action(withSession(runtime, async () => (await import('./commands/files.js')).list));
  files
    .command('get')
    .description("Show a file's details")
    .argument('<id>', 'the file id')
    .action(withSession(runtime, async () => (await import('./commands/files.js')).get));
  files
    .command('content')
    .description("Download a file's bytes: to stdout, or with -o to a file (with a progress bar)")
    .argument('<id>', 'the file id')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(withSession(runtime, async () => (await import('./commands/files.js')).content));
  files
    .command('delete')
    .description('Delete a file')
    .argument('<id>', 'the file id')
    .action(withSession(runtime, async () => (await import('./commands/files.js')).remove));

  const jobs = program
    .command('jobs')
    .summary('create, list, follow, cancel jobs; events, checkpoints, loss')
    .description('Fine-tuning jobs.');
  hyperparameterOptions(
    jobs
      .command('create')
      .description('Create a job from uploaded files; prints the job id')
      .requiredOption('--model <name>', 'the base model to fine-tune')
      .requiredOption('--training-file <id>', 'the uploaded training file')
      .option('--validation-file <id>', 'the uploaded validation file'),
  ).action(withSession(runtime, async () => (await import('./commands/jobs.js')).create));
  jobs
    .command('list')
    .description('List jobs, newest first')
    .option('--limit <n>', 'at most this many (default 20)', wholeNumber(1))
    .option('--all', 'every job')
    .action(withSession(runtime, async () => (await import('./commands/jobs.js')).list));
  jobs
    .command('get')
    .description("Show a job's status, progress and result")
    .argument('<id>', 'the job id')
    .action(withSession(runtime, async () => (await import('./commands/jobs.js')).get));
  jobs
    .command('cancel')
    .description('Cancel a job that has not finished')
    .argument('<id>', 'the job id')
    .action(withSession(runtime, async () => (await import('./commands/jobs.js')).cancel));
  waitOptions(
    jobs
      .command('wait')
      .description(
        'Watch a job until it ends: live status, steps, ETA and loss chart on a terminal.\nExit 0 when it succeeds, 1 when it fails or is cancelled, 3 after --max-wait, 130 on Ctrl-C (the job keeps running).',
      )
      .argument('<id>', 'the job id'),
  ).action(withSession(runtime, async () => (await import('./commands/jobs.js')).wait));
  jobs
    .command('events')
    .description("A job's events, oldest first (NDJSON with --json)")
    .argument('<id>', 'the job id')
    .option('--limit <n>', 'only the newest n', wholeNumber(1))
    .option('-f, --follow', 'then print new events as they come, until the job ends')
    .option('--poll-interval <duration>', 'with --follow: poll this often', duration)
    .action(withSession(runtime, async () => (await import('./commands/jobs.js')).events));
  jobs
    .command('checkpoints')
    .description("A job's checkpoints, by step")
    .argument('<id>', 'the job id')
    .action(withSession(runtime, async () => (await import('./commands/jobs.js')).checkpoints));
  jobs
    .command('metrics')
    .description('Draw the training and validation loss; --html writes a self-contained report page')
    .argument('<id>', 'the job id')
    .option('--html <file>', 'write the loss curves, job facts and checkpoints as one HTML page (inline SVG, no script)')
    .action(withSession(runtime, async () => (await import('./commands/metrics.js')).metrics));

  addProviderCommands(program, { jobs }, runtime);

  program
    .command('sandbox')
    .summary("run a local sandbox of a provider's API (any key works)")
    .description(
      "Run a local, stateful sandbox of one provider's fine-tuning API, with a simulated clock.\nPrints its base URL on the first line; point --base-url (or *_BASE_URL) at it, with any API key. Ctrl-C stops it.",
    )
    // The sandbox's own flags, as tunekit-sandbox takes them (src/sandbox/flags.ts reads and checks both).
    .option(SANDBOX_FLAGS.port.flag, SANDBOX_FLAGS.port.description)
    .option(SANDBOX_FLAGS.host.flag, SANDBOX_FLAGS.host.description)
    .option(SANDBOX_FLAGS.speed.flag, SANDBOX_FLAGS.speed.description)
    .addOption(new Option(SANDBOX_FLAGS.clock.flag, SANDBOX_FLAGS.clock.description).choices(['manual', 'on-poll']).conflicts('speed'))
    .option(SANDBOX_FLAGS.seed.flag, SANDBOX_FLAGS.seed.description)
    .action(withoutSession(runtime, async () => (await import('./commands/sandbox.js')).sandbox));

  return program;
}

/** Each provider's own commands, from its data (`src/cli/providers/*.ts`): one command per name, refused on the others. */
function addProviderCommands(program: Command, groups: { jobs: Command }, runtime: Runtime): void {
  const byName = new Map<string, { summary: string; providers: ProviderName[]; declare: (command: Command) => void }>();
  for (const provider of PROVIDER_NAMES) {
    for (const spec of cliProviders[provider].commands) {
      const key = `${spec.group} ${spec.name}`;
      const entry = byName.get(key);
      if (entry) {
        entry.providers.push(provider);
        continue;
      }
      byName.set(key, {
        summary: spec.summary,
        providers: [provider],
        declare: (command) => {
          for (const arg of spec.args) command.argument(`<${arg.name}>`, arg.description);
          for (const option of spec.options ?? []) {
            const declared = new Option(option.flags, option.description);
            if (option.parse) declared.argParser(option.parse);
            command.addOption(declared);
          }
          if (spec.hyperparameters) hyperparameterOptions(command);
        },
      });
    }
  }
  let models: Command | undefined;
  for (const [key, entry] of byName) {
    const [group = '', name = ''] = key.split(' ');
    const parent =
      group === 'jobs'
        ? groups.jobs
        : (models ??= program
            .command('models')
            .summary(`custom models (${providersOf('models', byName)})`)
            .description('Custom models: fine-tuned checkpoints made callable.'));
    const command = parent.command(name).description(`${entry.summary} (${entry.providers.join(', ')} only)`);
    entry.declare(command);
    command.action(
      withSession(runtime, async () => {
        const { providerCommand } = await import('./commands/jobs.js');
        return (session, args, options) => {
          if (!entry.providers.includes(session.provider)) return refuse(group, name, entry.providers, session.provider);
          return providerCommand(session, group, name, args, options);
        };
      }),
    );
  }
}

function providersOf(group: string, byName: Map<string, { providers: ProviderName[] }>): string {
  const names = new Set<ProviderName>();
  for (const [key, entry] of byName) if (key.startsWith(`${group} `)) entry.providers.forEach((p) => names.add(p));
  return [...names].join(', ');
}

async function refuse(group: string, name: string, providers: ProviderName[], provider: ProviderName): Promise<void> {
  throw new UsageError(
    `${group} ${name} is a command of ${providers.join(' and ')} only; ${provider} has no such operation`,
    `pass --provider ${providers[0] ?? ''} to use it there`,
  );
}
