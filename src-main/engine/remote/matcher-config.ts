import { z } from 'zod';
import { DEFAULT_TRACK_CACHE_TTL_S } from './identity-cache.js';
import { matcherModes } from './matcher-mode.js';
import { DEFAULT_REQUESTS_PER_SECOND } from './token-bucket.js';

/**
 * The site config's `matcher` section: which matcher names people and, for
 * the remote modes, where the Rekognition collection is. Pure (schema and
 * defaults only). Credentials are never here: they come from the standard AWS
 * chain (environment, shared files, instance role) or the settings' secrets.
 */
// Rekognition's own limits on the names (CollectionId: [a-zA-Z0-9_.-]+, up to 255).
const collectionIdPattern = /^[a-zA-Z0-9_.-]{1,255}$/;
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const matcherConfigSchema = z
  .object({
    /** local (default: nothing leaves the site), hybrid (Rekognition only for tracks the local gallery leaves unknown or ambiguous) or rekognition. */
    mode: z.enum(matcherModes, { error: `mode must be one of ${matcherModes.join(', ')}` }).default('local'),
    /** AWS region of the collection, e.g. eu-west-1 (required unless mode is local). */
    region: z.string().regex(regionPattern, 'region must be an AWS region name such as eu-west-1').optional(),
    /** Rekognition collection holding the site's enrolled faces (required unless mode is local). */
    collectionId: z.string().regex(collectionIdPattern, 'collectionId must be 1-255 letters, digits, "_", "." or "-"').optional(),
    /** Another endpoint than AWS's own (a VPC endpoint, or a test server): an http(s) URL. */
    endpoint: z
      .string()
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
        } catch {
          return false;
        }
      }, 'endpoint must be an http:// or https:// URL without a user name or password')
      .optional(),
    /** Remote requests per second, shared by every camera (default 5, Rekognition's default limit). */
    requestsPerSecond: z.number().positive('requestsPerSecond must be more than 0').max(100, 'requestsPerSecond must be at most 100').default(DEFAULT_REQUESTS_PER_SECOND),
    /** How long a track's remote answer is reused, in seconds (default 300). */
    trackCacheTtlS: z.number().int('trackCacheTtlS must be a whole number of seconds').min(1, 'trackCacheTtlS must be at least 1').max(86_400, 'trackCacheTtlS must be at most 86400 (a day)').default(DEFAULT_TRACK_CACHE_TTL_S),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.mode === 'local') return;
    if (!config.region) context.addIssue({ code: 'custom', path: ['region'], message: `region is required when mode is ${config.mode}` });
    if (!config.collectionId) context.addIssue({ code: 'custom', path: ['collectionId'], message: `collectionId is required when mode is ${config.mode}` });
  });

export type MatcherConfig = z.output<typeof matcherConfigSchema>;

/** The matcher settings with defaults filled in (no `matcher` section: local). */
export function resolveMatcherConfig(section: z.input<typeof matcherConfigSchema> | undefined): MatcherConfig {
  return matcherConfigSchema.parse(section ?? {});
}
