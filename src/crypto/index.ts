/**
 * @module The one crypto module shared by the browser bundles, the Worker and the Node CLI.
 */
export * from './attachment';
export * from './constancia';
export * from './encoding';
export * from './envelope';
export * from './proof-of-work';
export * from './proofs';
export * from './receipt';
export * from './recipient-keys';
export type { Sodium } from './sodium';
export * from './reader-list';
export * from './signed-message';
export * from './report-envelope';
export * from './recovery';
export * from './share';
