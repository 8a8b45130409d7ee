import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { operationsOf, resolveSchema } from './pointer.js';
import { forEachSchema } from './walk.js';

/**
 * Quirks of a document generated as OpenAPI 3.0 from TypeSpec (Azure): extensions holding `$ref`s to files that are
 * not there, vendor-prefixed schema names, a `format` no tool knows, and the 3.0 version line itself.
 */

/** Removes every `x-*` key whose value holds a `$ref` that does not point into the document (`./examples/files.yaml`). */
export function dropExternalRefExtensions(node: JsonValue): number {
  let dropped = 0;
  const holdsExternalRef = (value: JsonValue): boolean => {
    if (Array.isArray(value)) return value.some(holdsExternalRef);
    if (!isObject(value)) return false;
    return Object.entries(value).some(
      ([key, child]) => (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) || holdsExternalRef(child),
    );
  };
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('x-') && holdsExternalRef(child)) {
        delete value[key];
        dropped += 1;
      } else {
        visit(child);
      }
    }
  };
  visit(node);
  return dropped;
}

const PREFIX = 'OpenAI.';
const SCHEMA_REF = '#/components/schemas/';

/** `OpenAI.FineTuningJob` → `FineTuningJob` (schema names and every `$ref` and discriminator mapping to them), unless the short name is taken. */
export function stripSchemaPrefix(doc: JsonObject): number {
  const components = doc['components'];
  const schemas = isObject(components) ? components['schemas'] : undefined;
  if (!isObject(schemas)) return 0;
  const renamed = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    const short = name.slice(PREFIX.length);
    if (name.startsWith(PREFIX) && short !== '' && !(short in schemas)) renamed.set(name, short);
  }
  if (renamed.size === 0) return 0;
  const target = (ref: string): string | undefined => {
    if (!ref.startsWith(SCHEMA_REF)) return undefined;
    const short = renamed.get(ref.slice(SCHEMA_REF.length));
    return short === undefined ? undefined : `${SCHEMA_REF}${short}`;
  };
  const rewrite = (value: JsonValue): void => {
    if (Array.isArray(value)) {
      value.forEach(rewrite);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') value[key] = target(child) ?? child;
      else if (key === 'mapping' && isObject(child)) {
        for (const [tag, ref] of Object.entries(child)) if (typeof ref === 'string') child[tag] = target(ref) ?? ref;
      } else rewrite(child);
    }
  };
  rewrite(doc);
  if (!isObject(components)) return 0;
  components['schemas'] = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [renamed.get(name) ?? name, schema]));
  return renamed.size;
}

/** `format: unixtime` (an integer of seconds, as every description says) is no format Ajv, Prism or the generator knows: removed. */
export function dropUnixtimeFormat(doc: JsonObject): number {
  let dropped = 0;
  forEachSchema(doc, (schema) => {
    if (schema['format'] !== 'unixtime') return;
    delete schema['format'];
    dropped += 1;
  });
  return dropped;
}

/** `openapi: 3.0.x` → `3.1.0`, once the 3.0 habits are rewritten (the pipeline reads every document as 3.1). */
export function upgradeVersion(doc: JsonObject): boolean {
  const version = doc['openapi'];
  if (typeof version !== 'string' || !version.startsWith('3.0')) return false;
  doc['openapi'] = '3.1.0';
  return true;
}

/**
 * A discriminator whose `mapping` leaves out a schema that extends it (`allOf` of it) and fixes the property to one
 * value (Azure's `Grader` maps five grader types, not `string_check`): openapi-typescript then takes the schema's
 * name as the value, and the type says `type: "GraderStringCheck" & "string_check"`. The missing entry is added.
 */
export function completeDiscriminatorMappings(doc: JsonObject): number {
  const components = doc['components'];
  const schemas = isObject(components) ? components['schemas'] : undefined;
  if (!isObject(schemas)) return 0;
  let added = 0;
  for (const [baseName, base] of Object.entries(schemas)) {
    const discriminator = isObject(base) ? base['discriminator'] : undefined;
    if (!isObject(discriminator) || typeof discriminator['propertyName'] !== 'string' || !isObject(discriminator['mapping'])) continue;
    const { mapping } = discriminator;
    const property = discriminator['propertyName'];
    const baseRef = `${SCHEMA_REF}${baseName}`;
    for (const [name, schema] of Object.entries(schemas)) {
      if (
        !isObject(schema) ||
        !Array.isArray(schema['allOf']) ||
        !schema['allOf'].some((part) => isObject(part) && part['$ref'] === baseRef)
      )
        continue;
      const properties = schema['properties'];
      const own = isObject(properties) ? properties[property] : undefined;
      const values = isObject(own) ? own['enum'] : undefined;
      const value = Array.isArray(values) && values.length === 1 ? values[0] : undefined;
      const ref = `${SCHEMA_REF}${name}`;
      if (typeof value !== 'string' || value in mapping || Object.values(mapping).includes(ref)) continue;
      mapping[value] = ref;
      added += 1;
    }
  }
  return added;
}

