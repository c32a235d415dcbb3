import { useEffect, useRef } from 'react';

/**
 * For inline confirm steps: returns a ref for the button that opened the step,
 * and puts focus back on it when the step is cancelled (so keyboard users are
 * not dropped at the top of the page).
 */
export function useReturnFocus(open: boolean) {
  const ref = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) ref.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return ref;
}
