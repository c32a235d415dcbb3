import { existsSync, readFileSync } from 'node:fs';
import type { MatcherChoice, MatcherChoiceState } from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import { loadSiteConfig, siteConfigPath, siteConfigSchema } from '../site-config.js';
import { writeFileDurably } from '../util/private-files.js';
import { resolveMatcherConfig, type MatcherConfig } from './matcher-config.js';

/**
 * The matcher choice (mode, region, collection) an administrator edits in
 * Settings: read from and written to the data folder's config.json, the same
 * file a site edits by hand, so there is one place it lives. Every other key of
 * the file and of its matcher section (endpoint, requestsPerSecond, ...) is
 * kept. The whole file is checked with the site-config schema before it is
 * written (durably: temporary file, rename); a bad choice changes nothing.
 * The engine reads config.json at start only: a change applies at the next start.
 */
export type MatcherChoiceView = MatcherChoiceState['saved'];

export function choiceOf(config: MatcherConfig): MatcherChoiceView {
  return { mode: config.mode, region: config.region ?? null, collectionId: config.collectionId ?? null };
}

/** What config.json says now (defaults filled in: no section is local). */
export function savedMatcherChoice(dataDir: string): MatcherChoiceView {
  return choiceOf(resolveMatcherConfig(loadSiteConfig(dataDir).matcher));
}

export function matcherChoiceState(dataDir: string, running: MatcherConfig): MatcherChoiceState {
  const saved = savedMatcherChoice(dataDir);
  const now = choiceOf(running);
  return { saved, running: now, restartNeeded: saved.mode !== now.mode || saved.region !== now.region || saved.collectionId !== now.collectionId };
}

/** Writes the choice into config.json; returns what it was before. BAD_REQUEST (nothing written) when the result would not be a valid site config. */
export function saveMatcherChoice(dataDir: string, choice: MatcherChoice): { before: MatcherChoiceView; after: MatcherChoiceView } {
  const path = siteConfigPath(dataDir);
  // A malformed config.json is reported (the engine opened with it, so this is someone's edit meanwhile), never overwritten.
  const current = loadSiteConfig(dataDir);
  const raw = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const section = { ...((raw.matcher as Record<string, unknown> | undefined) ?? {}), mode: choice.mode } as Record<string, unknown>;
  if (choice.region) section.region = choice.region;
  else delete section.region;
  if (choice.collectionId) section.collectionId = choice.collectionId;
  else delete section.collectionId;
  const next = { ...raw, matcher: section };
  const parsed = siteConfigSchema.safeParse(next);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new VigilError('BAD_REQUEST', `The matcher settings were not saved: ${problems}`);
  }
  writeFileDurably(path, `${JSON.stringify(next, null, 2)}\n`);
  return { before: choiceOf(resolveMatcherConfig(current.matcher)), after: choiceOf(resolveMatcherConfig(parsed.data.matcher)) };
}
