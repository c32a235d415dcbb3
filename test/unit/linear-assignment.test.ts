import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linearAssignment, type AssignmentResult } from '../../src-main/engine/tracking/linear-assignment.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

const INF = Infinity;

describe('linearAssignment: worked examples', () => {
  const cases: Array<{ name: string; costs: number[][]; columnCount: number; maxCost?: number; expected: AssignmentResult }> = [
    { name: 'no rows, no columns', costs: [], columnCount: 0, expected: { matches: [], unmatchedRows: [], unmatchedColumns: [] } },
    { name: 'no rows, three columns', costs: [], columnCount: 3, expected: { matches: [], unmatchedRows: [], unmatchedColumns: [0, 1, 2] } },
    { name: 'two rows, no columns', costs: [[], []], columnCount: 0, expected: { matches: [], unmatchedRows: [0, 1], unmatchedColumns: [] } },
    {
      name: 'classic 3x3: optimum is not the row-wise greedy choice',
      costs: [[4, 1, 3], [2, 0, 5], [3, 2, 2]],
      columnCount: 3,
      expected: { matches: [[0, 1], [1, 0], [2, 2]], unmatchedRows: [], unmatchedColumns: [] },
    },
    {
      name: 'wide 2x4: each row takes its cheapest free column',
      costs: [[9, 2, 7, 8], [6, 4, 3, 7]],
      columnCount: 4,
      expected: { matches: [[0, 1], [1, 2]], unmatchedRows: [], unmatchedColumns: [0, 3] },
    },
    {
      name: 'tall 3x2: the costliest row is left out',
      costs: [[1, 5], [9, 9], [5, 1]],
      columnCount: 2,
      expected: { matches: [[0, 0], [2, 1]], unmatchedRows: [1], unmatchedColumns: [] },
    },
    {
      name: 'ceiling drops a pair the unlimited optimum would use',
      costs: [[0.1, 0.9], [0.9, 0.95]],
      columnCount: 2,
      maxCost: 0.8,
      // Unlimited: 0.1 + 0.95 beats 0.9 + 0.9. Capped at 0.8 only (0, 0) is allowed.
      expected: { matches: [[0, 0]], unmatchedRows: [1], unmatchedColumns: [1] },
    },
    {
      name: 'ceiling: two good pairs beat the single cheapest pair',
      costs: [[0.1, 0.3], [0.2, 0.9]],
      columnCount: 2,
      maxCost: 0.8,
      // Margins under 0.8: (0,1)+(1,0) = -0.5 + -0.6 = -1.1 beats (0,0) alone at -0.7.
      expected: { matches: [[0, 1], [1, 0]], unmatchedRows: [], unmatchedColumns: [] },
    },
    {
      name: 'ceiling: one strong pair beats two weak ones',
      costs: [[0.1, 0.7], [0.7, 0.95]],
      columnCount: 2,
      maxCost: 0.8,
      // (0,0) alone: margin -0.7. (0,1)+(1,0): -0.1 + -0.1 = -0.2. (1,1) is over the ceiling.
      expected: { matches: [[0, 0]], unmatchedRows: [1], unmatchedColumns: [1] },
    },
    {
      name: 'a cost equal to the ceiling is not matched',
      costs: [[0.5]],
      columnCount: 1,
      maxCost: 0.5,
      expected: { matches: [], unmatchedRows: [0], unmatchedColumns: [0] },
    },
    {
      name: 'everything above the ceiling',
      costs: [[0.9, 0.95], [0.99, 1]],
      columnCount: 2,
      maxCost: 0.8,
      expected: { matches: [], unmatchedRows: [0, 1], unmatchedColumns: [0, 1] },
    },
    {
      name: 'Infinity entries are never matched, even without a ceiling',
      costs: [[INF, 1], [INF, 2]],
      columnCount: 2,
      expected: { matches: [[0, 1]], unmatchedRows: [1], unmatchedColumns: [0] },
    },
    {
      name: 'without a ceiling, as many allowed pairs as possible beat a cheaper smaller matching',
      costs: [[0, 100], [1, INF]],
      columnCount: 2,
      expected: { matches: [[0, 1], [1, 0]], unmatchedRows: [], unmatchedColumns: [] },
    },
    {
      name: 'negative costs',
      costs: [[-5, -1], [-2, -4]],
      columnCount: 2,
      expected: { matches: [[0, 0], [1, 1]], unmatchedRows: [], unmatchedColumns: [] },
    },
  ];
  for (const { name, costs, columnCount, maxCost, expected } of cases) {
    it(name, () => {
      const options = maxCost === undefined ? { columnCount } : { columnCount, maxCost };
      assert.deepEqual(linearAssignment(costs, options), expected);
    });
  }
});


/**
 * Exhaustive optimum: the best score over every partial matching of allowed
 * pairs (cost < maxCost, not Infinity). With a finite ceiling the score is
 * Σ(cost − maxCost); without one, more matched pairs always win, then lower Σcost.
 */
