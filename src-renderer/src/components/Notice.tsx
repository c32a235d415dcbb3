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
