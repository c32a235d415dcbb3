import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveFace } from '../../src-preload/contract.js';
import { tileFaceLines, tileFaceLinesFromKey, tileFacesKey } from '../../src-renderer/src/live/tile-faces.js';

function face(personName: string | null, status: LiveFace['status'], score: number | null, x = 10, trackId: number | null = 1): LiveFace {
  return { trackId, status, personName, score, bbox: { x, y: 20, width: 40, height: 50 } } as LiveFace;
}

describe('tileFaceLines: what a tile says about the faces in view', () => {
  const cases: Array<{ name: string; faces: LiveFace[]; showScores: boolean; expected: Array<{ status: LiveFace['status']; text: string }> }> = [
    { name: 'nobody', faces: [], showScores: false, expected: [] },
    { name: 'a member, name only', faces: [face('Ada Lovelace', 'member', 0.71)], showScores: false, expected: [{ status: 'member', text: 'Member: Ada Lovelace' }] },
    { name: 'a member with scores shown', faces: [face('Ada Lovelace', 'member', 0.71)], showScores: true, expected: [{ status: 'member', text: 'Member: Ada Lovelace 0.71' }] },
    { name: 'an unknown face', faces: [face(null, 'unknown', 0.2)], showScores: false, expected: [{ status: 'unknown', text: 'Unknown: Unknown' }] },
    { name: 'blocked then member, in the frame\'s order', faces: [face('Mallory', 'blocked', 0.6), face('Bob', 'member', null)], showScores: true, expected: [{ status: 'blocked', text: 'Blocked: Mallory 0.60' }, { status: 'member', text: 'Member: Bob' }] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(tileFaceLines(c.faces, c.showScores), c.expected);
      assert.deepEqual(tileFaceLinesFromKey(tileFacesKey(c.faces, c.showScores)), c.expected);
    });
  }
});

describe('tileFacesKey: the tile re-renders only when its words change', () => {
  test('moved boxes and wobbling scores give the same key while scores are hidden', () => {
    assert.equal(tileFacesKey([face('Ada', 'member', 0.71, 10)], false), tileFacesKey([face('Ada', 'member', 0.69, 30)], false));
  });
  test('a score change is a new key when scores are shown', () => {
    assert.notEqual(tileFacesKey([face('Ada', 'member', 0.71)], true), tileFacesKey([face('Ada', 'member', 0.69)], true));
  });
  test('a new name, status or face count is a new key', () => {
    const base = tileFacesKey([face(null, 'unknown', null)], false);
    assert.notEqual(base, tileFacesKey([face('Ada', 'member', null)], false));
    assert.notEqual(base, tileFacesKey([face(null, 'blocked', null)], false));
    assert.notEqual(base, tileFacesKey([face(null, 'unknown', null), face(null, 'unknown', null, 90, 2)], false));
  });
  test('no frame and an empty frame are both the empty key', () => {
    assert.equal(tileFacesKey(undefined, false), '');
    assert.equal(tileFacesKey([], true), '');
    assert.deepEqual(tileFaceLinesFromKey(''), []);
  });
  test('names with any characters survive the round trip', () => {
    const odd = [face('Zoë "Z" \u001f O\'Neil, Jr.', 'member', null)];
    assert.deepEqual(tileFaceLinesFromKey(tileFacesKey(odd, false)), tileFaceLines(odd, false));
  });
});
