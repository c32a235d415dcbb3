/**
 * The LFW View 2 pairs file (pairs.txt), parsed without touching the disk.
 *
 * Format: a header line "<folds> <pairs per fold>" (standard: "10 300"), then
 * for each fold <pairs per fold> matched pairs "name i j" followed by
 * <pairs per fold> mismatched pairs "name1 i name2 j" (fields separated by
 * tabs or spaces; image numbers start at 1). Blank lines are ignored.
 * Pure: no I/O imports, so it can be tested with tables of small cases.
 */

export interface LfwImageRef {
  name: string;
  /** Image number as written in pairs.txt (1-based; file suffix _0001). */
  index: number;
}

export interface LfwPair {
  /** 0-based fold number. */
  fold: number;
  same: boolean;
  a: LfwImageRef;
  b: LfwImageRef;
  /** 1-based line in pairs.txt, for messages. */
  line: number;
}

export interface LfwPairs {
  folds: number;
  pairsPerFold: number;
  pairs: LfwPair[];
}

/** A malformed pairs.txt: `line` is 1-based (0 when the problem is the file as a whole). */
export class PairsFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'PairsFormatError';
  }
}

const POSITIVE_INT = /^[1-9][0-9]*$/;
/** A person's folder name: no whitespace, no path separators, not "." or "..". */
const NAME = /^[^\s/\\]+$/;

function parseName(field: string, line: number): string {
  if (!NAME.test(field) || field === '.' || field === '..') throw new PairsFormatError(line, `"${field}" is not a valid person name`);
  return field;
}

function parseIndex(field: string, line: number): number {
  if (!POSITIVE_INT.test(field)) throw new PairsFormatError(line, `"${field}" is not an image number (a whole number from 1)`);
  const value = Number(field);
  if (!Number.isSafeInteger(value) || value > 9999) throw new PairsFormatError(line, `image number ${field} is out of range (1..9999)`);
  return value;
}

export function parseLfwPairs(text: string): LfwPairs {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const content: Array<{ line: number; fields: string[] }> = [];
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed !== '') content.push({ line: i + 1, fields: trimmed.split(/\s+/) });
  });
  const header = content[0];
  if (!header) throw new PairsFormatError(0, 'the pairs file is empty; expected a header line such as "10 300"');
  if (header.fields.length !== 2 || !header.fields.every((f) => POSITIVE_INT.test(f))) {
    throw new PairsFormatError(header.line, `expected the header "<folds> <pairs per fold>" (e.g. "10 300"), got "${header.fields.join(' ')}"`);
  }
  const folds = Number(header.fields[0]);
  const pairsPerFold = Number(header.fields[1]);
  const expected = folds * pairsPerFold * 2;
  const body = content.slice(1);
  // Line by line first, so a malformed line is reported even in a truncated file.
  const pairs: LfwPair[] = body.map(({ line, fields }, i) => {
    if (i >= expected) {
      throw new PairsFormatError(line, `unexpected extra line: the header announced ${folds} folds of ${2 * pairsPerFold} pairs (${expected} lines)`);
    }
    const fold = Math.floor(i / (2 * pairsPerFold));
    const same = i % (2 * pairsPerFold) < pairsPerFold;
    if (same) {
      if (fields.length !== 3) {
        throw new PairsFormatError(line, `fold ${fold + 1} expects a matched pair "name i j" here (3 fields), got ${fields.length}: "${fields.join(' ')}"`);
      }
      const name = parseName(fields[0]!, line);
      const a = parseIndex(fields[1]!, line), b = parseIndex(fields[2]!, line);
      if (a === b) throw new PairsFormatError(line, `matched pair compares ${name} image ${a} with itself`);
      return { fold, same, a: { name, index: a }, b: { name, index: b }, line };
    }
    if (fields.length !== 4) {
      throw new PairsFormatError(line, `fold ${fold + 1} expects a mismatched pair "name1 i name2 j" here (4 fields), got ${fields.length}: "${fields.join(' ')}"`);
    }
    const nameA = parseName(fields[0]!, line), nameB = parseName(fields[2]!, line);
    if (nameA === nameB) throw new PairsFormatError(line, `mismatched pair names the same person (${nameA}) twice`);
    return { fold, same, a: { name: nameA, index: parseIndex(fields[1]!, line) }, b: { name: nameB, index: parseIndex(fields[3]!, line) }, line };
  });
  if (pairs.length < expected) {
    throw new PairsFormatError(
      0,
      `the pairs file ends after ${pairs.length} pairs, but its header promises ${folds} folds x (${pairsPerFold} matched + ${pairsPerFold} mismatched) = ${expected}`,
    );
  }
  return { folds, pairsPerFold, pairs };
}

/** The path of an LFW image relative to the images folder: Name/Name_0001.jpg (always "/"). */
export function lfwImagePath(ref: LfwImageRef): string {
  return `${ref.name}/${ref.name}_${String(ref.index).padStart(4, '0')}.jpg`;
}

/** Every image the pairs mention, once, sorted by path. */
export function uniqueImages(pairs: readonly LfwPair[]): string[] {
  const set = new Set<string>();
  for (const p of pairs) {
    set.add(lfwImagePath(p.a));
    set.add(lfwImagePath(p.b));
  }
  return [...set].sort();
}

/** Keeps only the first `n` folds (a quick run); n must be at least 2 for cross-validation. */
export function firstFolds(parsed: LfwPairs, n: number): LfwPairs {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`fold limit must be a whole number of at least 2, got ${n}`);
  const folds = Math.min(n, parsed.folds);
  return { folds, pairsPerFold: parsed.pairsPerFold, pairs: parsed.pairs.filter((p) => p.fold < folds) };
}
