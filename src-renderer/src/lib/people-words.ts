import type { PersonCategory } from '../../../src-preload/contract';

export const categoryWords: Record<PersonCategory, string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  visitor: 'Visitor',
  blocked: 'Blocked',
};
