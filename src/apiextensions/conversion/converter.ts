/**
 * One CRD's converter (kube's crConverter over a nop or webhook converter):
 * every object must be in a version the CRD lists, then strategy None
 * rewrites apiVersion and strategy Webhook asks the webhook. A failure is a
 * 500 whose message is kube's text alone (kube passes a plain error, which
 * leaves with reason Unknown), so nothing is stored and nothing is served.
 */
import { StatusError } from '../../apimachinery/status-error.js';
import { failureStatus } from '../../apimachinery/status.js';
import type { KubeObject } from '../../registry/object.js';
import type { CustomResourceDefinition } from '../customresourcedefinition/types.js';
import { WebhookClient, type ResolveService } from './client.js';
import { ConversionFailedError, convertByWebhook } from './webhook.js';

export interface CRConverter {
  /** `objs` in `<group>/<version>`, in order; the input is not changed. Rejects with a 500 StatusError. */
  convert(objs: readonly KubeObject[], version: string): Promise<KubeObject[]>;
  /** Releases the webhook's connections (the CRD changed or went). */
  close(): void;
}

export interface ConverterDeps {
  resolveService?: ResolveService;
}

export function newConverter(crd: CustomResourceDefinition, deps: ConverterDeps = {}): CRConverter {
  const group = crd.spec.group;
  const valid = new Set(crd.spec.versions.map((v) => `${group}/${v.name}`));
  const webhook = crd.spec.conversion?.strategy === 'Webhook' ? crd.spec.conversion.webhook : undefined;
  const client = webhook?.clientConfig ? new WebhookClient({ clientConfig: webhook.clientConfig, resolveService: deps.resolveService }) : undefined;
  return {
    async convert(objs, version) {
      const desired = `${group}/${version}`;
      try {
        checkVersions(objs, valid, desired);
        if (!webhook) return objs.map((o) => (o.apiVersion === desired ? o : { ...o, apiVersion: desired }));
        if (!client) throw new ConversionFailedError(`conversion webhook for ${crd.metadata.name ?? ''} has no clientConfig`);
        return await convertByWebhook(client, webhook.conversionReviewVersions ?? [], objs, desired);
      } catch (err) {
        if (err instanceof ConversionFailedError) throw conversionError(err.message);
        throw err;
      }
    },
    close: () => client?.close(),
  };
}

/** kube's crConverter.ConvertToVersion checks, worded for one object or a list. */
function checkVersions(objs: readonly KubeObject[], valid: ReadonlySet<string>, desired: string): void {
  if (!valid.has(desired)) throw new ConversionFailedError(`request to convert CR to an invalid group/version: ${desired}`);
  objs.forEach((o, i) => {
    const gv = String(o.apiVersion ?? '');
    if (valid.has(gv)) return;
    throw new ConversionFailedError(
      objs.length === 1 ? `request to convert CR from an invalid group/version: ${gv}` : `request to convert CR list failed, list index ${i} has invalid group/version: ${gv}`,
    );
  });
}

export const conversionError = (message: string): StatusError => new StatusError(failureStatus(500, '', message));
