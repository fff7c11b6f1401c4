/**
 * Conversion by webhook (kube's webhookConverter.Convert): the objects not
 * yet in the desired version go to the webhook in ONE ConversionReview, the
 * answer is checked (review.ts) and put back in place; objects already in
 * the desired version are not sent, and a batch with none to convert makes
 * no call.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../registry/object.js';
import { checkConverted, ConversionCheckError, conversionReview, convertedObjectsOf, gvkString, reviewVersionFor } from './review.js';

/** How a ConversionReview reaches the webhook (WebhookClient, or a fake in tests). */
export interface ReviewTransport {
  post(review: unknown): Promise<unknown>;
}

/** A conversion that failed: `message` is the whole text the client sees. */
export class ConversionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionFailedError';
  }
}

/**
 * Converts `objs` to `desiredAPIVersion` through the webhook. `objs` are
 * not changed. A batch of one is worded as kube words one object, a larger
 * one as kube words a list.
 */
export async function convertByWebhook(
  transport: ReviewTransport,
  conversionReviewVersions: readonly string[],
  objs: readonly KubeObject[],
  desiredAPIVersion: string,
): Promise<KubeObject[]> {
  const pending = objs.flatMap((obj, at) => (obj.apiVersion === desiredAPIVersion ? [] : [{ obj, at }]));
  if (pending.length === 0) return [...objs];
  const version = reviewVersionFor(conversionReviewVersions);
  if (!version) throw new ConversionFailedError('no supported conversion review versions');
  // kube names the input's kind: the (first) object's version before conversion.
  const gvk = gvkString(String(pending[0]!.obj.apiVersion ?? ''), String(pending[0]!.obj.kind ?? ''));
  const failed = (err: unknown) => new ConversionFailedError(`conversion webhook for ${gvk} failed: ${err instanceof Error ? err.message : String(err)}`);
  const uid = randomUUID();
  let converted: unknown[];
  try {
    const answer = await transport.post(conversionReview(version, uid, desiredAPIVersion, pending.map((p) => p.obj)));
    converted = convertedObjectsOf(version, uid, answer);
  } catch (err) {
    throw failed(err);
  }
  if (converted.length !== pending.length) {
    throw new ConversionFailedError(`conversion webhook for ${gvk} returned ${converted.length} objects, expected ${pending.length}`);
  }
  const out = [...objs];
  const single = objs.length === 1;
  try {
    pending.forEach(({ obj, at }, i) => {
      out[at] = checkConverted(obj, converted[i], desiredAPIVersion, i, single);
    });
  } catch (err) {
    if (err instanceof ConversionCheckError) throw new ConversionFailedError(err.message);
    throw err;
  }
  return out;
}