/**
 * A discriminator's base that a request names directly (Azure's `CreateFineTuningJobRequestIntegration`, `Grader`):
 * a value of it is one of the schemas its `mapping` names, each of which extends it with `allOf`. Read as written, the
 * base is an object of its `type` alone, so a closed base refuses every real value (`wandb`) and an open one checks
 * nothing. Each mapped schema takes the base's properties itself (its own `allOf` entry to the base dropped), and the
 * base becomes `anyOf` the mapped schemas: a value is checked against the one its `type` names.
 */
export function expandDiscriminatorBases(doc: JsonObject): number {
  const components = doc['components'];
  const schemas = isObject(components) ? components['schemas'] : undefined;
  if (!isObject(schemas)) return 0;
  let expanded = 0;
  for (const [baseName, base] of Object.entries(schemas)) {
    const discriminator = isObject(base) ? base['discriminator'] : undefined;
    if (!isObject(base) || !isObject(discriminator) || !isObject(discriminator['mapping']) || !isObject(base['properties'])) continue;
    const baseRef = `${SCHEMA_REF}${baseName}`;
    const refs = Object.values(discriminator['mapping']).filter((ref): ref is string => typeof ref === 'string');
    const members = refs.map((ref) => schemas[ref.slice(SCHEMA_REF.length)]);
    const extending = (member: JsonValue | undefined): member is JsonObject =>
      isObject(member) && Array.isArray(member['allOf']) && member['allOf'].some((part) => isObject(part) && part['$ref'] === baseRef);
    if (!refs.length || !refs.every((ref) => ref.startsWith(SCHEMA_REF)) || !members.every(extending)) continue;
    for (const member of members) {
      if (!extending(member) || !Array.isArray(member['allOf'])) continue;
      const rest = member['allOf'].filter((part) => !(isObject(part) && part['$ref'] === baseRef));
      if (rest.length) member['allOf'] = rest;
      else delete member['allOf'];
      const own = isObject(member['properties']) ? member['properties'] : {};
      member['properties'] = { ...base['properties'], ...own };
      const required = [
        ...(Array.isArray(base['required']) ? base['required'] : []),
        ...(Array.isArray(member['required']) ? member['required'] : []),
      ];
      if (required.length) member['required'] = [...new Set(required)];
    }
    for (const key of Object.keys(base)) if (key !== 'description' && key !== 'discriminator') delete base[key];
    base['anyOf'] = refs.map((ref) => ({ $ref: ref }));
    expanded += 1;
  }
  return expanded;
}

/**
 * A `multipart/form-data` body with a required object property and no `encoding` for it (Azure's `expires_after`): the
 * document does not say how the object is written in the form, so no validator can read it back (Prism takes the
 * field as a string and answers "must be object"). Clients write it in brackets, `expires_after[anchor]` and
 * `expires_after[seconds]` (the `openai` SDK's form encoding, and tunekit's): that is `style: deepObject`, which
 * is declared here.
 */
export function encodeMultipartObjects(doc: JsonObject): number {
  let declared = 0;
  for (const operation of operationsOf(doc)) {
    const body = resolveSchema(doc, operation['requestBody']);
    const content = body === undefined ? undefined : body['content'];
    const media = isObject(content) ? content['multipart/form-data'] : undefined;
    if (!isObject(media)) continue;
    const schema = resolveSchema(doc, media['schema']);
    const properties = schema === undefined ? undefined : schema['properties'];
    const required = schema === undefined ? undefined : schema['required'];
    if (!isObject(properties) || !Array.isArray(required)) continue;
    for (const [name, property] of Object.entries(properties)) {
      // Only a required one: Prism reads an absent deepObject field as `{}` and then asks for its required keys.
      if (!required.includes(name)) continue;
      const resolved = resolveSchema(doc, property);
      const isObjectSchema = resolved !== undefined && (resolved['type'] === 'object' || isObject(resolved['properties']));
      const encoding = isObject(media['encoding']) ? media['encoding'] : {};
      if (!isObjectSchema || encoding[name] !== undefined) continue;
      media['encoding'] = { ...encoding, [name]: { style: 'deepObject', explode: true } };
      declared += 1;
    }
  }
  return declared;
}
