/**
 * Valid files of every format of every provider (10+ examples each, so OpenAI's minimum is met), shared by
 * the good-files test and the schema cross-check.
 */
import type { DatasetFormat, DatasetProvider } from '../../src/dataset/index.js';
import { J, bot, call, chat, dataUrl, image, sys, text, user, weatherTool } from './helpers.js';

const many = (make: (i: number) => string, n = 12): string[] => Array.from({ length: n }, (_, i) => make(i));

const toolConversation = (i: number): string =>
  J({
    tools: [weatherTool],
    messages: [
      sys('You look up the weather.'),
      user(`Weather in city ${i}?`),
      bot(null, { tool_calls: [call(`call_${i}`, 'get_weather', J({ city: `City ${i}` }))] }),
      { role: 'tool', tool_call_id: `call_${i}`, content: J({ celsius: 10 + i }) },
      bot(`It is ${10 + i} °C in city ${i}.`),
    ],
  });

export const goodFiles: { provider: DatasetProvider; format: DatasetFormat; name: string; lines: string[] }[] = [
  // Together
  {
    provider: 'together',
    format: 'chat',
    name: 'conversation, multi-turn with weights',
    lines: many((i) => chat(sys(), user(`q${i}`), bot(`a${i}`, { weight: 0 }), user(`more ${i}`), bot(`b${i}`, { weight: 1 }))),
  },
  {
    provider: 'together',
    format: 'chat',
    name: 'conversation, multimodal',
    lines: many((i) =>
      chat(user([text(`What is in picture ${i}?`), image(dataUrl(['png', 'jpeg', 'webp'][i % 3]))]), bot([text(`A cat, number ${i}.`)])),
    ),
  },
  {
    provider: 'together',
    format: 'instruction',
    name: 'instruction',
    lines: many((i) => J({ prompt: `Capital of country ${i}?`, completion: `City ${i}` })),
  },
  {
    provider: 'together',
    format: 'text',
    name: 'general text',
    lines: many((i) => J({ text: `Document ${i}: fine-tuning adapts a model.` })),
  },
  {
    provider: 'together',
    format: 'preference',
    name: 'preference',
    lines: many((i) =>
      J({
        input: { messages: [sys(), user(`Greet person ${i}`)] },
        preferred_output: [bot(`Hello, person ${i}!`)],
        non_preferred_output: [bot('Go away.')],
      }),
    ),
  },
  // OpenAI
  {
    provider: 'openai',
    format: 'chat',
    name: 'chat with names and weights',
    lines: many((i) =>
      chat(sys(), { ...user(`q${i}`), name: 'alice' }, bot(`a${i}`, { weight: 0 }), user('again'), bot(`b${i}`, { weight: 1 })),
    ),
  },
  {
    provider: 'openai',
    format: 'chat',
    name: 'chat with tools',
    lines: many((i) => J({ ...JSON.parse(toolConversation(i)), parallel_tool_calls: false })),
  },
  {
    provider: 'openai',
    format: 'chat',
    name: 'chat with legacy functions',
    lines: many((i) =>
      J({
        functions: [weatherTool.function],
        messages: [
          user(`Weather ${i}?`),
          bot(null, { function_call: { name: 'get_weather', arguments: J({ city: `C${i}` }) } }),
          { role: 'function', name: 'get_weather', content: '20' },
          bot('20 °C'),
        ],
      }),
    ),
  },
  {
    provider: 'openai',
    format: 'chat',
    name: 'chat with images (data URLs and links)',
    lines: many((i) =>
      chat(user([text(`Picture ${i}?`), image(i % 2 ? dataUrl('jpeg') : `https://example.com/${i}.png`)]), bot(`A dog ${i}.`)),
    ),
  },
  {
    provider: 'openai',
    format: 'preference',
    name: 'preference (DPO) with tools',
    lines: many((i) =>
      J({
        input: { messages: [user(`Tell me a fact ${i}`)], tools: [weatherTool], parallel_tool_calls: true },
        preferred_output: [bot(`Fact ${i}.`)],
        non_preferred_output: [bot('No.')],
      }),
    ),
  },
  // Azure OpenAI takes OpenAI's formats (src/providers/azure/dataset.ts).
  {
    provider: 'azure',
    format: 'chat',
    name: 'chat with names, weights and tools',
    lines: many((i) =>
      J({ ...JSON.parse(toolConversation(i)), messages: [sys(), { ...user(`q${i}`), name: 'alice' }, bot(`a${i}`, { weight: 1 })] }),
    ),
  },
  {
    provider: 'azure',
    format: 'preference',
    name: 'preference (DPO)',
    lines: many((i) =>
      J({ input: { messages: [user(`Tell me a fact ${i}`)] }, preferred_output: [bot(`Fact ${i}.`)], non_preferred_output: [bot('No.')] }),
    ),
  },
  // Nebius
  {
    provider: 'nebius',
    format: 'chat',
    name: 'conversational',
    lines: many((i) => chat(sys(), user(`What's for dinner ${i}?`), bot('Pasta?'), user('Yes'), bot(`Pasta ${i} it is.`))),
  },
  { provider: 'nebius', format: 'chat', name: 'conversational with tools', lines: many(toolConversation) },
  {
    provider: 'nebius',
    format: 'instruction',
    name: 'instruction',
    lines: many((i) => J({ prompt: `Distance ${i}?`, completion: `${i} km` })),
  },
  { provider: 'nebius', format: 'text', name: 'text', lines: many((i) => J({ text: `user: hi ${i}\nassistant: hello` })) },
  {
    provider: 'nebius',
    format: 'pretokenized',
    name: 'pretokenized with labels',
    lines: many((i) => J({ token_ids: [1, 2, 3, i + 4], labels: [-100, -100, 3, i + 4] })),
  },
];
