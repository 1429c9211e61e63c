import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../dev/shared/http-server';
import { readRequestBody, type RequestBody } from '../../dev/shared/request-body';

// One real server per test: the body reader sees exactly what a client sends over loopback.
let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

async function serveReading(maxBytes: number): Promise<{ url: string; results: Promise<RequestBody> }> {
  let deliver: (result: RequestBody) => void = () => undefined;
  const results = new Promise<RequestBody>((resolve) => (deliver = resolve));
  server = createServer((req, res) => {
    void readRequestBody(req, maxBytes).then((result) => {
      deliver(result);
      if (result.kind !== 'aborted') res.writeHead(result.kind === 'complete' ? 200 : 413).end(result.kind);
    });
  });
  const { url } = await listen(server, 0, '127.0.0.1');
  return { url, results };
}

describe('readRequestBody', () => {
  it('returns a chunked body whole', async () => {
    const { url, results } = await serveReading(1024);
    const response = await fetch(url, { method: 'POST', body: new Blob(['hello ', 'world']) });
    expect(response.status).toBe(200);
    const result = await results;
    expect(result.kind === 'complete' && result.body.toString()).toBe('hello world');
  });

  it('drains a body over the cap and still lets the server answer', async () => {
    const { url, results } = await serveReading(8);
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(100) });
    expect(response.status).toBe(413);
    expect(await results).toEqual({ kind: 'too-large', bytes: 100 });
  });

  it('reports a client that leaves mid-body as aborted', async () => {
    const { url, results } = await serveReading(1024);
    const client = request(url, { method: 'POST', headers: { 'content-length': '100' } });
    client.on('error', () => undefined);
    client.write('only part of it', () => client.destroy());
    expect(await results).toEqual({ kind: 'aborted' });
  });
});

describe('listen', () => {
  it('names the port in use in its error', async () => {
    server = createServer();
    const { port } = await listen(server, 0, '127.0.0.1');
    const second = createServer();
    await expect(listen(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
