/**
 * @module libsodium for Node scripts: the sumo build, which has Argon2id (crypto_pwhash).
 */
import sodium from 'libsodium-wrappers-sumo';
import type { Sodium } from '../../src/crypto';

export async function loadNodeSodium(): Promise<Sodium> {
  await sodium.ready;
  return sodium as unknown as Sodium;
}
