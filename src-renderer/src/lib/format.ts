import type { CameraSource, FaceStatus } from '../../../src-preload/contract';

export const statusColours: Record<FaceStatus, string> = {
  member: '#22c55e',
  unknown: '#f59e0b',
  blocked: '#ef4444',
};

export const statusWords: Record<FaceStatus, string> = {
  member: 'Member',
  unknown: 'Unknown',
  blocked: 'Blocked',
};

export function formatScore(score: number | null | undefined): string {
  return typeof score === 'number' && Number.isFinite(score) ? score.toFixed(2) : '–';
}

/**
 * A visit's best score as the Events table shows it: the similarity to the person it was named as.
 * An unknown visit has no such person (its stored score is only how close the nearest member came,
 * often below zero), so it shows a dash rather than a number that means nothing to a guard.
 */
export function visitScoreText(visit: { personId: number | null; bestScore: number | null }): string {
  return visit.personId === null ? '–' : formatScore(visit.bestScore);
}

/** "Name 0.62", "Unknown 0.31", or just the name when there is no score. */
export function faceLabel(face: { personName: string | null; score: number | null }): string {
  const name = face.personName?.trim() || 'Unknown';
  return typeof face.score === 'number' && Number.isFinite(face.score) ? `${name} ${face.score.toFixed(2)}` : name;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Time only for today, date and time otherwise; the raw string when it is not a date. */
export function formatTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** A visit's place in a video file: "at 1:23.4–1:31.0". */
export function formatVideoSpan(startS: number, endS: number | null): string {
  const at = (seconds: number) => {
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, '0')}`;
  };
  return endS !== null && endS > startS ? `at ${at(startS)}–${at(endS)}` : `at ${at(startS)}`;
}

export function formatFps(fps: number): string {
  return Number.isFinite(fps) ? fps.toFixed(1) : '–';
}

export const sourceKindWords: Record<CameraSource['kind'], string> = {
  file: 'File',
  rtsp: 'RTSP',
  http: 'HTTP',
  webcam: 'Webcam',
};

export function describeSource(source: CameraSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.path}${source.loop ? ' (looping)' : ''}`;
    case 'webcam':
      return `device ${source.device}`;
    default: {
      // Never show credentials embedded in a camera URL.
      const hide = (url: string) => url.replace(/\/\/[^/@]*@/, '//•••@');
      return source.subStreamUrl === undefined ? hide(source.url) : `${hide(source.url)} (tiles: ${hide(source.subStreamUrl)})`;
    }
  }
}

/** The first zod issue in plain words, with the field named the way the form names it. */
export function firstIssue(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  fieldNames: Record<string, string> = {},
): string {
  const issue = issues[0];
  if (!issue) return 'The form is not valid';
  const key = issue.path.map(String).join('.');
  const field = fieldNames[key] ?? fieldNames[String(issue.path[issue.path.length - 1] ?? '')] ?? key;
  return field ? `${field}: ${issue.message}` : issue.message;
}
