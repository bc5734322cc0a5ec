/**
 * Known answers for the server's own crypto steps (src/crypto/mail-report-id.ts, audit-hash.ts,
 * signin.ts, digest.ts). The expected values were computed by the code these modules replaced
 * (email/derive.ts, storage/audit.ts, lib/session.ts, the routes' inline digests), so a stored
 * report id, audit link or session key made before the move still matches.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import type { Sodium } from '../../src/crypto';
import { auditHash, GENESIS } from '../../src/crypto/audit-hash';
import { sealedBodyDigest, sha256Source, statementHash } from '../../src/crypto/digest';
import { mailReportId } from '../../src/crypto/mail-report-id';
import { decoySalt, sessionTokenHash } from '../../src/crypto/signin';
import { bodyOf } from '../../src/email/derive';

let s: Sodium;
beforeAll(async () => {
  s = await loadNodeSodium();
});

const secret = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8'; // bytes 20…3f
const raw = new TextEncoder().encode('Message-ID: <a@b.example>\r\nSubject: hola\r\n\r\nQuiero reportar algo.\r\n');

describe('server crypto known answers', () => {
  it('should derive the same mail report id, with and without a Message-ID', () => {
    expect(mailReportId(s, secret, 'demo-silao', { messageId: '<a@b.example>', body: bodyOf(raw) })).toBe('e728deebd74fa79ffbda7b62bd550d79');
    expect(mailReportId(s, secret, 'demo-silao', { raw })).toBe('9f1b4c83b109def54d300759e8752f2f');
    expect(mailReportId(s, secret, 'otra-planta', { raw })).not.toBe('9f1b4c83b109def54d300759e8752f2f');
  });

  it('should link the first audit entry to the genesis as before', () => {
    const e = { day: '2026-12-07', actor: 'k1', role: 'monitor', action: 'open', reportId: 'r1', outcome: 'ok' as const, detail: null };
    expect(auditHash(s, GENESIS, 1, e)).toBe('e79ff8badb779268270043695a471cee2a100338dd62c580d0302937786c39f5');
    expect(auditHash(s, GENESIS, 1, { ...e, detail: 'x' })).not.toBe('e79ff8badb779268270043695a471cee2a100338dd62c580d0302937786c39f5');
  });

  it('should hash session tokens and make decoy salts as before', () => {
    expect(sessionTokenHash(s, 'token-abc')).toBe('28b3f4e6df52a0e322e673c00d6ba6f08bd3c2a94443cabcf1344c82c5e2f2b9');
    expect(decoySalt(s, secret, 'abc')).toBe('xjIRwjYTN0YYQsvkZuUFQg');
  });

  it('should digest sealed bodies and reader-list statements as before', async () => {
    expect(sealedBodyDigest(s, raw)).toBe('SA8bPeQHp1UpHWpoNfHEoWnHJcbr5QArdXbvX3BcJ3g');
    expect(statementHash(s, 'statement ñ')).toBe('a0d56a1b3ec63bb192c7cc026f7eafaf3862f846bb0ab67940d590c8a1c06166');
    // SHA-256 of the empty string, as CSP writes it.
    expect(await sha256Source('')).toBe('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});
