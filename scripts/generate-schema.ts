// Writes the reader-side schema artifacts under schema/ from the zod record schema.
// `npm run schema` after any change to the record schema; a test fails while they differ.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { schemaArtifacts } from '../lib/records/schema-artifacts';

const root = new URL('..', import.meta.url).pathname;
for (const [path, text] of Object.entries(schemaArtifacts())) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
  console.log(`wrote ${path}`);
}
