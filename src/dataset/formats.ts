/**
 * The checks of one example against a profile's format rules. Provider-neutral: every provider difference is
 * a field of the rules (`profile.ts`). Each check reports through `report(code, field, message)` and adds the
 * example's text to `measure` for the statistics.
 */
import { formatBytes } from '../core/format.js';
import { isRecord } from '../core/records.js';
import { suggestKey } from '../core/check.js';
import type { DatasetIssueCode } from '../core/dataset-codes.js';
import type { ChatRules, ContentRules, DatasetProfile, ImageRules, PreferenceRules, Severity } from './profile.js';
import type { TokenCounter } from '../core/dataset-report.js';
import type { DatasetFormat } from '../core/dataset-report.js';

type Json = Record<string, unknown>;

/** The keys that make a line one format or another (all must be present). */
const detectionKeys: Readonly<Record<DatasetFormat, readonly string[]>> = {
  chat: ['messages'],
  preference: ['input', 'preferred_output', 'non_preferred_output'],
  instruction: ['prompt', 'completion'],
  text: ['text'],
  pretokenized: ['token_ids'],
};

const FORMATS = Object.keys(detectionKeys) as DatasetFormat[];

/** A value as a message shows it: short JSON for plain values, the kind for lists and objects. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isRecord(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** The keys a format with tools (`tools: true`) adds to a role's messages, checked by `toolCalls` and `message`. */
const TOOL_KEYS: Readonly<Record<string, readonly string[]>> = { assistant: ['tool_calls'], tool: ['tool_call_id'] };
const DATA_URL = /^data:image\/([a-zA-Z0-9.+-]+);base64,/;

/** What one example holds, for the statistics. */
export class Measure {
  characters = 0;
  tokens = 0;
  messages = 0;
  images = 0;
  masked = 0;
  constructor(private readonly counter: TokenCounter) {}

  text(value: string): void {
    this.characters += value.length;
    this.tokens += this.counter.count(value);
  }

  reset(): void {
    this.characters = this.tokens = this.messages = this.images = this.masked = 0;
  }
}

/** Where a check reports a problem of the current line. */
export type Report = (severity: Severity, code: DatasetIssueCode, field: string | undefined, message: string) => void;

export class ExampleChecker {
  /** The profile's formats, each with its detection keys. */
  private readonly supported: readonly DatasetFormat[];
  /** The rules of `messages` lines: the chat format's, or the reinforcement rules when the method asks for them. */
  private readonly chatRules: ChatRules | undefined;
  /** The tool call ids of the example being checked (cleared per example). */
  private readonly callIds = new Set<string>();

  constructor(
    private readonly profile: DatasetProfile,
    private readonly measure: Measure,
    private readonly report: Report,
    method?: 'supervised' | 'preference' | 'reinforcement',
  ) {
    this.supported = FORMATS.filter((format) => profile.formats[format] !== undefined);
    this.chatRules = method === 'reinforcement' ? profile.reinforcement : profile.formats.chat;
  }

  private error(code: DatasetIssueCode, field: string | undefined, message: string): void {
    this.report('error', code, field, message);
  }

  private warn(code: DatasetIssueCode, field: string | undefined, message: string): void {
    this.report('warning', code, field, message);
  }

