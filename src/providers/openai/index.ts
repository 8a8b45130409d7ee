/**
 * The OpenAI fine-tuning client alone: importing it loads no other provider.
 *
 * @packageDocumentation
 * @module tunekit/openai
 */
export * from './client.js';
