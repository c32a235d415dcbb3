import { errorCodes, errorExplanations, type ErrorCode, type PhotoOutcome } from '../../../src-preload/contract';

export function outcomeReason(outcome: PhotoOutcome): string {
  if (outcome.reason?.trim()) return outcome.reason.trim();
  if (outcome.code && (errorCodes as readonly string[]).includes(outcome.code)) return errorExplanations[outcome.code as ErrorCode];
  return 'this photo could not be used';
}

/** One photo's verdict in plain words: usable or not, and each check that was made. */
export function PhotoVerdict({ verdict }: { verdict: PhotoOutcome | null }) {
  if (!verdict) return <span className="muted small">checking…</span>;
  return (
    <span className="verdict">
      <span className="outcome-word">{verdict.used ? 'usable' : `not usable: ${outcomeReason(verdict)}`}</span>
      {verdict.checks?.length ? (
        <span className="checks small">
          {verdict.checks.map((c) => (
            <span key={c.check} className={c.passed ? 'check-ok' : 'check-bad'}>
              {c.passed ? '✓' : '✗'} {c.words}
            </span>
          ))}
        </span>
      ) : null}
    </span>
  );
}

/** Results of saving photos (re-enrollment), one line per photo. */
export function PhotoOutcomes({ photos, label }: { photos: PhotoOutcome[]; label: string }) {
  if (!photos.length) return null;
  return (
    <ul className="outcomes" aria-label={label}>
      {photos.map((p, index) => (
        <li key={`${p.fileName}-${index}`} data-used={p.used ? 'true' : 'false'} className={p.used ? 'used' : 'skipped'}>
          <span className="outcome-file">{p.fileName}</span> — <PhotoVerdict verdict={p} />
        </li>
      ))}
    </ul>
  );
}
