import { NotAcceptableError } from '../errors';

export type RecordFormat = 'json' | 'ndjson' | 'csv';

const MEDIA_TYPES: ReadonlyArray<[string, RecordFormat]> = [
  ['application/json', 'json'],
  ['application/x-ndjson', 'ndjson'],
  ['text/csv', 'csv'],
];

/**
 * Picks the response format from Accept (q-values honoured; ties keep the
 * client's order). No Accept, or any wildcard, means JSON.
 * @throws NotAcceptableError when Accept names only types we cannot produce
 */
export function negotiateRecordFormat(accept: string | undefined): RecordFormat {
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = params.find((param) => param.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), index };
    })
    .filter((range) => range.type !== '' && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.type === '*/*' || range.type === 'application/*') return 'json';
    if (range.type === 'text/*') return 'csv';
    const match = MEDIA_TYPES.find(([type]) => type === range.type || (range.type === 'application/ndjson' && type === 'application/x-ndjson'));
    if (match) return match[1];
    if (range.type === 'application/problem+json') continue;
  }
  throw new NotAcceptableError(
    accept,
    MEDIA_TYPES.map(([type]) => type),
  );
}

export const CONTENT_TYPES: Readonly<Record<RecordFormat, string>> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};
