import { useEffect, useState } from 'react';
import { useConnection } from '../store/connection';

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Shown whenever the console is not connected to the engine (WebSocket transport). */
export function ConnectionBanner() {
  const info = useConnection((s) => s.info);
  const retryNow = useConnection((s) => s.retryNow);
  const seconds = useSecondsUntil(info.state === 'closed' ? info.nextRetryAt : null);

  if (info.state === 'open') return null;

  const tokenHint = info.hasToken
    ? null
    : ' This address has no access token: open the full link (with ?token=…) that the Vigil host printed when it started.';

  if (info.state === 'connecting') {
    return (
      <div className="banner banner-info" role="status" data-testid="connection-banner" data-state="connecting">
        <span>
          {info.everConnected ? 'Reconnecting to the Vigil engine…' : 'Connecting to the Vigil engine…'}
          {info.failures > 0 && !info.everConnected ? ' (still trying)' : ''}
        </span>
      </div>
    );
  }

  return (
    <div className="banner banner-error" role="alert" data-testid="connection-banner" data-state="closed">
      <span>
        <strong>{info.everConnected ? 'Lost the connection to the Vigil engine.' : 'Cannot connect to the Vigil engine.'}</strong>{' '}
        {info.everConnected
          ? 'What you see may be out of date; nothing you do will be saved until it is back.'
          : 'Check that Vigil is running on this computer.'}
        {tokenHint}
        {seconds !== null ? ` Retrying in ${seconds} s.` : ''}
      </span>
      <button type="button" className="btn btn-small" onClick={retryNow}>
        Retry now
      </button>
    </div>
  );
}
