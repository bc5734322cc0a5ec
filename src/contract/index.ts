/**
 * @module The HTTP contract in one place: request schemas (zod, which validate every request and
 * generate the OpenAPI document in src/openapi/), the answers' types and the error codes. It imports
 * only zod, src/domain and (as types) src/crypto and src/trends, never the Worker's bindings, so the
 * browser bundles can use it too.
 */
export * from './ids';
export * from './errors';
export * from './submission';
export * from './console';
export * from './mailbox';
export * from './share';
export * from './trends';
export * from './attachments';
export type * from './responses';
export type * from './console-responses';
