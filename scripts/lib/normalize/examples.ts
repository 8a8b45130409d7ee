import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { parseComponentRef, lookupComponent } from '../refs.js';
import { exampleSites, type ExampleSite } from './walk.js';

const DOC_ID = 'tunekit:trimmed-document';

export interface ExampleCounts {
  checked: number;
  dropped: number;
  unchecked: number;
  droppedAt: string[];
}

type Validator = (value: JsonValue) => boolean | undefined;

function createValidatorFactory(doc: JsonObject): (schemaPointer: string) => Validator {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false, logger: false });
  ajv.addSchema(structuredClone(doc), DOC_ID);
  const cache = new Map<string, ValidateFunction | undefined>();
  return (schemaPointer) => {
    if (!cache.has(schemaPointer)) {
      let compiled: ValidateFunction | undefined;
      try {
        compiled = ajv.getSchema(`${DOC_ID}#${encodeURI(schemaPointer)}`);
      } catch {
        compiled = undefined;
      }
      cache.set(schemaPointer, compiled);
    }
    const validate = cache.get(schemaPointer);
    return (value) => (validate === undefined ? undefined : validate(value) === true);
  };
}

function exampleValue(doc: JsonObject, entry: JsonValue): { value: JsonValue } | undefined {
  if (!isObject(entry)) return undefined;
  const ref = entry['$ref'];
  if (typeof ref === 'string') {
    const component = parseComponentRef(ref);
    const target = component === undefined ? undefined : lookupComponent(doc, component);
    return target === undefined ? undefined : exampleValue(doc, target);
  }
  const value = entry['value'];
  return value === undefined ? undefined : { value };
}

interface SiteContext {
  doc: JsonObject;
  validate: Validator;
  counts: ExampleCounts;
}

function judge(context: SiteContext, value: JsonValue, where: string): boolean {
  const verdict = context.validate(value);
  if (verdict === undefined) {
    context.counts.unchecked += 1;
    return true;
  }
  context.counts.checked += 1;
  if (!verdict) {
    context.counts.dropped += 1;
    context.counts.droppedAt.push(where);
  }
  return verdict;
}

function pruneSchemaExamples(site: ExampleSite, context: SiteContext): void {
  const list = site.holder['examples'];
  if (!Array.isArray(list)) return;
  const kept = list.filter((value, index) => judge(context, value, `${site.pointer}/examples/${index}`));
  if (kept.length === 0) delete site.holder['examples'];
  else site.holder['examples'] = kept;
}

function pruneNamedExamples(site: ExampleSite, context: SiteContext): void {
  const map = site.holder['examples'];
  if (!isObject(map)) return;
  for (const [name, entry] of Object.entries(map)) {
    const resolved = exampleValue(context.doc, entry);
    if (resolved === undefined) continue;
    if (!judge(context, resolved.value, `${site.pointer}/examples/${name}`)) delete map[name];
  }
  if (Object.keys(map).length === 0) delete site.holder['examples'];
}

function pruneSite(site: ExampleSite, context: SiteContext): void {
  const example = site.holder['example'];
  if (example !== undefined && !judge(context, example, `${site.pointer}/example`)) delete site.holder['example'];
  if (site.kind === 'schema') pruneSchemaExamples(site, context);
  else pruneNamedExamples(site, context);
}

export function dropInvalidExamples(doc: JsonObject): ExampleCounts {
  const counts: ExampleCounts = { checked: 0, dropped: 0, unchecked: 0, droppedAt: [] };
  const sites = exampleSites(doc);
  const factory = createValidatorFactory(doc);
  for (const site of sites) {
    const hasSchema = site.kind === 'schema' || isObject(site.holder['schema']);
    const validate: Validator = hasSchema ? factory(site.schemaPointer) : () => undefined;
    pruneSite(site, { doc, validate, counts });
  }
  return counts;
}
