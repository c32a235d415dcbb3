import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  backoffDelayMs,
  classifyFailure,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  type FailureKind,
} from '../../src-main/engine/remote/retry-policy.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe('classifyFailure', () => {
  const sdkError = (name: string, status: number | undefined, fault: 'client' | 'server' = status !== undefined && status >= 500 ? 'server' : 'client') =>
    Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
  const table: { name: string; error: unknown; expected: FailureKind }[] = [
    { name: 'ThrottlingException (400)', error: sdkError('ThrottlingException', 400), expected: 'throttled' },
    { name: 'ProvisionedThroughputExceededException (400)', error: sdkError('ProvisionedThroughputExceededException', 400), expected: 'throttled' },
    { name: 'HTTP 429 under any name', error: sdkError('SomethingElse', 429), expected: 'throttled' },
    { name: 'InternalServerError (500)', error: sdkError('InternalServerError', 500), expected: 'server-error' },
    { name: 'ServiceUnavailable (503)', error: sdkError('ServiceUnavailableException', 503), expected: 'server-error' },
    { name: 'server fault without a status', error: { name: 'X', $fault: 'server', $metadata: {} }, expected: 'server-error' },
    { name: 'InvalidParameterException (400)', error: sdkError('InvalidParameterException', 400), expected: 'client-error' },
    { name: 'ResourceNotFoundException (400)', error: sdkError('ResourceNotFoundException', 400), expected: 'client-error' },
    { name: 'AccessDeniedException (403)', error: sdkError('AccessDeniedException', 403), expected: 'client-error' },
    { name: 'connection refused', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), expected: 'unreachable' },
    { name: 'DNS failure', error: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), expected: 'unreachable' },
    { name: 'socket timeout', error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }), expected: 'timeout' },
    { name: 'network error as a cause', error: new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }) }), expected: 'unreachable' },
    { name: 'a plain Error', error: new Error('?'), expected: 'unknown' },
    { name: 'not an object', error: 'boom', expected: 'unknown' },
    { name: 'null', error: null, expected: 'unknown' },
  ];
  for (const row of table) test(row.name, () => assert.equal(classifyFailure(row.error), row.expected));
});

describe('decideRetry', () => {
  const half = () => 0.5;
  const table: { name: string; attemptsMade: number; kind: FailureKind; expected: ReturnType<typeof decideRetry> }[] = [
    { name: 'throttled after 1 attempt: retry, ceiling 100', attemptsMade: 1, kind: 'throttled', expected: { retry: true, delayMs: 50 } },
    { name: 'throttled after 2: ceiling doubles to 200', attemptsMade: 2, kind: 'throttled', expected: { retry: true, delayMs: 100 } },
    { name: '5xx after 3: ceiling 400', attemptsMade: 3, kind: 'server-error', expected: { retry: true, delayMs: 200 } },
    { name: 'timeout is retried', attemptsMade: 1, kind: 'timeout', expected: { retry: true, delayMs: 50 } },
    { name: 'the budget ends at maxAttempts', attemptsMade: 4, kind: 'throttled', expected: { retry: false, reason: 'attempts-exhausted' } },
    { name: 'a 4xx is never retried', attemptsMade: 1, kind: 'client-error', expected: { retry: false, reason: 'not-retryable' } },
    { name: 'unreachable is not retried (the matcher goes offline)', attemptsMade: 1, kind: 'unreachable', expected: { retry: false, reason: 'not-retryable' } },
    { name: 'unknown is not retried', attemptsMade: 1, kind: 'unknown', expected: { retry: false, reason: 'not-retryable' } },
  ];
  for (const row of table) test(row.name, () => assert.deepEqual(decideRetry(row.attemptsMade, row.kind, policy, half), row.expected));

  const notIdempotent: { kind: FailureKind; expected: ReturnType<typeof decideRetry> }[] = [
    { kind: 'throttled', expected: { retry: true, delayMs: 50 } },
    { kind: 'server-error', expected: { retry: false, reason: 'not-idempotent' } },
    { kind: 'timeout', expected: { retry: false, reason: 'not-idempotent' } },
    { kind: 'client-error', expected: { retry: false, reason: 'not-retryable' } },
  ];
  for (const row of notIdempotent) {
    test(`not idempotent (IndexFaces), ${row.kind}`, () => assert.deepEqual(decideRetry(1, row.kind, policy, half, false), row.expected));
  }
});

describe('backoffDelayMs (full jitter)', () => {
  const table = [
    { retryNumber: 1, random: 0, expected: 0 },
    { retryNumber: 1, random: 0.999, expected: 99 },
    { retryNumber: 4, random: 0.5, expected: 400 },
    // The ceiling stops at maxDelayMs.
    { retryNumber: 10, random: 0.5, expected: 500 },
    { retryNumber: 30, random: 0.999, expected: 999 },
    // A random source out of range is clamped.
    { retryNumber: 1, random: 7, expected: 100 },
    { retryNumber: 1, random: -1, expected: 0 },
  ];
  for (const row of table) {
    test(`retry ${row.retryNumber}, random ${row.random} → ${row.expected} ms`, () => assert.equal(backoffDelayMs(row.retryNumber, policy, () => row.random), row.expected));
  }

  test('seeded jitter is reproducible and spreads over the whole range', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const delays = Array.from({ length: 200 }, () => backoffDelayMs(3, DEFAULT_RETRY_POLICY, a));
    assert.deepEqual(delays, Array.from({ length: 200 }, () => backoffDelayMs(3, DEFAULT_RETRY_POLICY, b)));
    const ceiling = DEFAULT_RETRY_POLICY.baseDelayMs * 4;
    assert.ok(delays.every((d) => d >= 0 && d < ceiling));
    assert.ok(Math.min(...delays) < ceiling * 0.1 && Math.max(...delays) > ceiling * 0.9, 'full jitter covers 0..ceiling');
  });
});
