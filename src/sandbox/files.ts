import type { Problem } from '../core/check.js';
import type { ErrorWords } from './provider.js';
import type { Bytes, Ctx, Failure, Ok } from './routes.js';
import type { FileRecord, JobRecord, World } from './world.js';

/** Files a provider's jobs have made by `now` (OpenAI result files), listed with the uploaded ones. */
export type Outputs<Request> = (job: JobRecord<Request>, now: number) => FileRecord[];

/** Stores uploaded bytes as a file of this key, processed `processMs` later (`kept`: the bytes are already kept). */
export async function storeFile<S, R>(
  ctx: Ctx<S, R>,
  file: { id: string; filename: string; purpose: string; blob: Blob; processMs: number; kept?: boolean },
): Promise<FileRecord> {
  const blob = file.kept ? file.blob : await ctx.keep(file.blob);
  const record: FileRecord = {
    id: file.id,
    filename: file.filename,
    purpose: file.purpose,
    bytes: blob.size,
    createdAt: ctx.now,
    readyAt: ctx.now + file.processMs,
    blob,
  };
  ctx.world.files.set(record.id, record);
  return record;
}

/** This key's files at `now`, newest first (uploads and job outputs). */
function filesOf<S, R>(world: World<S, R>, now: number, outputs?: Outputs<R>): FileRecord[] {
  const made = outputs
    ? [...world.jobs.values()].flatMap((job) => outputs(job, now)).filter((file) => !world.deletedOutputs.has(file.id))
    : [];
  const all = [...world.files.values(), ...made].filter((file) => file.createdAt <= now);
  return all
    .map((file, order) => ({ file, order }))
    .sort((a, b) => b.file.createdAt - a.file.createdAt || b.order - a.order)
    .map(({ file }) => file);
}

export function findFile<S, R>(world: World<S, R>, id: string, now: number, outputs?: Outputs<R>): FileRecord | undefined {
  const stored = world.files.get(id);
  if (stored) return stored.createdAt <= now ? stored : undefined;
  return filesOf(world, now, outputs).find((file) => file.id === id);
}

/** Deletes a file; false when there is none. */
function deleteFile<S, R>(world: World<S, R>, id: string, now: number, outputs?: Outputs<R>): boolean {
  if (!findFile(world, id, now, outputs)) return false;
  if (!world.files.delete(id)) world.deletedOutputs.add(id);
  return true;
}

/** A multipart body's fields, or `undefined` when it is not one. */
export async function readForm(request: Request): Promise<FormData | undefined> {
  if (!request.headers.get('content-type')?.includes('multipart/form-data')) return undefined;
  try {
    return await request.formData();
  } catch {
    return undefined;
  }
}

/** What a multipart field must be: a file part, any text, or one of some values. */
export type FieldRule = 'file' | 'text' | readonly string[];

/**
 * The problems of a multipart body against its operation's fields (the generated rules do not cover
 * multipart bodies): each `required` field present, files as file parts, enums among their values, no others.
 */
export function formProblems(form: FormData | undefined, fields: Record<string, FieldRule>, required: readonly string[]): Problem[] {
  if (!form) return [{ field: 'body', depth: 0, rule: 'a multipart/form-data body', value: undefined }];
  const problems: Problem[] = [];
  form.forEach((value, name) => {
    const rule = fields[name];
    const field = `body.${name}`;
    if (rule === undefined) problems.push({ field, depth: 1, rule: 'unknown field', value: typeof value === 'string' ? value : '[file]' });
    else if (rule === 'file' && typeof value === 'string') problems.push({ field, depth: 1, rule: 'a file part', value });
    else if (Array.isArray(rule) && !rule.includes(String(value)))
      problems.push({ field, depth: 1, rule: `enum ${JSON.stringify(rule)}`, value: typeof value === 'string' ? value : '[file]' });
  });
  for (const name of required) if (!form.has(name)) problems.push({ field: `body.${name}`, depth: 1, rule: 'required', value: undefined });
  return problems;
}

/** A form field's text, or `undefined`. */
export function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** A form field's file part, or `undefined`. */
export function filePart(form: FormData, name: string): File | undefined {
  const value = form.get(name);
  return typeof value === 'string' || value === null ? undefined : value;
}

/** How a provider stores and shows files: what its file operations need to be the same code everywhere. */
export interface FileRules<S, R, Shown> {
  errors: ErrorWords;
  /** A file as the provider's document shows it. */
  render(file: FileRecord, now: number, world: World<S, R>): Shown;
  notFound(id: string): Failure;
  outputs?: Outputs<R>;
  /** The media type of a file's bytes. */
  contentType: string;
  /** The upload's multipart fields (a `file` part and a `purpose` among them), and which are required. */
  fields: Record<string, FieldRule>;
  required: readonly string[];
  id(world: World<S, R>): string;
  processMs: number;
  /** The stored name (default: the file part's own). */
  filename?(form: FormData, part: File): string | undefined;
  /** After storing (Together keeps the declared `file_type`). */
  stored?(world: World<S, R>, file: FileRecord, form: FormData): void;
}

/** Upload, retrieve, delete and read files, the same way for every provider. */
export function fileOperations<S, R, Shown>(rules: FileRules<S, R, Shown>) {
  return {
    upload: async (ctx: Ctx<S, R>): Promise<Ok<Shown> | Failure> => {
      const form = await ctx.form();
      const problems = formProblems(form, rules.fields, rules.required);
      const part = form && filePart(form, 'file');
      if (!form || !part || problems.length) return rules.errors.invalid(problems);
      const filename = rules.filename?.(form, part) ?? (part.name || 'upload.jsonl');
      const file = await storeFile(ctx, {
        id: rules.id(ctx.world),
        filename,
        purpose: text(form, 'purpose') ?? 'fine-tune',
        blob: part,
        processMs: rules.processMs,
      });
      rules.stored?.(ctx.world, file, form);
      return { json: rules.render(file, ctx.now, ctx.world) };
    },
    /** A poll of a file: in 'on-poll' mode it moves time to when the file is processed. */
    retrieve: ({ world, now, polled }: Ctx<S, R>, id: string): Ok<Shown> | Failure => {
      const file = findFile(world, id, now, rules.outputs);
      if (!file) return rules.notFound(id);
      polled(file.readyAt);
      return { json: rules.render(file, now, world) };
    },
    remove: <Deleted>({ world, now }: Ctx<S, R>, id: string, deleted: Deleted): Ok<Deleted> | Failure =>
      deleteFile(world, id, now, rules.outputs) ? { json: deleted } : rules.notFound(id),
    content: ({ world, now }: Ctx<S, R>, id: string): Bytes | Failure => {
      const file = findFile(world, id, now, rules.outputs);
      return file ? { blob: file.blob, type: rules.contentType, filename: file.filename } : rules.notFound(id);
    },
    /** This key's files, newest first. */
    list: ({ world, now }: Ctx<S, R>): FileRecord[] => filesOf(world, now, rules.outputs),
    render: (file: FileRecord, { world, now }: Ctx<S, R>): Shown => rules.render(file, now, world),
  };
}
