/**
 * What a wall tile says about the faces in view (its count and its screen-reader list), reduced to
 * the words shown. Pure: tested with a table.
 *
 * A tile subscribes to this, not to the analysed frame itself: frames arrive ~10 times a second
 * per camera with boxes that move and scores that wobble, and re-rendering six tiles for each of
 * them cost the wall's page ~0.06 core (measured) for text that mostly did not change.
 */
import type { LiveFace } from '../../../src-preload/contract';
import { faceLabel, statusWords } from '../lib/format';

export interface TileFaceLine {
  status: LiveFace['status'];
  /** e.g. "Member: Ada Lovelace"; the score only with the wall's "show scores" on. */
  text: string;
}

/** One line per face, in the frame's order. */
export function tileFaceLines(faces: readonly LiveFace[], showScores: boolean): TileFaceLine[] {
  return faces.map((face) => ({
    status: face.status,
    text: `${statusWords[face.status] ?? face.status}: ${showScores ? faceLabel(face) : faceLabel({ personName: face.personName, score: null })}`,
  }));
}

/** The lines as one string (JSON): equal strings, same words, so a store selector can compare with ===. */
export function tileFacesKey(faces: readonly LiveFace[] | undefined, showScores: boolean): string {
  return faces === undefined || faces.length === 0 ? '' : JSON.stringify(tileFaceLines(faces, showScores));
}

/** Back from tileFacesKey. */
export function tileFaceLinesFromKey(key: string): TileFaceLine[] {
  return key === '' ? [] : (JSON.parse(key) as TileFaceLine[]);
}
