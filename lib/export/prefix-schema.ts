import type { ExportFormat } from '../contracts/export-format';
import { parseSchemaDocument, schemaDocument, schemaDocumentKey, serializeSchemaDocument } from '../contracts/schema-document';
import { CorruptStateError, FormatConflictError } from '../errors';
import type { RunContext } from './types';
import { isoUtc } from './windows';

/**
 * One format per prefix, checked once at the start of a run before anything
 * is written: the prefix's `_schema.json` names its format. The first export
 * to a prefix creates it (create-only, so two first runs in different formats
 * cannot both win); a run asking for another format throws
 * FormatConflictError (FORMAT_CONFLICT) and writes nothing.
 */
export async function claimPrefixFormat(format: ExportFormat, ctx: Pick<RunContext, 'store' | 'settings' | 'now' | 'logger'>): Promise<void> {
  const key = schemaDocumentKey(ctx.settings.prefix);
  let stored = await ctx.store.get(key);
  if (stored === undefined) {
    const created = await ctx.store.put(key, serializeSchemaDocument(schemaDocument(format, isoUtc(ctx.now()))), { contentType: 'application/json', createOnly: true });
    if (created.outcome === 'created') {
      ctx.logger.info('export prefix claimed', { key, format });
      return;
    }
    // Another run created it between our read and our write: its format decides.
    stored = await ctx.store.get(key);
  }
  const document = stored && parseSchemaDocument(stored);
  if (!document) throw new CorruptStateError(`\`${key}\` is not a valid schema document; fix or remove it (it fixes the format of the prefix)`);
  if (document.format !== format) throw new FormatConflictError(ctx.settings.prefix, document.format, format);
}
