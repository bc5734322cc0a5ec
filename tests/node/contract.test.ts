import { describe, expect, it } from 'vitest';
import * as contract from '../../src/contract';

// Loaded here in plain Node, with no Worker bindings: the browser bundles can import it too.
describe('the HTTP contract', () => {
  it('should define one id shape for every route', () => {
    expect(contract.hexId.safeParse('0123456789abcdef0123456789abcdef').success).toBe(true);
    expect(contract.hexId.safeParse('0123456789ABCDEF0123456789ABCDEF').success).toBe(false);
    expect(contract.keyIdSchema.safeParse('0123456789abcdef').success).toBe(true);
    expect(contract.keyIdSchema.safeParse('0123456789abcdef0').success).toBe(false);
  });

  it('should read path parameters with one spelling per chunk', () => {
    const id = 'a'.repeat(32);
    expect(contract.caseParams.safeParse({ id }).success).toBe(true);
    expect(contract.caseParams.safeParse({ id: `${id}0` }).success).toBe(false);
    expect(contract.caseChunkParams.safeParse({ id, attachmentId: id, index: '12' })).toMatchObject({ success: true, data: { index: 12 } });
    expect(contract.caseChunkParams.safeParse({ id, attachmentId: id, index: '00' }).success).toBe(false);
    expect(contract.caseChunkParams.safeParse({ id, attachmentId: id, index: '1000' }).success).toBe(false);
    expect(contract.chunkParams.safeParse({ reportId: id, attachmentId: id, index: '99999' })).toMatchObject({ success: true, data: { index: 99_999 } });
    expect(contract.chunkParams.safeParse({ reportId: id, attachmentId: id, index: '01' }).success).toBe(false);
  });
});
