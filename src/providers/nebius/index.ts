/**
 * The Nebius Token Factory client alone: importing it loads no other provider.
 *
 * @packageDocumentation
 * @module tunekit/nebius
 */
export * from './client.js';
