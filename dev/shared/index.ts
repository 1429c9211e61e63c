/**
 * Plumbing the local servers (dev/aiccs, dev/oss, dev/fc-gateway) share,
 * written once: body reading, listening and closing, replay protection,
 * rate limiting and seeded randomness.
 */
export { closeServer, listen, type ListeningAddress } from './http-server';
export { NonceCache } from './nonce-cache';
export { createRandom, createWeightedPicker, hashString, pick, randomInt, type Random, type Weighted } from './prng';
export { readRequestBody, type RequestBody } from './request-body';
export { TokenBucket } from './token-bucket';
