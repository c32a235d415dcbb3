import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { VigilError } from '../../src-main/engine/errors.js';
import { matcherConfigSchema, resolveMatcherConfig } from '../../src-main/engine/remote/matcher-config.js';
import { loadSiteConfig } from '../../src-main/engine/site-config.js';

describe('matcher config', () => {
  test('no section: local, 5 requests/s, 5-minute track cache', () => {
    assert.deepEqual(resolveMatcherConfig(undefined), { mode: 'local', requestsPerSecond: 5, trackCacheTtlS: 300 });
  });

  test('a remote mode with everything given keeps it', () => {
    const config = { mode: 'hybrid', region: 'eu-west-1', collectionId: 'site-1.faces_A', endpoint: 'https://rekognition.eu-west-1.amazonaws.com', requestsPerSecond: 2.5, trackCacheTtlS: 60 } as const;
    assert.deepEqual(resolveMatcherConfig(config), config);
  });

  const bad: { name: string; section: unknown; message: RegExp }[] = [
    { name: 'unknown mode', section: { mode: 'cloud' }, message: /mode must be one of local, hybrid, rekognition/ },
    { name: 'hybrid without region and collection', section: { mode: 'hybrid' }, message: /region is required when mode is hybrid[\s\S]*collectionId is required when mode is hybrid/ },
    { name: 'rekognition without collection', section: { mode: 'rekognition', region: 'us-east-1' }, message: /collectionId is required when mode is rekognition/ },
    { name: 'a region that is not one', section: { region: 'Europe' }, message: /region must be an AWS region name/ },
    { name: 'collection id with a space', section: { collectionId: 'my faces' }, message: /collectionId must be 1-255 letters/ },
    { name: 'endpoint not a URL', section: { endpoint: 'localhost:4566' }, message: /endpoint must be an http/ },
    { name: 'endpoint with credentials in it', section: { endpoint: 'https://key:secret@example.com' }, message: /without a user name or password/ },
    { name: 'endpoint ftp', section: { endpoint: 'ftp://example.com' }, message: /endpoint must be an http/ },
    { name: 'zero requests per second', section: { requestsPerSecond: 0 }, message: /requestsPerSecond must be more than 0/ },
    { name: 'too many requests per second', section: { requestsPerSecond: 1000 }, message: /requestsPerSecond must be at most 100/ },
    { name: 'TTL not whole seconds', section: { trackCacheTtlS: 1.5 }, message: /trackCacheTtlS must be a whole number/ },
    { name: 'TTL zero', section: { trackCacheTtlS: 0 }, message: /trackCacheTtlS must be at least 1/ },
    { name: 'credentials are not config', section: { accessKeyId: 'AKID' }, message: /accessKeyId/ },
  ];
  for (const row of bad) {
    test(`refused: ${row.name}`, () => {
      const parsed = matcherConfigSchema.safeParse(row.section);
      assert.equal(parsed.success, false);
      assert.match(parsed.error!.issues.map((i) => i.message).join('\n'), row.message);
    });
  }

  test('config.json: a bad matcher section is a clear BAD_REQUEST naming the key; a good one gets its defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-matcher-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ matcher: { mode: 'rekognition', region: 'eu-west-1' } }));
      assert.throws(
        () => loadSiteConfig(dir),
        (error: unknown) => error instanceof VigilError && error.code === 'BAD_REQUEST' && /matcher\.collectionId/.test(error.message) && /collectionId is required when mode is rekognition/.test(error.message),
      );
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ matcher: { mode: 'hybrid', region: 'eu-west-1', collectionId: 'site' } }));
      assert.deepEqual(loadSiteConfig(dir).matcher, { mode: 'hybrid', region: 'eu-west-1', collectionId: 'site', requestsPerSecond: 5, trackCacheTtlS: 300 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
