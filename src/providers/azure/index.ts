/**
 * The Azure OpenAI fine-tuning client alone: importing it loads no other provider.
 *
 * @packageDocumentation
 * @module tunekit/azure
 */
export * from './client.js';
