import type { PersonCategory, Resemblance } from '../../../src-preload/contract';

/** "Jane Doe resembles John Doe (0.52)." — the enrollment warning between the match and the duplicate threshold. */
export function resemblanceWords(name: string, resembles: Resemblance): string {
  return `${name} resembles ${resembles.name} (${resembles.score.toFixed(2)}).`;
}

export const categoryWords: Record<PersonCategory, string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  visitor: 'Visitor',
  blocked: 'Blocked',
};
