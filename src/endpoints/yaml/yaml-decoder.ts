import { Worker } from 'node:worker_threads';
import { decodeYAML, type DecodedYAML } from './decode-yaml.js';
import type { YAMLDecodeRequest } from './yaml-decoder-worker.js';

/**
 * Below this many characters a YAML body is parsed inline: the `yaml` package
 * reads about 3 MB a second here, so 64 KiB costs ~20 ms, about what a round
 * trip to the worker and back adds. Above it (kube accepts 3 MiB bodies, which
 * take one to several seconds) the parse runs in a worker thread, so a large
 * YAML body never holds the event loop (and every health probe and request
 * behind it) for seconds.
 */
export const INLINE_YAML_CHARS = 64 * 1024;

interface Pending {
  resolve: (r: DecodedYAML) => void;
  reject: (err: Error) => void;
}

/**
 * One worker, started on first use and unref'd (it never keeps the process
 * alive); requests queue in it in order. Concurrency is bounded upstream by
 * --max-mutating-requests-inflight, and one worker keeps a core for the main
 * thread on a two-core machine. A worker that dies fails its pending
 * requests and is replaced on the next one.
 */
class YAMLDecoderThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  decode(text: string, maxBytes: number): Promise<DecodedYAML> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<DecodedYAML>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, text, maxBytes } satisfies YAMLDecodeRequest);
    });
  }

  private start(): Worker {
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (m: { id: number; result: DecodedYAML }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.result);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the YAML decoder thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * The worker's file sits beside this one: compiled (.js), or, in development
 * under tsx (.ts), loaded through tsx's loader, which Node 20 does not pass
 * on to worker threads by itself.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./yaml-decoder-worker.js', import.meta.url));
  const entry = new URL('./yaml-decoder-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

const thread = new YAMLDecoderThread();

/** Decodes a YAML body: inline when small, in the worker thread when large. */
export function decodeYAMLBody(text: string, maxBytes: number): DecodedYAML | Promise<DecodedYAML> {
  return text.length <= INLINE_YAML_CHARS ? decodeYAML(text, maxBytes) : thread.decode(text, maxBytes);
}
