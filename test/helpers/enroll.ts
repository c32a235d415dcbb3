import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { EnrollmentResult } from '../../src-preload/contract.js';
import { LOCAL_OPERATOR, type CallerContext } from '../../src-main/engine/api/dispatcher.js';
import type { Engine } from '../../src-main/engine/engine.js';
import type { EnrollOptions } from '../../src-main/engine/people-service.js';

/** Enrolls a person from photo files through the people service (as the enrollment desk does). */
export function enrollFiles(
  engine: Engine,
  name: string,
  files: string[],
  options: EnrollOptions & { employeeCode?: string; caller?: CallerContext } = {},
): Promise<EnrollmentResult> {
  return engine.peopleService.enroll(
    {
      record: { name, employeeCode: options.employeeCode ?? null, department: null, category: 'employee', notes: null },
      consent: { textVersion: engine.consentTextVersion },
      photos: files.map((f) => ({ fileName: basename(f), bytes: readFileSync(f) })),
    },
    options,
    options.caller ?? LOCAL_OPERATOR,
  );
}
