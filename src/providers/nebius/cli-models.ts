import type { NebiusModel } from './client.js';
import { formatDate } from '../../cli/format.js';
import type { Output } from '../../cli/output.js';
import { dateOf } from '../../core/records.js';

/** Nebius custom models, as `tunekit models …` shows them. */

const text = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);

export function showModel(out: Output, model: NebiusModel): void {
  if (out.json) return out.value(model);
  out.details([
    ['name', text(model.name)],
    ['status', text(model['status'])],
    ['base model', text(model['base_model'])],
    ['source', text(model['source'])],
    ['created', formatDate(dateOf(model.created_at))],
    ['description', text(model.description)],
    ['reason', text(model['status_reason'])],
  ]);
}

export async function showModels(out: Output, models: NebiusModel[]): Promise<void> {
  if (out.json) return out.value(models);
  await out.table(
    ['NAME', 'STATUS', 'BASE MODEL', 'CREATED'],
    models.map((m) => [text(m.name), text(m['status']), text(m['base_model']), formatDate(dateOf(m.created_at))]),
  );
}
