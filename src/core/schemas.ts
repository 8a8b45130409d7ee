/**
 * A provider's request rules: compact on disk (`generated/<provider>.rules.ts`, written by scripts/lib/rules.ts,
 * short keys so that the client bundles stay small), named in memory (`Schema`). `schemasOf` decodes a rules
 * object once, lazily: an operation's schema when it is first asked for, a shared rule when first met.
 */

/** A rule as generated, or the name of a shared one in `Rules.s`. */
type EncodedRef = string | EncodedRule;

/** One schema of a provider's document reduced to its request constraints, in the generated encoding (see `Schema` for the meaning of each key). */
interface EncodedRule {
  /** types */
  t?: number;
  /** values */
  e?: readonly unknown[];
  /** bounds, `[min, max, exclusiveMin, exclusiveMax]`, `null` for none */
  b?: readonly (number | null)[];
  /** properties */
  p?: Record<string, EncodedRef>;
  /** required */
  r?: readonly string[];
  /** closed */
  x?: 1;
  /** additional */
  ap?: EncodedRef;
  /** items */
  i?: EncodedRef;
  /** anyOf */
  u?: readonly EncodedRef[];
  /** allOf */
  a?: readonly EncodedRef[];
  /** secret */
  h?: 1;
}

/** A provider's request rules as generated: shared rules by name (`s`), and per operation (`"POST /v1/fine_tuning/jobs"`) a rule over `{ path, query, body }` (`o`). */
export interface Rules {
  s: Readonly<Record<string, EncodedRule>>;
  o: Record<string, EncodedRule>;
}

/** The bits of `Schema.types`, one per JSON type; `number` has the bit of `integer` too (an integer is a number). */
export const JSON_TYPE = { string: 1, number: 6, integer: 4, boolean: 8, object: 16, array: 32, null: 64 } as const;

/** What a value's size may be: its value for a number, its length in code points for a string, its length for an array. */
export interface Bounds {
  min: number | undefined;
  max: number | undefined;
  exclusiveMin: number | undefined;
  exclusiveMax: number | undefined;
}

/** One schema's request constraints, as `checkValue` (src/core/validate.ts) reads them. Absent: no such constraint. */
export interface Schema {
  /** The JSON types allowed, as a sum of `JSON_TYPE` bits; any type when absent. */
  types?: number;
  /** The values allowed (`enum`, or `const` as one value), compared with `===`. */
  values?: readonly unknown[];
  bounds?: Bounds;
  /** An object's known fields, by name. */
  properties?: ReadonlyMap<string, Schema>;
  /** The fields an object must have. */
  required?: readonly string[];
  /** `additionalProperties: false`: a field `properties` does not name is an error. */
  closed: boolean;
  /** The schema of the fields `properties` does not name (`additionalProperties` as a schema). */
  additional?: Schema;
  /** The schema of each item of an array. */
  items?: Schema;
  /** `anyOf` / `oneOf`: one of these must pass. */
  anyOf?: readonly Schema[];
  /** `allOf`: every one of these must pass. */
  allOf?: readonly Schema[];
  /** The value is a secret: never shown in a problem or a record. */
  secret: boolean;
}

/** The schemas of one provider's rules. */
export interface Schemas {
  /** The schema of an operation's request, over `{ path, query, body }`; `undefined` when the document gives it no rules. */
  operation(key: string): Schema | undefined;
}

/** Per rules object, each encoded rule's schema by the rule object: a rule is decoded once, wherever and however often it is met. */
const decodedByRules = new WeakMap<Rules, Map<EncodedRule, Schema>>();

/**
 * The named schemas of a provider's generated rules, each decoded when first met and kept (an operation's when it
 * is first asked for): a shared rule is one `Schema` object at each place that names it, itself included.
 */
export function schemasOf(rules: Rules): Schemas {
  const decoded = decodedByRules.get(rules) ?? new Map<EncodedRule, Schema>();
  decodedByRules.set(rules, decoded);
  const decode = (ref: EncodedRef): Schema => {
    const rule = typeof ref === 'string' ? (rules.s[ref] ?? {}) : ref;
    let schema = decoded.get(rule);
    if (!schema) {
      // Kept before its fields are decoded, so that a reference back to it finds it.
      decoded.set(rule, (schema = { closed: false, secret: false }));
      Object.assign<Schema, Schema>(schema, {
        types: rule.t,
        values: rule.e,
        bounds: rule.b && {
          min: rule.b[0] ?? undefined,
          max: rule.b[1] ?? undefined,
          exclusiveMin: rule.b[2] ?? undefined,
          exclusiveMax: rule.b[3] ?? undefined,
        },
        properties: rule.p && new Map(Object.entries(rule.p).map(([name, child]) => [name, decode(child)])),
        required: rule.r,
        closed: !!rule.x,
        additional: rule.ap ? decode(rule.ap) : undefined,
        items: rule.i ? decode(rule.i) : undefined,
        anyOf: rule.u?.map(decode),
        allOf: rule.a?.map(decode),
        secret: !!rule.h,
      });
    }
    return schema;
  };
  return {
    operation(key) {
      const rule = rules.o[key];
      return rule && decode(rule);
    },
  };
}
