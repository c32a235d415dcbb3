import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { VigilError } from './errors.js';
import { tightenFile } from './util/private-files.js';
import { executionProviderNames } from './inference/onnx-session.js';
import { matcherConfigSchema } from './remote/matcher-config.js';

/**
 * Per-site settings, in <data folder>/config.json, written by the site
 * administrator (or the installer). Every key is optional: defaults apply.
 * Command-line options override it.
 */
export const siteConfigSchema = z
  .object({
    /** ONNX Runtime execution provider to try first; anything unavailable falls back to CPU. */
    executionProvider: z.enum(executionProviderNames).optional(),
    detectorId: z.string().optional(),
    embedderId: z.string().optional(),
    matchThreshold: z.number().min(-1).max(1).optional(),
    matchMargin: z.number().min(0).max(1).optional(),
    /** Enrollment: similarity at which a new face is refused as someone already enrolled (default: the embedder's calibrated value). */
    duplicateThreshold: z.number().min(-1).max(1).optional(),
    /** Inference workers for live cameras (default: one per core). */
    workerPoolSize: z.number().int().min(1).max(64).optional(),
    /** Model folder (default: <data folder>/models). */
    modelsDir: z.string().optional(),
    ffmpegPath: z.string().optional(),
    /** Version of the consent text people sign at enrollment (recorded with their consent). */
    consentTextVersion: z.string().trim().min(1).max(40).optional(),
    /** Days an unknown person's encrypted snapshot (and a cluster not seen since) is kept (default 30). */
    snapshotRetentionDays: z.number().min(1).max(3650).optional(),
    /** Cosine similarity for an unmatched face to join a recurring-unknown cluster (default: the embedder's calibrated value). */
    unknownJoinThreshold: z.number().min(-1).max(1).optional(),
    /** Visits after which an unknown person raises a "recurring unknown" alert (default 3). */
    recurringUnknownAlertAfter: z.number().int().min(2).max(1000).optional(),
    /** The site's IANA time zone for attendance days and shift times (default: the machine's). */
    timeZone: z.string().min(1).max(100).optional(),
    /** Hour (0-23, site time) at which occupancy is reset to zero each day, correcting drift (default 3). */
    occupancyResetHour: z.number().int().min(0).max(23).optional(),
    /** Folders the console's bulk import may read (absolute paths; links may not lead out of them). None: the console cannot import from folders. */
    importFolders: z.array(z.string().min(1).max(4096).refine((p) => isAbsolute(p), 'must be an absolute path')).max(50).optional(),
    /** Which matcher names people: local (default) or, switched on by the site, AWS Rekognition (see remote/matcher-config.ts). */
    matcher: matcherConfigSchema.optional(),
  })
  .strict();
export type SiteConfig = z.infer<typeof siteConfigSchema>;

export function siteConfigPath(dataDir: string): string {
  return join(dataDir, 'config.json');
}

/** Reads config.json; a missing file means defaults, a malformed one is a clear error (never silently ignored). */
export function loadSiteConfig(dataDir: string): SiteConfig {
  const path = siteConfigPath(dataDir);
  if (!existsSync(path)) return {};
  // The site's settings live in the private data folder: owner-only, like everything there.
  tightenFile(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new VigilError('BAD_REQUEST', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = siteConfigSchema.safeParse(raw);
  if (!parsed.success) throw new VigilError('BAD_REQUEST', `${path} has invalid settings: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
