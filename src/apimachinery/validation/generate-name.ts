import { randomInt } from 'node:crypto';

/** kube's alphabet for generated suffixes: no vowels, so no words form by accident. */
export const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const GENERATED_SUFFIX_LENGTH = 5;
/** 63 - 5: the base is cut so that base and suffix fit a DNS label. */
export const MAX_GENERATED_NAME_LENGTH = 63 - GENERATED_SUFFIX_LENGTH;

/** Returns an integer in [0, max); injectable so tests can fix the suffix. */
export type RandomIndex = (max: number) => number;

/**
 * kube's SimpleNameGenerator: the base, cut to 58 characters, plus 5 random
 * characters. Names can collide; the registry retries the create when they do.
 */
export function generateName(base: string, random: RandomIndex = randomInt): string {
  const cut = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += GENERATED_NAME_ALPHABET[random(GENERATED_NAME_ALPHABET.length)];
  return cut + suffix;
}
