import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import RPCClient from '@alicloud/pop-core';
import { describe, expect, it } from 'vitest';
import { canonicalizeRpcParams, encodeRpcParams, popEncode, rpcStringToSign, signRpc, signRpcRequest, verifyRpcSignature } from '../../dev/aiccs/index';

/** Spec §10.1 inputs, already flattened the way pop-core flattens them. */
const VECTOR_PARAMS: Record<string, string> = {
  Action: 'HotlineSessionQuery',
  Format: 'JSON',
  Timestamp: '2024-01-02T03:04:05Z',
  Version: '2019-10-15',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  SignatureNonce: '3ee8c1b883d344afa94f4e0ad82fd6cf',
  AccessKeyId: 'testid',
  InstanceId: 'ccc_xp_pre-cn-abc123',
  PageNo: '1',
  PageSize: '50',
  QueryStartTime: '1704124800000',
  QueryEndTime: '1704211199999',
  'AcidList.1': '7719786001',
  'AcidList.2': '7719786002',
  'CallTypeList.1': '2',
  ServicerName: '刘 测试',
};

const VECTOR_CANONICAL =
  'AccessKeyId=testid&AcidList.1=7719786001&AcidList.2=7719786002&Action=HotlineSessionQuery&CallTypeList.1=2&Format=JSON' +
  '&InstanceId=ccc_xp_pre-cn-abc123&PageNo=1&PageSize=50&QueryEndTime=1704211199999&QueryStartTime=1704124800000' +
  '&ServicerName=%E5%88%98%20%E6%B5%8B%E8%AF%95&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b883d344afa94f4e0ad82fd6cf' +
  '&SignatureVersion=1.0&Timestamp=2024-01-02T03%3A04%3A05Z&Version=2019-10-15';

describe('signature v1 (spec §10.1 test vectors)', () => {
  it('canonicalizes the vector params exactly', () => {
    expect(canonicalizeRpcParams(VECTOR_PARAMS)).toBe(VECTOR_CANONICAL);
  });

  it('signs POST as 2IC0Tjf8VnmGLT46dUO0xw2yTJY=', () => {
    expect(signRpc('POST', VECTOR_PARAMS, 'testsecret')).toBe('2IC0Tjf8VnmGLT46dUO0xw2yTJY=');
  });

  it('signs GET as y4KvDeXXviuLhiclDv2yk1k3Hy4=', () => {
    expect(signRpc('GET', VECTOR_PARAMS, 'testsecret')).toBe('y4KvDeXXviuLhiclDv2yk1k3Hy4=');
  });

  it('builds the string to sign as METHOD&%2F&enc(canonical), upper-casing the method', () => {
    const sts = rpcStringToSign('post', VECTOR_PARAMS);
    expect(sts.startsWith('POST&%2F&AccessKeyId%3Dtestid%26AcidList.1%3D7719786001')).toBe(true);
    expect(sts).toBe(`POST&%2F&${popEncode(VECTOR_CANONICAL)}`);
  });

  it('ignores an existing Signature param when canonicalizing', () => {
    expect(canonicalizeRpcParams({ ...VECTOR_PARAMS, Signature: 'whatever' })).toBe(VECTOR_CANONICAL);
  });
});

describe('popEncode', () => {
  it.each([
    ['a b', 'a%20b'],
    ["!'()*", '%21%27%28%29%2A'],
    ['~-_.', '~-_.'],
    ['/', '%2F'],
    ['+', '%2B'],
    ['刘', '%E5%88%98'],
  ])('encodes %j as %j', (input, expected) => {
    expect(popEncode(input)).toBe(expected);
  });
});

describe('canonical key order', () => {
  it('sorts raw keys by UTF-16 code units: AcidList.1 < AcidList.10 < AcidList.2 < Action', () => {
    const params = { Action: 'x', 'AcidList.2': 'b', 'AcidList.10': 'j', 'AcidList.1': 'a' };
    expect(canonicalizeRpcParams(params)).toBe('AcidList.1=a&AcidList.10=j&AcidList.2=b&Action=x');
  });
});

describe('verifyRpcSignature', () => {
  it('accepts the right signature and rejects a wrong or differently sized one', () => {
    expect(verifyRpcSignature('POST', VECTOR_PARAMS, 'testsecret', '2IC0Tjf8VnmGLT46dUO0xw2yTJY=')).toBe(true);
    expect(verifyRpcSignature('GET', VECTOR_PARAMS, 'testsecret', '2IC0Tjf8VnmGLT46dUO0xw2yTJY=')).toBe(false);
    expect(verifyRpcSignature('POST', VECTOR_PARAMS, 'testsecret', 'short')).toBe(false);
  });
});

describe('signRpcRequest', () => {
  it('reproduces the vector when given the same timestamp and nonce', () => {
    const { AccessKeyId, Action, Version, Timestamp, SignatureNonce, Format, SignatureMethod, SignatureVersion, ...business } = VECTOR_PARAMS;
    const signed = signRpcRequest({
      method: 'POST',
      action: 'HotlineSessionQuery',
      version: '2019-10-15',
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      params: business,
      timestamp: '2024-01-02T03:04:05Z',
      nonce: '3ee8c1b883d344afa94f4e0ad82fd6cf',
    });
    expect(signed['Signature']).toBe('2IC0Tjf8VnmGLT46dUO0xw2yTJY=');
    expect(encodeRpcParams(signed)).toBe(`${VECTOR_CANONICAL}&Signature=2IC0Tjf8VnmGLT46dUO0xw2yTJY%3D`);
  });
});

describe('agreement with the real pop-core', () => {
  it('produces the same body pop-core sends, and the same signature', async () => {
    // Arrange: a bare server capturing what pop-core POSTs.
    let captured = '';
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured = Buffer.concat(chunks).toString('utf8');
        res.setHeader('content-type', 'application/json');
        res.end('{"Code":"Success"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new RPCClient({ endpoint: `http://127.0.0.1:${port}`, apiVersion: '2019-10-15', accessKeyId: 'testid', accessKeySecret: 'testsecret' });

    // Act
    await client.request(
      'HotlineSessionQuery',
      { InstanceId: 'i-1', AcidList: Array.from({ length: 11 }, (_, i) => `a${i + 1}`), ServicerName: "O'Neil (x)*" },
      { method: 'POST' },
    );
    server.close();

    // Assert: re-encoding the decoded params with our code gives pop-core's exact bytes.
    const params = Object.fromEntries(new URLSearchParams(captured));
    expect(encodeRpcParams(params)).toBe(captured);
    expect(signRpc('POST', params, 'testsecret')).toBe(params['Signature']);
    expect(captured).toContain('ServicerName=O%27Neil%20%28x%29%2A');
  });
});
