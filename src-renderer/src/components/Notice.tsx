import type { ReactNode } from 'react';

/** An error (role=alert, announced at once) or a neutral note. */
export function ErrorNote({ children, testId }: { children: ReactNode; testId?: string }) {
  if (children === null || children === undefined || children === '' || children === false) return null;
  return (
    <p className="note note-error" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/**
 * The state line above a list: why it could not be loaded, that it is loading, or that it is
 * empty (`empty`, shown once loaded with no items). Nothing when there are items to show.
 */
export function ListStatus({ what, error, loaded, count, empty }: { what: string; error: string | null; loaded: boolean; count: number; empty: ReactNode }) {
  if (error) return <ErrorNote>{`${what[0]!.toUpperCase()}${what.slice(1)} could not be loaded. ${error}`}</ErrorNote>;
  if (!loaded) return <EmptyState>Loading {what}…</EmptyState>;
  return count === 0 ? <EmptyState>{empty}</EmptyState> : null;
}
