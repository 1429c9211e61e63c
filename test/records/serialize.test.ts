import { describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../lib/contracts/call-record';
import { normalizeRecords } from '../../lib/records/normalize';
import { toCsv, toNdjson } from '../../lib/records/serialize';
import { aWireRecord } from '../builders/records';

const records = normalizeRecords([aWireRecord(), aWireRecord({ Id: 'second', ServicerName: 'Smith, "Jo"', MemberName: 'line\nbreak', CallContinueTime: null })], {
  instanceId: 'ccc_xp_pre-cn-abc123',
  sourceTimeZone: 'Asia/Shanghai',
});

describe('toNdjson', () => {
  it('writes one parseable record per line, newline-terminated', () => {
    const text = toNdjson(records);
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toStrictEqual(records);
  });
});

describe('toCsv', () => {
  it('writes an RFC 4180 header and rows, every string quoted, numbers bare', () => {
    const lines = toCsv(records).split('\r\n');
    expect(lines[0]).toBe(RECORD_FIELDS.join(','));
    expect(lines[1]).toBe(
      '"ccc_xp_pre-cn-abc123","acc1c58dab4a4dd280e3813c66","7719786","outbound","normal","0571773","135615*****","1861111****","123456","自动化技能组","555555","刘测试","7856876","匿名会员","2020-10-02T22:32:55+08:00","2020-10-02T22:32:55+08:00","2020-10-02T22:32:59+08:00","2020-10-02T22:32:59+08:00","2020-10-02T22:33:09+08:00","2020-10-02T22:33:09+08:00","2020-10-02T22:33:46+08:00",4,10,37,4,4,"customer","12","12","agent"',
    );
    const second = toCsv(records).split('\r\n').slice(2).join('\r\n');
    expect(second).toContain('"Smith, ""Jo"""');
    expect(second).toContain('"line\nbreak"');
    // null is an empty, unquoted field: callContinueTime sits between ringContinueTime (10) and evaluationLevel (4).
    expect(second).toContain(',10,,4,');
    expect(second).not.toMatch(/(^|,)""(,|\r|$)/);
    expect(toCsv(records).endsWith('\r\n')).toBe(true);
  });
});
