import { z } from 'zod';
import { NormalizedCallRecordSchema } from '../contracts/call-record';
import { ProblemSchema } from '../contracts/problem';
import { QueryFilterSchema } from '../contracts/query-filter';
import { QueryResponseSchema } from '../contracts/query-response';

/**
 * The document's components, registered here and nowhere else: the
 * contracts stay plain schemas, and what the document shows is explicit.
 */
function componentRegistry() {
  const registry = z.registry<{ id: string }>();
  registry.add(QueryFilterSchema, { id: 'QueryFilter' });
  registry.add(QueryResponseSchema, { id: 'QueryResponse' });
  registry.add(NormalizedCallRecordSchema, { id: 'NormalizedCallRecord' });
  registry.add(ProblemSchema, { id: 'Problem' });
  return registry;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

/**
 * The OpenAPI 3.1 document for the query function, built from the same zod
 * schemas that validate requests, so the docs cannot drift from the code.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  // Each registered schema becomes a component; field descriptions still come from .describe() (z.globalRegistry).
  // `input` shows what a caller may send; the response schemas have no transforms, so input and output agree.
  const { schemas } = z.toJSONSchema(componentRegistry(), {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  for (const schema of Object.values(schemas)) {
    // A fragment-only $id is not valid JSON Schema 2020-12; the component key already names it.
    delete (schema as { $schema?: unknown }).$schema;
    delete (schema as { $id?: unknown }).$id;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'AICCS call records: query function',
      version: '1.0.0',
      description:
        'Validated, normalized access to AICCS HotlineSessionQuery (aiccs 2019-10-15). Time ranges are half-open [startTime, endTime). PascalCase API parameter names (InstanceId, QueryStartTime, …) are accepted as aliases.',
    },
    paths: {
      '/': {
        post: {
          operationId: 'queryCallRecords',
          summary: 'Query call detail records',
          requestBody: { required: true, content: { 'application/json': { schema: ref('QueryFilter') } } },
          responses: {
            '200': {
              description: 'Normalized records. NDJSON and CSV carry page facts in X-Total-Count, X-Has-More, X-Page-No, X-Page-Size.',
              content: {
                'application/json': { schema: ref('QueryResponse') },
                'application/x-ndjson': { schema: ref('NormalizedCallRecord') },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            '400': problem('Body is not valid JSON (MALFORMED_JSON)'),
            '403': problem('Instance not in AICCS_INSTANCE_IDS (INSTANCE_NOT_ALLOWED)'),
            '404': problem('AICCS does not know the instance (INSTANCE_NOT_FOUND)'),
            '406': problem('Accept names no format we produce (NOT_ACCEPTABLE)'),
            '413': problem('Body over 64 KiB (PAYLOAD_TOO_LARGE)'),
            '415': problem('Body is not JSON (UNSUPPORTED_MEDIA_TYPE)'),
            '422': problem('Filter failed validation (VALIDATION_FAILED), with errors[]'),
            '502': problem('AICCS failed or refused the function (UPSTREAM_*)'),
            '503': problem('AICCS still throttling after retries (UPSTREAM_THROTTLED), with Retry-After'),
            '504': problem('AICCS did not answer in time (UPSTREAM_TIMEOUT)'),
          },
        },
      },
      '/openapi.json': {
        get: { operationId: 'getOpenApiDocument', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } },
      },
    },
    components: { schemas },
  };
}
