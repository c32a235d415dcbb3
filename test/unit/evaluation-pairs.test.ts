import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstFolds, lfwImagePath, PairsFormatError, parseLfwPairs, uniqueImages } from '../../src-main/engine/evaluation/lfw-pairs.js';

const twoFolds = '2 1\nAnn 1 2\nBob 1 Cat 2\nDan 3 4\nEve 1 Fay 1\n';

describe('parseLfwPairs: well-formed files', () => {
  test('header, folds, matched then mismatched pairs, 1-based line numbers', () => {
    const parsed = parseLfwPairs(twoFolds);
    assert.equal(parsed.folds, 2);
    assert.equal(parsed.pairsPerFold, 1);
    assert.deepEqual(parsed.pairs, [
      { fold: 0, same: true, a: { name: 'Ann', index: 1 }, b: { name: 'Ann', index: 2 }, line: 2 },
      { fold: 0, same: false, a: { name: 'Bob', index: 1 }, b: { name: 'Cat', index: 2 }, line: 3 },
      { fold: 1, same: true, a: { name: 'Dan', index: 3 }, b: { name: 'Dan', index: 4 }, line: 4 },
      { fold: 1, same: false, a: { name: 'Eve', index: 1 }, b: { name: 'Fay', index: 1 }, line: 5 },
    ]);
  });

  test('tabs, CRLF, blank lines and a BOM are accepted; line numbers count blank lines', () => {
    const parsed = parseLfwPairs('\uFEFF1\t1\r\n\r\nAnn\t1\t2\r\nBob\t1\tCat\t2\r\n\r\n');
    assert.equal(parsed.pairs.length, 2);
    assert.equal(parsed.pairs[0]!.line, 3);
    assert.deepEqual(parsed.pairs[1]!.b, { name: 'Cat', index: 2 });
  });

  test('two pairs per fold: the first half of each fold is matched', () => {
    const parsed = parseLfwPairs('1 2\nA 1 2\nB 1 3\nA 1 B 1\nC 2 D 2\n');
    assert.deepEqual(parsed.pairs.map((p) => p.same), [true, true, false, false]);
  });
});

describe('parseLfwPairs: malformed files give the line and the reason', () => {
  const table: Array<{ name: string; text: string; line: number; message: RegExp }> = [
    { name: 'empty file', text: '', line: 0, message: /empty/ },
    { name: 'header is not two numbers', text: 'ten 300\n', line: 1, message: /header/ },
    { name: 'header with three fields', text: '10 300 1\n', line: 1, message: /header/ },
    { name: 'header with zero folds', text: '0 300\n', line: 1, message: /header/ },
    { name: 'file ends early', text: '1 1\nAnn 1 2\n', line: 0, message: /ends after 1 pairs.*2/ },
    { name: 'matched line with 4 fields', text: '1 1\nAnn 1 2 3\nBob 1 Cat 2\n', line: 2, message: /matched pair.*got 4/ },
    { name: 'mismatched line with 3 fields', text: '1 1\nAnn 1 2\nBob 1 Cat\n', line: 3, message: /mismatched pair.*got 3/ },
    { name: 'image number is not a number', text: '1 1\nAnn 1 x\nBob 1 Cat 2\n', line: 2, message: /"x" is not an image number/ },
    { name: 'image number 0', text: '1 1\nAnn 0 2\nBob 1 Cat 2\n', line: 2, message: /"0" is not an image number/ },
    { name: 'image number with a sign', text: '1 1\nAnn 1 2\nBob -1 Cat 2\n', line: 3, message: /"-1" is not an image number/ },
    { name: 'image number too large', text: '1 1\nAnn 1 10000\nBob 1 Cat 2\n', line: 2, message: /out of range/ },
    { name: 'matched pair with the same photo twice', text: '1 1\nAnn 2 2\nBob 1 Cat 2\n', line: 2, message: /with itself/ },
    { name: 'mismatched pair of one person', text: '1 1\nAnn 1 2\nBob 1 Bob 2\n', line: 3, message: /same person \(Bob\)/ },
    { name: 'extra line after the last fold', text: '1 1\nAnn 1 2\nBob 1 Cat 2\nDan 1 2\n', line: 4, message: /extra line/ },
    { name: 'name with a path separator', text: '1 1\n../etc 1 2\nBob 1 Cat 2\n', line: 2, message: /not a valid person name/ },
    { name: 'name ".."', text: '1 1\nAnn 1 2\n.. 1 Cat 2\n', line: 3, message: /not a valid person name/ },
  ];
  for (const row of table) {
    test(row.name, () => {
      assert.throws(
        () => parseLfwPairs(row.text),
        (error: unknown) => {
          assert.ok(error instanceof PairsFormatError, `expected PairsFormatError, got ${String(error)}`);
          assert.equal(error.line, row.line);
          assert.match(error.message, row.message);
          if (row.line > 0) assert.match(error.message, new RegExp(`^line ${row.line}: `));
          return true;
        },
      );
    });
  }
});

describe('LFW paths and folds', () => {
  const table = [
    { ref: { name: 'Zico', index: 2 }, path: 'Zico/Zico_0002.jpg' },
    { ref: { name: 'George_W_Bush', index: 530 }, path: 'George_W_Bush/George_W_Bush_0530.jpg' },
    { ref: { name: 'A', index: 1234 }, path: 'A/A_1234.jpg' },
  ];
  for (const row of table) test(`lfwImagePath ${row.path}`, () => assert.equal(lfwImagePath(row.ref), row.path));

  test('uniqueImages lists each photo once, sorted', () => {
    const parsed = parseLfwPairs('2 1\nBob 1 2\nBob 1 Ann 2\nAnn 2 3\nAnn 3 Bob 2\n');
    assert.deepEqual(uniqueImages(parsed.pairs), ['Ann/Ann_0002.jpg', 'Ann/Ann_0003.jpg', 'Bob/Bob_0001.jpg', 'Bob/Bob_0002.jpg']);
  });

  test('firstFolds keeps the first n folds; asking for more keeps all; fewer than 2 is refused', () => {
    const threeFolds = parseLfwPairs('3 1\nA 1 2\nA 1 B 1\nC 1 2\nC 1 D 1\nE 1 2\nE 1 F 1\n');
    const two = firstFolds(threeFolds, 2);
    assert.equal(two.folds, 2);
    assert.deepEqual(two.pairs.map((p) => p.fold), [0, 0, 1, 1]);
    assert.equal(firstFolds(threeFolds, 10).pairs.length, 6);
    assert.throws(() => firstFolds(threeFolds, 1), RangeError);
  });
});
