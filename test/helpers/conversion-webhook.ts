/**
 * A CRD conversion webhook served by a test over TLS on 127.0.0.1, and the
 * CRD that uses it: spec.colour (v1alpha1, served and deprecated) <->
 * spec.color (v1, storage). Shared by the integration and kubectl tests.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReviewedObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; [field: string]: unknown };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

interface Review {
  apiVersion: string;
  request: { uid: string; desiredAPIVersion: string; objects: ReviewedObject[] };
}

/** How the webhook answers: `ok`, or misbehaving (unparseable, one object short, a changed name). */
export type ConversionMode = 'ok' | 'garbage' | 'short' | 'rename';

/** `mode` makes it misbehave; `calls` records each review's object count and desired version. */
export class ConversionWebhook {
  mode: ConversionMode = 'ok';
  readonly calls: { objects: number; desired: string }[] = [];
  readonly server: https.Server;

  constructor(cert: { certPem: string; keyPem: string }) {
    this.server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
        this.calls.push({ objects: review.request.objects.length, desired: review.request.desiredAPIVersion });
        res.setHeader('Content-Type', 'application/json');
        if (this.mode === 'garbage') return res.end('garbage');
        const converted = review.request.objects.map((o) => convertColour(o, review.request.desiredAPIVersion));
        if (this.mode === 'short') converted.pop();
        if (this.mode === 'rename') for (const o of converted) o.metadata.name = 'renamed';
        res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: converted } }));
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** spec.colour in v1alpha1, spec.color in v1. */
export function convertColour(o: ReviewedObject, desired: string): ReviewedObject {
  const spec = { ...(o.spec ?? {}) };
  if (desired.endsWith('/v1')) {
    if ('colour' in spec) spec.color = spec.colour;
    delete spec.colour;
  } else {
    if ('color' in spec) spec.colour = spec.color;
    delete spec.color;
  }
  return { ...o, apiVersion: desired, spec };
}

// Each version requires its own name of the field: an object is defaulted and validated in a shape its schema describes.
const specSchema = (field: string) => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: [field], properties: { [field]: { type: 'string' } } } } } });

/** A namespaced CRD in `group` with v1alpha1 (served, deprecated) and v1 (storage), converted by the webhook at `clientConfig`. */
export function conversionCRD(group: string, plural: string, kind: string, clientConfig: Record<string, unknown>) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        { name: 'v1alpha1', served: true, storage: false, deprecated: true, schema: specSchema('colour') },
        { name: 'v1', served: true, storage: true, schema: specSchema('color') },
      ],
      conversion: { strategy: 'Webhook', webhook: { clientConfig, conversionReviewVersions: ['v1', 'v1beta1'] } },
    },
  };
}

export const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