function bruteForceBest(costs: number[][], columnCount: number, maxCost: number): { pairs: number; total: number } {
  let best = { pairs: 0, total: 0 };
  const better = (a: { pairs: number; total: number }, b: { pairs: number; total: number }): boolean =>
    maxCost === INF ? a.pairs > b.pairs || (a.pairs === b.pairs && a.total < b.total - 1e-9) : a.total < b.total - 1e-9;
  const usedColumns = new Array<boolean>(columnCount).fill(false);
  const visit = (row: number, pairs: number, total: number): void => {
    if (row === costs.length) {
      const candidate = { pairs, total };
      if (better(candidate, best)) best = candidate;
      return;
    }
    visit(row + 1, pairs, total); // leave this row unmatched
    for (let column = 0; column < columnCount; column++) {
      const cost = costs[row]![column]!;
      if (usedColumns[column] || cost === INF || !(cost < maxCost)) continue;
      usedColumns[column] = true;
      visit(row + 1, pairs + 1, total + (maxCost === INF ? cost : cost - maxCost));
      usedColumns[column] = false;
    }
  };
  visit(0, 0, 0);
  return best;
}

describe('linearAssignment agrees with brute force on random small matrices', () => {
  const settings: Array<{ name: string; seed: number; maxCost: number; infinityShare: number; integerCosts: boolean }> = [
    { name: 'IoU-like costs, ceiling 0.8', seed: 1, maxCost: 0.8, infinityShare: 0, integerCosts: false },
    { name: 'IoU-like costs, ceiling 0.5', seed: 2, maxCost: 0.5, infinityShare: 0, integerCosts: false },
    { name: 'IoU-like costs with forbidden pairs, ceiling 0.7', seed: 3, maxCost: 0.7, infinityShare: 0.3, integerCosts: false },
    { name: 'no ceiling', seed: 4, maxCost: INF, infinityShare: 0, integerCosts: false },
    { name: 'no ceiling, forbidden pairs', seed: 5, maxCost: INF, infinityShare: 0.4, integerCosts: false },
    { name: 'small integers with many ties, ceiling 3', seed: 6, maxCost: 3, infinityShare: 0.1, integerCosts: true },
    { name: 'small integers with many ties, no ceiling', seed: 7, maxCost: INF, infinityShare: 0.1, integerCosts: true },
  ];
  for (const { name, seed, maxCost, infinityShare, integerCosts } of settings) {
    it(name, () => {
      const random = seededRandom(seed);
      for (let trial = 0; trial < 300; trial++) {
        const rowCount = Math.floor(random() * 6);
        const columnCount = Math.floor(random() * 6);
        const costs = Array.from({ length: rowCount }, () =>
          Array.from({ length: columnCount }, () => {
            if (random() < infinityShare) return INF;
            return integerCosts ? Math.floor(random() * 5) : random();
          }),
        );
        const context = `trial ${trial}: ${JSON.stringify(costs)}`;
        const result = linearAssignment(costs, { columnCount, maxCost });

        // A valid matching: each row and column at most once, only allowed pairs, and the unmatched lists complete it.
        const rows = result.matches.map(([row]) => row);
        const columns = result.matches.map(([, column]) => column);
        assert.equal(new Set(rows).size, rows.length, `row used twice, ${context}`);
        assert.equal(new Set(columns).size, columns.length, `column used twice, ${context}`);
        for (const [row, column] of result.matches) {
          const cost = costs[row]![column]!;
          assert.ok(cost !== INF && cost < maxCost, `disallowed pair (${row}, ${column}), ${context}`);
        }
        assert.deepEqual([...rows, ...result.unmatchedRows].sort((a, b) => a - b), Array.from({ length: rowCount }, (_, i) => i), context);
        assert.deepEqual([...columns, ...result.unmatchedColumns].sort((a, b) => a - b), Array.from({ length: columnCount }, (_, i) => i), context);

        // As good as the exhaustive optimum.
        const expected = bruteForceBest(costs, columnCount, maxCost);
        const total = result.matches.reduce((sum, [row, column]) => sum + costs[row]![column]! - (maxCost === INF ? 0 : maxCost), 0);
        if (maxCost === INF) assert.equal(result.matches.length, expected.pairs, `pair count, ${context}`);
        assert.ok(Math.abs(total - expected.total) < 1e-9, `total ${total} vs optimum ${expected.total}, ${context}`);
      }
    });
  }
});

describe('linearAssignment rejects malformed input', () => {
  const cases: Array<{ name: string; costs: number[][]; columnCount: number; maxCost?: number }> = [
    { name: 'ragged rows', costs: [[1, 2], [3]], columnCount: 2 },
    { name: 'row length differs from columnCount', costs: [[1, 2]], columnCount: 3 },
    { name: 'NaN cost', costs: [[Number.NaN]], columnCount: 1 },
    { name: '-Infinity cost', costs: [[-INF]], columnCount: 1 },
    { name: 'negative columnCount', costs: [], columnCount: -1 },
    { name: 'NaN ceiling', costs: [[1]], columnCount: 1, maxCost: Number.NaN },
  ];
  for (const { name, costs, columnCount, maxCost } of cases) {
    it(name, () => assert.throws(() => linearAssignment(costs, maxCost === undefined ? { columnCount } : { columnCount, maxCost }), RangeError));
  }
});