  /** The provider formats whose keys are all in `line`; on none or several, the problem is reported. */
  detect(line: Json): DatasetFormat | undefined {
    const supported = this.supported;
    let match: DatasetFormat | undefined;
    let count = 0;
    for (const format of supported) {
      const keys = detectionKeys[format];
      let all = true;
      for (const key of keys) if (!(key in line)) all = false;
      if (all) {
        match = format;
        count++;
      }
    }
    if (count === 1) return match;
    const matches = supported.filter((format) => detectionKeys[format].every((key) => key in line));
    const name = (format: DatasetFormat): string => `${this.label(format)} (${detectionKeys[format].join(', ')})`;
    if (matches.length > 1) {
      this.error('format.ambiguous', undefined, `the line has the keys of two formats, ${matches.map(name).join(' and ')}; keep one`);
      return undefined;
    }
    const accepted = `${this.profile.provider} accepts ${supported.map(name).join(', ')}`;
    const foreign = FORMATS.find((format) => !supported.includes(format) && detectionKeys[format].every((key) => key in line));
    if (foreign) {
      this.error(
        'format.unknown',
        undefined,
        `${detectionKeys[foreign].join(', ')} is the ${foreign} format, which ${this.profile.provider} does not accept; ${accepted}`,
      );
      return undefined;
    }
    const partial = supported.find((format) => detectionKeys[format].some((key) => key in line));
    if (partial) {
      const missing = detectionKeys[partial].filter((key) => !(key in line));
      this.error(
        'key.missing',
        missing[0],
        `${missing.join(', ')} is missing: the ${this.label(partial)} format needs ${detectionKeys[partial].join(', ')}`,
      );
      return undefined;
    }
    const known = supported.flatMap((format) => detectionKeys[format]);
    const keys = Object.keys(line);
    const hints = keys.map((key) => [key, suggestKey(key, known)] as const).filter(([, hint]) => hint !== undefined);
    const hint = hints.length ? ` (did you mean ${hints.map(([key, to]) => `${to} for ${key}`).join(', ')}?)` : '';
    this.error('format.unknown', hints[0]?.[0], `no format has the keys ${keys.length ? keys.join(', ') : '(none)'}${hint}; ${accepted}`);
    return undefined;
  }

  label(format: DatasetFormat): string {
    if (format === 'chat' && this.chatRules) return this.chatRules.label;
    return this.profile.formats[format]?.label ?? format;
  }

  /** Checks `line` as `format` (a format of the profile). */
  check(line: Json, format: DatasetFormat): void {
    const formats = this.profile.formats;
    const chat = this.chatRules;
    if (format === 'chat' && chat) {
      if (!chat.otherKeys) this.topKeys(line, chat.keys, chat.label);
      this.chat(line, chat, '');
    } else if (format === 'preference' && formats.preference) this.preference(line, formats.preference);
    else if (format === 'instruction' && formats.instruction) this.instruction(line, formats.instruction.parts);
    else if (format === 'text') {
      this.topKeys(line, ['text'], this.label('text'));
      this.string(line.text, 'text', 'a string');
    } else if (format === 'pretokenized') this.pretokenized(line);
  }

