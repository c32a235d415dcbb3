/**
 * Minimum-cost assignment between rows (tracks) and columns (detections) of a
 * rectangular cost matrix, with an optional cost ceiling above which a pair
 * may not be matched.
 *
 * With a ceiling T the result is what ByteTrack gets from lap.lapjv(cost,
 * extend_cost=True, cost_limit=T): among all partial matchings that use only
 * pairs with cost < T, the one with the smallest Σ(cost − T), i.e. the largest
 * total margin under the ceiling. (So one good pair can beat two mediocre
 * ones, and no pair is forced just to increase the number of matches.)
 * Without a ceiling it is the classic problem: match min(rows, columns) pairs
 * at least total cost; +Infinity entries are pairs that may never be matched.
 *
 * Solved by the Hungarian method with potentials (Kuhn–Munkres, O(n²m) for
 * n ≤ m). The matrices here are small (faces in one frame), so this favours
 * clarity over speed.
 */

export interface AssignmentResult {
  /** Matched [row, column] pairs, sorted by row. */
  matches: Array<[row: number, column: number]>;
  /** Rows with no match, ascending. */
  unmatchedRows: number[];
  /** Columns with no match, ascending. */
  unmatchedColumns: number[];
}

export interface AssignmentOptions {
  /** Number of columns; needed because a matrix with no rows cannot say. Every row must have this length. */
  columnCount: number;
  /** Only pairs with cost strictly below this may be matched. Default: no ceiling. */
  maxCost?: number;
}

export function linearAssignment(costs: ReadonlyArray<ReadonlyArray<number>>, options: AssignmentOptions): AssignmentResult {
  const rowCount = costs.length;
  const { columnCount } = options;
  const maxCost = options.maxCost ?? Infinity;
  if (!Number.isInteger(columnCount) || columnCount < 0) throw new RangeError(`columnCount must be a non-negative integer, got ${columnCount}`);
  if (Number.isNaN(maxCost)) throw new RangeError('maxCost must not be NaN');
  for (let r = 0; r < rowCount; r++) {
    const row = costs[r]!;
    if (row.length !== columnCount) throw new RangeError(`cost row ${r} has ${row.length} entries, expected ${columnCount}`);
    for (let c = 0; c < columnCount; c++) {
      const cost = row[c]!;
      if (Number.isNaN(cost) || cost === -Infinity) throw new RangeError(`cost[${r}][${c}] is ${cost}; costs must be finite or +Infinity`);
    }
  }

  const allowed = (cost: number): boolean => cost < maxCost && cost !== Infinity;
  let solverCosts: number[][];
  if (maxCost === Infinity) {
    // Forbidden pairs get a cost so high that using one more of them always
    // costs more than any rearrangement of the allowed pairs can save; the
    // solver then matches as many allowed pairs as possible, at least cost.
    let lowest = Infinity;
    let highest = -Infinity;
    for (const row of costs) {
      for (const cost of row) {
        if (cost === Infinity) continue;
        lowest = Math.min(lowest, cost);
        highest = Math.max(highest, cost);
      }
    }
    const forbiddenCost = lowest === Infinity ? 1 : highest + (highest - lowest + 1) * (Math.min(rowCount, columnCount) + 1);
    solverCosts = costs.map((row) => row.map((cost) => (cost === Infinity ? forbiddenCost : cost)));
  } else {
    // Margin below the ceiling, clipped at 0: a pair at or above the ceiling
    // is worth the same as leaving both sides unmatched, so the optimum of this
    // full assignment, minus those pairs, is the optimal partial matching.
    solverCosts = costs.map((row) => row.map((cost) => (allowed(cost) ? cost - maxCost : 0)));
  }

  const matches: Array<[number, number]> = [];
  if (rowCount > 0 && columnCount > 0) {
    if (rowCount <= columnCount) {
      solveHungarian(solverCosts, rowCount, columnCount).forEach((column, row) => matches.push([row, column]));
    } else {
      const transposed = Array.from({ length: columnCount }, (_, c) => solverCosts.map((row) => row[c]!));
      solveHungarian(transposed, columnCount, rowCount).forEach((row, column) => matches.push([row, column]));
    }
  }
  const kept = matches.filter(([row, column]) => allowed(costs[row]![column]!)).sort((a, b) => a[0] - b[0]);
  const matchedRows = new Set(kept.map(([row]) => row));
  const matchedColumns = new Set(kept.map(([, column]) => column));
  return {
    matches: kept,
    unmatchedRows: range(rowCount).filter((row) => !matchedRows.has(row)),
    unmatchedColumns: range(columnCount).filter((column) => !matchedColumns.has(column)),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Hungarian method with row/column potentials for an n x m matrix of finite
 * costs, n ≤ m. Returns, for each row, its assigned column (every row gets one).
 * Rows are added one at a time; each addition finds a shortest augmenting path
 * in reduced costs (cost − u[row] − v[column]), Dijkstra-style, and keeps the
 * potentials feasible so the final assignment is optimal.
 */
function solveHungarian(costs: number[][], n: number, m: number): number[] {
  // 1-based internally; column 0 is a virtual start column, row 0 means "none".
  const rowPotential = new Float64Array(n + 1);
  const columnPotential = new Float64Array(m + 1);
  const rowOfColumn = new Int32Array(m + 1);
  const previousColumn = new Int32Array(m + 1);
  for (let row = 1; row <= n; row++) {
    rowOfColumn[0] = row;
    let currentColumn = 0;
    const slack = new Float64Array(m + 1).fill(Infinity);
    const visited = new Uint8Array(m + 1);
    do {
      visited[currentColumn] = 1;
      const currentRow = rowOfColumn[currentColumn]!;
      const currentRowCosts = costs[currentRow - 1]!;
      let delta = Infinity;
      let nextColumn = 0;
      for (let column = 1; column <= m; column++) {
        if (visited[column]) continue;
        const reduced = currentRowCosts[column - 1]! - rowPotential[currentRow]! - columnPotential[column]!;
        if (reduced < slack[column]!) {
          slack[column] = reduced;
          previousColumn[column] = currentColumn;
        }
        if (slack[column]! < delta) {
          delta = slack[column]!;
          nextColumn = column;
        }
      }
      for (let column = 0; column <= m; column++) {
        if (visited[column]) {
          rowPotential[rowOfColumn[column]!] = rowPotential[rowOfColumn[column]!]! + delta;
          columnPotential[column] = columnPotential[column]! - delta;
        } else {
          slack[column] = slack[column]! - delta;
        }
      }
      currentColumn = nextColumn;
    } while (rowOfColumn[currentColumn] !== 0);
    // Flip the augmenting path back to the start column.
    do {
      const previous = previousColumn[currentColumn]!;
      rowOfColumn[currentColumn] = rowOfColumn[previous]!;
      currentColumn = previous;
    } while (currentColumn !== 0);
  }
  const columnOfRow = new Array<number>(n).fill(-1);
  for (let column = 1; column <= m; column++) {
    const row = rowOfColumn[column]!;
    if (row !== 0) columnOfRow[row - 1] = column - 1;
  }
  return columnOfRow;
}
