import { describe, expect, it } from 'vitest';
import { normalizeRecords } from '../../lib/records/normalize';
import { createPhoneMasker, hashPhone, maskPhone } from '../../lib/records/phone-masking';
import { aWireRecord } from '../builders/records';

describe('phone masking', () => {
  it.each([
    { value: '13812345678', masked: '*******5678' },
    { value: '+86 138-1234-5678', masked: '+** ***-****-5678' },
    { value: '0571773****', masked: '***1773****' },
    { value: '1234', masked: '1234' },
  ])('masks $value as $masked (all but the last four digits)', ({ value, masked }) => {
    expect(maskPhone(value)).toBe(masked);
  });

  it('hashes with HMAC-SHA256 under the key: stable, keyed, not the number', () => {
    const a = hashPhone('13812345678', 'k'.repeat(16));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPhone('13812345678', 'k'.repeat(16))).toBe(a);
    expect(hashPhone('13812345678', 'j'.repeat(16))).not.toBe(a);
  });

  it('masks calling, called and trunk numbers and a phone transfer target, nothing else', () => {
    const [record] = normalizeRecords(
      [
        aWireRecord({
          CallingNumber: '13812345678',
          CalledNumber: '13987654321',
          TrunkCall: '057188889999',
          PassiveTransferId: '13700001111',
          PassiveTransferIdType: '2',
          ServicerId: '12345678901',
        }),
      ],
      { instanceId: 'i', sourceTimeZone: 'Asia/Shanghai' },
    );
    const masked = createPhoneMasker({ mode: 'mask' })(record!);
    expect(masked).toMatchObject({
      callingNumber: '*******5678',
      calledNumber: '*******4321',
      trunkCall: '********9999',
      passiveTransferId: '*******1111',
      servicerId: '12345678901',
    });
    const agentTransfer = createPhoneMasker({ mode: 'mask' })({ ...record!, passiveTransferIdType: 'agent', passiveTransferId: '555555' });
    expect(agentTransfer.passiveTransferId).toBe('555555');
    expect(createPhoneMasker({ mode: 'none' })(record!)).toBe(record);
  });

  it('refuses hash without a key', () => {
    expect(() => createPhoneMasker({ mode: 'hash' })).toThrow(/PHONE_HASH_KEY/);
  });
});
