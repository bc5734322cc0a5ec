/**
 * @module The libsodium handle every crypto function takes as its first argument.
 *
 * The runtime (browser bundle, Worker, Node CLI) loads libsodium its own way and passes the
 * ready instance in; this layer never imports an implementation itself (Bitwarden's split).
 */
import type sodiumType from 'libsodium-wrappers';

/** A ready libsodium-wrappers instance (standard or sumo build). */
export type Sodium = typeof sodiumType;
