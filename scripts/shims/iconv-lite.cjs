// Bundle-only stand-in for iconv-lite (480 KB minified). urllib, under
// ali-oss, loads it only to decode a response whose charset Buffer does not
// know; OSS answers UTF-8. Node's TextDecoder (full ICU) decodes the rest.
'use strict';

function decode(buffer, encoding) {
  return new TextDecoder(String(encoding || 'utf-8').toLowerCase()).decode(buffer);
}

function encodingExists(encoding) {
  try {
    new TextDecoder(String(encoding).toLowerCase());
    return true;
  } catch {
    return false;
  }
}

function encode(text, encoding) {
  const name = String(encoding || 'utf-8').toLowerCase();
  if (name !== 'utf-8' && name !== 'utf8') throw new Error(`iconv-lite shim: cannot encode to ${encoding}`);
  return Buffer.from(String(text), 'utf8');
}

module.exports = { decode, encode, encodingExists };
