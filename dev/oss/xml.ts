/**
 * The little XML the server needs: rendering response documents and reading the
 * CompleteMultipartUpload part list. Response bodies are small and flat, so a
 * tuple tree is enough; no XML library is involved.
 */

import { OssError } from './errors';

/** `[elementName, text]` or `[elementName, children]`. */
export type XmlNode = readonly [string, string | number | boolean | readonly XmlNode[]];

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escape text for use inside an element. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Undo {@link escapeXml} plus numeric character references. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });
}

function renderNode([name, content]: XmlNode): string {
  if (Array.isArray(content)) {
    return `<${name}>${(content as readonly XmlNode[]).map(renderNode).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(content))}</${name}>`;
}

/** Render a whole document with the XML declaration OSS sends. */
export function renderXml(root: XmlNode): string {
  return XML_DECLARATION + renderNode(root);
}

/** One entry of a CompleteMultipartUpload body. */
export interface CompletePart {
  readonly partNumber: number;
  readonly etag: string;
}

/**
 * Read `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…` in document order.
 *
 * @throws OssError `MalformedXML` when the root or a part's fields are missing or invalid.
 */
export function parseCompleteParts(xml: string): CompletePart[] {
  if (!/<CompleteMultipartUpload\b[^>]*>[\s\S]*<\/CompleteMultipartUpload>/.test(xml)) {
    throw new OssError('MalformedXML', {
      message: 'Expected a <CompleteMultipartUpload> document listing the parts, got a body without that root element.',
    });
  }
  const parts: CompletePart[] = [];
  for (const match of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const inner = match[1] ?? '';
    const numberText = /<PartNumber>\s*([^<]*?)\s*<\/PartNumber>/.exec(inner)?.[1];
    const etagText = /<ETag>\s*([^<]*?)\s*<\/ETag>/.exec(inner)?.[1];
    const partNumber = Number(numberText);
    if (numberText === undefined || !Number.isInteger(partNumber) || etagText === undefined) {
      throw new OssError('MalformedXML', {
        message: `Expected every <Part> to have an integer <PartNumber> and an <ETag>, got ${JSON.stringify(inner.trim())}.`,
      });
    }
    parts.push({ partNumber, etag: unescapeXml(etagText) });
  }
  if (parts.length === 0) {
    throw new OssError('MalformedXML', { message: 'Expected at least one <Part> in <CompleteMultipartUpload>, got none.' });
  }
  return parts;
}
