import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_EMBED_POLICY, shouldEmbed, type TrackEmbedHistory } from '../../src-main/engine/live/embed-policy.js';

const fresh: TrackEmbedHistory = { embeddings: 0, lastEmbeddedAt: null, bestEmbeddedQuality: 0, named: false };
const namedAt = (t: number, quality = 0.5): TrackEmbedHistory => ({ embeddings: 1, lastEmbeddedAt: t, bestEmbeddedQuality: quality, named: true });

describe('shouldEmbed', () => {
  const table: Array<{ name: string; history: TrackEmbedHistory; face: { sizePx: number; quality: number }; now: number; expected: string | null }> = [
    { name: 'a new track with a usable face', history: fresh, face: { sizePx: 60, quality: 0.3 }, now: 0, expected: 'new-track' },
    { name: 'a new track whose face is too small', history: fresh, face: { sizePx: 20, quality: 0.9 }, now: 0, expected: null },
    { name: 'named, same quality, 1 s later: nothing', history: namedAt(0), face: { sizePx: 60, quality: 0.5 }, now: 1000, expected: null },
    { name: 'named, clearly better view 1 s later', history: namedAt(0), face: { sizePx: 60, quality: 0.7 }, now: 1000, expected: 'better-view' },
    { name: 'named, slightly better view (below the factor)', history: namedAt(0), face: { sizePx: 60, quality: 0.6 }, now: 1000, expected: null },
    { name: 'better view but too soon after the last', history: namedAt(0), face: { sizePx: 60, quality: 0.9 }, now: 300, expected: null },
    { name: 'refresh after the interval even at equal quality', history: namedAt(0), face: { sizePx: 60, quality: 0.5 }, now: 3000, expected: 'refresh' },
    { name: 'an unknown track is retried after a second', history: { ...fresh, embeddings: 1, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 1000, expected: 'still-unknown' },
    { name: 'an unknown track is not retried sooner (unless the view is clearly better)', history: { ...fresh, embeddings: 1, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 900, expected: null },
    { name: 'the first tries of an unknown track come every second', history: { ...fresh, embeddings: 2, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 1000, expected: 'still-unknown' },
    { name: 'after the quick tries named nobody, the next waits 2 s', history: { ...fresh, embeddings: 3, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 1500, expected: null },
    { name: 'after the quick tries, retried at 2 s', history: { ...fresh, embeddings: 3, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 2000, expected: 'still-unknown' },
    { name: 'a long-unknown track waits no longer than the refresh interval', history: { ...fresh, embeddings: 9, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 3000, expected: 'refresh' },
    { name: 'a long-unknown track is not retried before the refresh interval', history: { ...fresh, embeddings: 9, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.3 }, now: 2900, expected: null },
    { name: 'a long-unknown track still gets a clearly better view', history: { ...fresh, embeddings: 9, lastEmbeddedAt: 0, bestEmbeddedQuality: 0.5 }, face: { sizePx: 60, quality: 0.7 }, now: 600, expected: 'better-view' },
    { name: 'a named track is not retried at one second', history: namedAt(0), face: { sizePx: 60, quality: 0.3 }, now: 1000, expected: null },
  ];
  for (const row of table) test(row.name, () => assert.equal(shouldEmbed(row.history, row.face, row.now), row.expected));

  for (const named of [true, false]) test(`steady state (${named ? 'named' : 'stranger'}): a minute in view at 10 fps costs at most one embedding per second`, () => {
    const history: TrackEmbedHistory = { ...fresh };
    let embeddings = 0;
    for (let t = 0; t < 60_000; t += 100) {
      // quality wobbles a little, as real frames do, and the track is named after its first embedding
      const quality = 0.5 + 0.05 * Math.sin(t / 700);
      const reason = shouldEmbed(history, { sizePx: 80, quality }, t, DEFAULT_EMBED_POLICY);
      if (reason) {
        embeddings++;
        history.embeddings++;
        history.lastEmbeddedAt = t;
        history.bestEmbeddedQuality = Math.max(history.bestEmbeddedQuality, quality);
        history.named = named;
      }
    }
    // Named: refreshed every 3 s. A stranger: retried a second apart twice, after 2 s, then every 3 s as well.
    assert.ok(embeddings <= 60_000 / DEFAULT_EMBED_POLICY.refreshIntervalMs + 5, `${embeddings} embeddings in 60 s`);
    assert.ok(embeddings >= 60_000 / DEFAULT_EMBED_POLICY.refreshIntervalMs, 'the identity is still re-verified regularly');
  });
});
