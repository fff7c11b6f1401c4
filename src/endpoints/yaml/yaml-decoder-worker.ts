/**
 * The worker thread behind yaml-decoder.ts: decodes the YAML bodies too large
 * to parse on the main thread without stalling every other request.
 */
import { parentPort } from 'node:worker_threads';
import { decodeYAML } from './decode-yaml.js';

export interface YAMLDecodeRequest {
  id: number;
  text: string;
  maxBytes: number;
}

parentPort?.on('message', (req: YAMLDecodeRequest) => {
  parentPort!.postMessage({ id: req.id, result: decodeYAML(req.text, req.maxBytes) });
});