  private topKeys(line: Json, keys: readonly string[], label: string): void {
    for (const key in line) {
      if (keys.includes(key)) continue;
      const hint = suggestKey(key, keys);
      this.report(
        this.profile.extraKeys,
        'key.unknown',
        key,
        `${key} is not a key of the ${label} format (keys: ${keys.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
  }

  private nestedKeys(value: Json, keys: readonly string[], at: string, what: string): void {
    for (const key in value) {
      if (keys.includes(key)) continue;
      const hint = suggestKey(key, keys);
      this.warn(
        'key.unknown',
        `${at}.${key}`,
        `${at}.${key} is not a key of ${what} (keys: ${keys.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
  }

  /** A required string (`what` says what it must be); counted as text. Empty is a warning. */
  private string(value: unknown, field: string, what: string): value is string {
    if (typeof value !== 'string') {
      this.error('type.invalid', field, `${field} = ${show(value)} must be ${what}`);
      return false;
    }
    if (value.length === 0) this.warn('value.empty', field, `${field} is an empty string: nothing to train on`);
    this.measure.text(value);
    return true;
  }

  /** Checks `owner.messages` (and its tools); returns the function names the example defines. */
  private chat(owner: Json, rules: ChatRules, prefix: string): Set<string> | undefined {
    const messages = owner.messages;
    const at = `${prefix}messages`;
    if (!Array.isArray(messages)) {
      this.error('type.invalid', at, `${at} = ${show(messages)} must be a list of messages`);
      return undefined;
    }
    if (messages.length === 0) {
      this.error('messages.empty', at, `${at} is empty: a ${rules.label} example needs at least one message`);
      return undefined;
    }
    // Most lines define no tools: no definitions to read, and the call ids seen are one set cleared per example.
    const tools =
      rules.tools && (owner.tools !== undefined || owner.functions !== undefined || owner.parallel_tool_calls !== undefined)
        ? this.tools(owner, prefix)
        : undefined;
    const callIds = this.callIds;
    callIds.clear();
    let previous: string | undefined;
    let assistant = false;
    let mixed: boolean | undefined;
    let images = 0;
    let last: Json | undefined;
    for (let i = 0; i < messages.length; i++) {
      const message: unknown = messages[i];
      const field = `${at}[${i}]`;
      last = undefined;
      if (!isRecord(message)) {
        this.error('type.invalid', field, `${field} = ${show(message)} must be an object with role and content`);
        previous = undefined;
        continue;
      }
      const role = message.role;
      if (typeof role !== 'string' || !(role in rules.roles)) {
        const roles = Object.keys(rules.roles);
        if (role === undefined) this.error('key.missing', `${field}.role`, `${field}.role is missing (one of ${roles.join(', ')})`);
        else {
          const hint = typeof role === 'string' ? suggestKey(role, roles) : undefined;
          this.error(
            'role.invalid',
            `${field}.role`,
            `${field}.role = ${show(role)} is not one of ${roles.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`,
          );
        }
        previous = undefined;
        continue;
      }
      last = message;
      if (i === 0 && rules.firstRoles && !rules.firstRoles.includes(role)) {
        this.error(
          'role.first',
          `${field}.role`,
          `${field}.role = "${role}": a ${rules.label} must start with ${rules.firstRoles.join(' or ')}`,
        );
      }
      // Tool answers to parallel calls follow each other: that is not a repeated turn.
      if (rules.alternate && role === previous && role !== 'tool') {
        this.error(
          'role.repeated',
          `${field}.role`,
          `${field}.role = "${role}" repeats the role of the message before; roles must alternate (user, assistant, user, …)`,
        );
      }
      previous = role;
      if (role === 'assistant') assistant = true;
      const result = this.message(message, role, field, rules, tools, callIds);
      images += result.images;
      if (result.multimodal !== undefined && rules.content.noMixing) {
        if (mixed === undefined) mixed = result.multimodal;
        else if (mixed !== result.multimodal) {
          this.error(
            'content.mixed',
            `${field}.content`,
            `${field}.content is ${result.multimodal ? 'a list' : 'a string'} while earlier messages use ${mixed ? 'lists' : 'strings'}: all messages of an example must be text-only or all multimodal`,
          );
          mixed = result.multimodal;
        }
      }
    }
    this.measure.messages += messages.length;
    this.measure.tokens += this.profile.template.perMessage * messages.length + this.profile.template.perExample;
    const imageRules = rules.content.images;
    if (imageRules && images > imageRules.maxPerExample) {
      this.error('image.too-many', at, `${at} has ${images} images; at most ${imageRules.maxPerExample} per example`);
    }
    if (rules.requireAssistant && !assistant) {
      const hint =
        this.profile.reinforcement && prefix === ''
          ? ` (reinforcement fine-tuning data has none: check it with method 'reinforcement')`
          : '';
      this.error('assistant.missing', at, `${at} has no assistant message: a ${rules.label} example needs at least one to train on${hint}`);
    }
    const end = `${at}[${messages.length - 1}]`;
    if (rules.lastRole && last !== undefined) {
      if (last.role !== rules.lastRole) {
        this.error('role.last', `${end}.role`, `${end}.role = "${String(last.role)}": the last message must be from the ${rules.lastRole}`);
      } else if (typeof last.content !== 'string' || last.content.length === 0) {
        this.error(
          'role.last',
          `${end}.content`,
          `${end} has no text content: the last ${rules.lastRole} message must be the answer, not a tool call`,
        );
      }
    }
    return tools;
  }

  /** One message of a known role: its keys, weight, content, name and tool fields. */
  private message(
    message: Json,
    role: string,
    field: string,
    rules: ChatRules,
    tools: Set<string> | undefined,
    callIds: Set<string>,
  ): { multimodal: boolean | undefined; images: number } {
    const keys = rules.roles[role] ?? [];
    const toolKeys = rules.tools ? TOOL_KEYS[role] : undefined;
    for (const key in message) {
      if (keys.includes(key) || toolKeys?.includes(key)) continue;
      if (key === 'weight' && rules.weightRoles.length > 0) {
        this.error(
          'weight.role',
          `${field}.weight`,
          `${field}.weight is set on a ${role} message; only ${rules.weightRoles.join(', ')} messages carry a weight`,
        );
        continue;
      }
      const hint = suggestKey(key, keys);
      this.warn(
        'key.unknown',
        `${field}.${key}`,
        `${field}.${key} is not a key of a ${role} message (keys: ${keys.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
    const weight = message.weight;
    if (weight !== undefined && keys.includes('weight')) {
      if (weight !== 0 && weight !== 1) this.error('weight.invalid', `${field}.weight`, `${field}.weight = ${show(weight)} must be 0 or 1`);
      else if (weight === 0 && role === 'assistant') this.measure.masked++;
    }
    // Every provider's chat schema types `name` as a string, even where the fine-tuning format does not list it.
    if (typeof message.name === 'string') {
      if (keys.includes('name')) {
        this.measure.text(message.name);
        this.measure.tokens += this.profile.template.perName;
      }
    } else if (message.name !== undefined) {
      this.error('type.invalid', `${field}.name`, `${field}.name = ${show(message.name)} must be a string`);
    }
    const calls = rules.tools && role === 'assistant' && (message.tool_calls !== undefined || message.function_call !== undefined);
    if (calls) this.toolCalls(message, field, tools, callIds);
    if (rules.tools && role === 'tool') {
      const id = message.tool_call_id;
      if (typeof id !== 'string') {
        this.error(
          id === undefined ? 'key.missing' : 'type.invalid',
          `${field}.tool_call_id`,
          `${field}.tool_call_id = ${show(id)} must be the id of an earlier tool call (a string)`,
        );
      } else if (!callIds.has(id)) {
        this.error(
          'tool.call-id',
          `${field}.tool_call_id`,
          `${field}.tool_call_id = ${show(id)} matches no tool call of an earlier assistant message`,
        );
      }
    }
    if (rules.tools && role === 'function' && typeof message.name !== 'string') {
      this.error('key.missing', `${field}.name`, `${field}.name is missing: a function message names the function it answers`);
    }
    const result = this.content(message.content, `${field}.content`, role, rules.content, calls);
    const images = rules.content.images;
    if (result.images > 0 && images?.weightMustBeZero && weight !== undefined && weight !== 0) {
      this.error('image.weight', `${field}.weight`, `${field}.weight = ${show(weight)}: a message with images must have weight 0`);
    }
    return result;
  }

  /** A message's content: a string, or a list of parts where the role allows one; absent only beside tool calls. */
  private content(
    content: unknown,
    field: string,
    role: string,
    rules: ContentRules,
    calls: boolean,
  ): { multimodal: boolean | undefined; images: number } {
    const parts = rules.parts[role];
    if (content === undefined || content === null) {
      if (!calls)
        this.error(
          'content.missing',
          field,
          `${field} is ${content === null ? 'null' : 'missing'}: a ${role} message needs content${role === 'assistant' && this.chatRules?.tools ? ' (or tool_calls)' : ''}`,
        );
      return { multimodal: undefined, images: 0 };
    }
    if (typeof content === 'string') {
      if (content.length === 0 && role === 'assistant' && !calls)
        this.warn('value.empty', field, `${field} is an empty string: the assistant answer teaches nothing`);
      this.measure.text(content);
      return { multimodal: false, images: 0 };
    }
    if (!Array.isArray(content) || parts === undefined) {
      this.error(
        'type.invalid',
        field,
        `${field} = ${show(content)} must be a string${parts ? ' or a list of content parts' : ''} in a ${role} message`,
      );
      return { multimodal: undefined, images: 0 };
    }
    if (content.length === 0) this.error('value.empty', field, `${field} is an empty list of content parts`);
    let images = 0;
    for (let j = 0; j < content.length; j++) {
      const part: unknown = content[j];
      const at = `${field}[${j}]`;
      if (!isRecord(part) || typeof part.type !== 'string') {
        this.error('type.invalid', at, `${at} = ${show(part)} must be a content part with a type (${parts.join(', ')})`);
        continue;
      }
      if (!parts.includes(part.type)) {
        this.error(
          'part.invalid',
          `${at}.type`,
          `${at}.type = ${show(part.type)} is not allowed in a ${role} message (allowed: ${parts.join(', ')})`,
        );
        continue;
      }
      if (part.type === 'text') this.string(part.text, `${at}.text`, 'a string');
      else if (part.type === 'refusal') this.string(part.refusal, `${at}.refusal`, 'a string');
      else if (part.type === 'image_url') {
        images++;
        if (rules.images) this.image(part, at, role, rules.images);
      }
    }
    this.measure.images += images;
    return { multimodal: true, images };
  }

  private image(part: Json, at: string, role: string, rules: ImageRules): void {
    if (!rules.roles.includes(role)) {
      this.error('image.role', at, `${at} is an image in a ${role} message; only ${rules.roles.join(', ')} messages may carry images`);
      return;
    }
    const image = part.image_url;
    const url = isRecord(image) ? image.url : undefined;
    if (typeof url !== 'string') {
      this.error(
        'type.invalid',
        `${at}.image_url.url`,
        `${at}.image_url.url = ${show(url)} must be a string (a data URL${rules.dataUrlsOnly ? '' : ' or a link'})`,
      );
      return;
    }
    const data = DATA_URL.exec(url);
    const formats = rules.formats.join(', ');
    if (data === null) {
      if (rules.dataUrlsOnly || !/^https?:\/\//.test(url)) {
        this.error(
          'image.url',
          `${at}.image_url.url`,
          `${at}.image_url.url = ${show(url)} must be ${rules.dataUrlsOnly ? '' : 'an https link or '}a base64 data URL "data:image/<${formats}>;base64,…"`,
        );
      }
      return;
    }
    const format = (data[1] ?? '').toLowerCase();
    if (!rules.formats.includes(format === 'jpg' ? 'jpeg' : format)) {
      this.error('image.url', `${at}.image_url.url`, `${at}.image_url.url is a data URL of image/${format}; accepted: ${formats}`);
    }
    const bytes = Math.floor(((url.length - data[0].length) * 3) / 4);
    if (bytes > rules.maxBytes) {
      this.error(
        'image.too-large',
        `${at}.image_url.url`,
        `${at}.image_url.url holds about ${formatBytes(bytes)} of image; at most ${formatBytes(rules.maxBytes)}`,
      );
    }
  }

  /** `tools` / `functions` / `parallel_tool_calls` of a chat example: the function names it defines. */
  private tools(owner: Json, prefix: string): Set<string> | undefined {
    let names: Set<string> | undefined;
    const define = (list: unknown, key: 'tools' | 'functions'): void => {
      const at = `${prefix}${key}`;
      if (list === undefined) return;
      if (!Array.isArray(list)) {
        this.error('tools.invalid', at, `${at} = ${show(list)} must be a list of ${key === 'tools' ? 'tools' : 'function definitions'}`);
        return;
      }
      names ??= new Set<string>();
      for (let i = 0; i < list.length; i++) {
        const item: unknown = list[i];
        const field = `${at}[${i}]`;
        const fn = key === 'tools' && isRecord(item) ? item.function : item;
        if (key === 'tools' && (!isRecord(item) || item.type !== 'function')) {
          this.error('tools.invalid', `${field}.type`, `${field}.type = ${show(isRecord(item) ? item.type : item)} must be "function"`);
          continue;
        }
        const fnField = key === 'tools' ? `${field}.function` : field;
        if (!isRecord(fn)) {
          this.error('tools.invalid', fnField, `${fnField} = ${show(fn)} must be an object with name, description and parameters`);
          continue;
        }
        if (typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) {
          this.error('tools.invalid', `${fnField}.name`, `${fnField}.name = ${show(fn.name)} must be 1 to 64 letters, digits, _ or -`);
        } else names.add(fn.name);
        if (fn.description !== undefined && typeof fn.description !== 'string') {
          this.error('tools.invalid', `${fnField}.description`, `${fnField}.description = ${show(fn.description)} must be a string`);
        }
        if (fn.parameters !== undefined && !isRecord(fn.parameters)) {
          this.error(
            'tools.invalid',
            `${fnField}.parameters`,
            `${fnField}.parameters = ${show(fn.parameters)} must be a JSON Schema object`,
          );
        }
      }
      this.measure.text(JSON.stringify(list));
    };
    define(owner.tools, 'tools');
    if (this.chatRules?.keys.includes('functions')) define(owner.functions, 'functions');
    const parallel = owner.parallel_tool_calls;
    if (parallel !== undefined && typeof parallel !== 'boolean') {
      this.error('type.invalid', `${prefix}parallel_tool_calls`, `${prefix}parallel_tool_calls = ${show(parallel)} must be true or false`);
    }
    return names;
  }

  private toolCalls(message: Json, field: string, tools: Set<string> | undefined, callIds: Set<string>): void {
    const call = (fn: unknown, at: string): void => {
      if (!isRecord(fn) || typeof fn.name !== 'string') {
        this.error(
          'tool_call.invalid',
          `${at}.name`,
          `${at}.name = ${show(isRecord(fn) ? fn.name : fn)} must be the function's name (a string)`,
        );
        return;
      }
      if (tools !== undefined && !tools.has(fn.name)) {
        this.warn(
          'tool_call.unknown',
          `${at}.name`,
          `${at}.name = ${show(fn.name)} is not among the example's tools (${[...tools].join(', ') || 'none'})`,
        );
      }
      this.measure.text(fn.name);
      if (typeof fn.arguments !== 'string') {
        this.error('tool_call.invalid', `${at}.arguments`, `${at}.arguments = ${show(fn.arguments)} must be a string of JSON`);
        return;
      }
      this.measure.text(fn.arguments);
      try {
        JSON.parse(fn.arguments);
      } catch {
        this.warn('tool_call.arguments', `${at}.arguments`, `${at}.arguments = ${show(fn.arguments)} is not valid JSON`);
      }
    };
    const calls = message.tool_calls;
    if (calls !== undefined) {
      if (!Array.isArray(calls) || calls.length === 0) {
        this.error(
          'tool_call.invalid',
          `${field}.tool_calls`,
          `${field}.tool_calls = ${show(calls)} must be a non-empty list of tool calls`,
        );
      } else {
        for (let i = 0; i < calls.length; i++) {
          const item: unknown = calls[i];
          const at = `${field}.tool_calls[${i}]`;
          if (!isRecord(item)) {
            this.error('tool_call.invalid', at, `${at} = ${show(item)} must be an object with id, type and function`);
            continue;
          }
          if (typeof item.id !== 'string') this.error('tool_call.invalid', `${at}.id`, `${at}.id = ${show(item.id)} must be a string`);
          else callIds.add(item.id);
          if (item.type !== 'function') this.error('tool_call.invalid', `${at}.type`, `${at}.type = ${show(item.type)} must be "function"`);
          call(item.function, `${at}.function`);
        }
      }
    }
    if (message.function_call !== undefined) call(message.function_call, `${field}.function_call`);
  }

  private preference(line: Json, rules: PreferenceRules): void {
    this.topKeys(line, rules.keys, rules.label);
    const input = line.input;
    let tools: Set<string> | undefined;
    const callIds = new Set<string>();
    if (!isRecord(input)) {
      this.error('type.invalid', 'input', `input = ${show(input)} must be an object with messages`);
    } else {
      this.nestedKeys(input, ['messages', ...rules.inputKeys], 'input', 'the preference input');
      if (input.messages === undefined) this.error('key.missing', 'input.messages', 'input.messages is missing: the prompt conversation');
      else {
        tools = this.chat(input, rules.input, 'input.');
        const messages = input.messages;
        const last: unknown = Array.isArray(messages) ? messages[messages.length - 1] : undefined;
        if (isRecord(last) && last.role === 'assistant') {
          const at = `input.messages[${(messages as unknown[]).length - 1}]`;
          this.error(
            'preference.input-last',
            `${at}.role`,
            `${at}.role = "assistant": the input must end with the prompt, not an assistant answer`,
          );
        }
      }
    }
    const outputs: (string | undefined)[] = [];
    for (const key of ['preferred_output', 'non_preferred_output']) {
      const output = line[key];
      if (!Array.isArray(output) || output.length !== 1 || !isRecord(output[0])) {
        this.error('preference.output', key, `${key} = ${show(output)} must be a list of exactly one assistant message`);
        continue;
      }
      const message = output[0];
      const at = `${key}[0]`;
      if (message.role !== 'assistant') {
        this.error('preference.output', `${at}.role`, `${at}.role = ${show(message.role)} must be "assistant"`);
        continue;
      }
      const keys = rules.input.roles.assistant ?? ['role', 'content'];
      this.nestedKeys(message, rules.input.tools ? [...keys, ...(TOOL_KEYS.assistant ?? [])] : keys, at, 'an assistant message');
      // A preferred (or non-preferred) answer may be a tool call where the format has tools.
      const calls = rules.input.tools && (message.tool_calls !== undefined || message.function_call !== undefined);
      if (calls) this.toolCalls(message, at, tools, callIds);
      this.content(message.content, `${at}.content`, 'assistant', rules.input.content, calls);
      this.measure.messages++;
      this.measure.tokens += this.profile.template.perMessage;
      outputs.push(JSON.stringify([message.content, message.tool_calls, message.function_call]));
    }
    if (outputs.length === 2 && outputs[0] === outputs[1]) {
      this.warn(
        'preference.identical',
        'non_preferred_output',
        'preferred_output and non_preferred_output are the same: the pair teaches no preference',
      );
    }
  }

  private instruction(line: Json, parts: boolean): void {
    this.topKeys(line, detectionKeys.instruction, this.label('instruction'));
    const rules: ContentRules = {
      parts: parts ? { user: ['text', 'image_url'], assistant: ['text'] } : {},
      noMixing: false,
      ...(parts ? { images: this.profile.formats.chat?.content.images } : {}),
    };
    for (const [key, role] of [
      ['prompt', 'user'],
      ['completion', 'assistant'],
    ] as const) {
      const value = line[key];
      if (typeof value === 'string') this.string(value, key, 'a string');
      else if (parts && Array.isArray(value)) this.content(value, key, role, rules, false);
      else this.error('type.invalid', key, `${key} = ${show(value)} must be a string${parts ? ' or a list of content parts' : ''}`);
    }
  }

  private pretokenized(line: Json): void {
    this.topKeys(line, ['token_ids', 'labels'], this.label('pretokenized'));
    const ids = line.token_ids;
    if (!Array.isArray(ids) || ids.length === 0) {
      this.error('tokens.invalid', 'token_ids', `token_ids = ${show(ids)} must be a non-empty list of token ids`);
      return;
    }
    const bad = ids.findIndex((id) => !Number.isInteger(id) || (id as number) < 0);
    if (bad >= 0) this.error('tokens.invalid', `token_ids[${bad}]`, `token_ids[${bad}] = ${show(ids[bad])} must be a non-negative integer`);
    this.measure.tokens += ids.length;
    const labels = line.labels;
    if (labels === undefined) return;
    if (!Array.isArray(labels)) {
      this.error('type.invalid', 'labels', `labels = ${show(labels)} must be a list of integers (-100 masks a position)`);
      return;
    }
    if (labels.length !== ids.length) {
      this.error(
        'labels.length',
        'labels',
        `labels has ${labels.length} entries and token_ids ${ids.length}: there is one label per token`,
      );
    }
    const wrong = labels.findIndex((label) => !Number.isInteger(label) || ((label as number) < 0 && label !== -100));
    if (wrong >= 0)
      this.error('labels.invalid', `labels[${wrong}]`, `labels[${wrong}] = ${show(labels[wrong])} must be a token id or -100 (masked)`);
  }
}
