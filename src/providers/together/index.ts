/**
 * The Together AI client alone: importing it loads no other provider.
 *
 * @packageDocumentation
 * @module tunekit/together
 */
export * from './client.js';
