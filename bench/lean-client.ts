/**
 * The benchmarks' lean HTTP/1.1 client, for when node:https would be the
 * bottleneck: requests on raw keep-alive TLS sockets whose answers are read
 * only as far as their framing needs (Content-Length or chunked, counted as
 * the bytes pass, never copied); streamed answers (watches) cut into lines;
 * and a timed load run of such connections in a worker thread, with the
 * servers' CPU read around its timed part only.
 */
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { cpuSeconds, type TLS } from './measure.js';
import { percentile } from './table.js';

const sinceMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** A server on 127.0.0.1 and the identity to present to it. */
export interface Target {
  port: number;
  tls: TLS;
}

export interface Answer {
  status: number;
  /** The answer's first bytes after the headers, for an error message. */
  head: string;
}

/** What a ResponseReader reports, in order: head, body slices, end. */
export interface ResponseEvents {
  /** The status line and headers are complete. */
  head?(status: number): void;
  /** Body bytes, de-chunked, as they pass: views of the socket's buffers. */
  body?(slice: Buffer): void;
  /** The answer ended; `sample` is its first bytes after the headers. */
  end(status: number, sample: string): void;
}

/**
 * Reads HTTP/1.1 answers from a connection's bytes, one after another (one
 * request at a time: nothing is pipelined).
 */
export class ResponseReader {
  /** The answer's header bytes until they are complete. */
  private head: Buffer = Buffer.alloc(0);
  private status = 0;
  private sample = '';
  /** Body bytes still to come (Content-Length or the current chunk, with its CRLF); -1 while reading a chunk-size line. */
  private remaining = 0;
  private chunked = false;
  private sizeLine = '';
  private inBody = false;

  constructor(private readonly on: ResponseEvents) {}

  push(c: Buffer): void {
    let at = 0;
    if (!this.inBody) {
      this.head = this.head.length === 0 ? c : Buffer.concat([this.head, c]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      // trimStart: a last chunk's CRLF that arrived apart from it.
      const text = this.head.toString('latin1', 0, end).toLowerCase().trimStart();
      this.status = Number(text.slice(9, 12));
      this.chunked = /\r\ntransfer-encoding: *chunked/.test(text);
      this.remaining = this.chunked ? -1 : Number(/\r\ncontent-length: *(\d+)/.exec(text)?.[1] ?? 0);
      this.sizeLine = '';
      this.inBody = true;
      this.sample = this.head.toString('utf8', end + 4, end + 304);
      c = this.head;
      at = end + 4;
      this.head = Buffer.alloc(0);
      this.on.head?.(this.status);
    }
    while (at < c.length || (!this.chunked && this.remaining === 0)) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, c.length - at);
        if (this.on.body) {
          // A chunk's remaining count includes its CRLF, which is not body.
          const data = Math.min(take, this.chunked ? this.remaining - 2 : this.remaining);
          if (data > 0) this.on.body(c.subarray(at, at + data));
        }
        this.remaining -= take;
        at += take;
        // A chunk's data and CRLF are read: the next size line follows.
        if (this.chunked && this.remaining === 0) this.remaining = -1;
        continue;
      }
      if (!this.chunked) break;
      const nl = c.indexOf(10, at);
      this.sizeLine += c.toString('latin1', at, nl < 0 ? c.length : nl + 1);
      if (nl < 0) return;
      at = nl + 1;
      const size = parseInt(this.sizeLine, 16);
      this.sizeLine = '';
      if (size === 0) {
        // The last chunk: its CRLF (no trailers) ends the answer.
        at += 2;
        this.remaining = 0;
        this.chunked = false;
        break;
      }
      this.remaining = size + 2;
    }
    if (this.remaining !== 0 || this.chunked) return;
    this.inBody = false;
    this.on.end(this.status, this.sample);
  }
}

const connect = (target: Target): Promise<TLSSocket> =>
  new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: target.port, servername: 'localhost', ...target.tls }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });

/**
 * A keep-alive HTTP/1.1 connection over TLS that sends one request at a time
 * and reads just enough of each answer to know its status and where it ends:
 * far less work per request than node:https, so that one client thread
 * outpaces the server.
 */
export class LeanConnection {
  private readonly reader = new ResponseReader({
    end: (status, sample) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve({ status, head: sample });
    },
  });
  private waiting?: { resolve: (a: Answer) => void; reject: (e: Error) => void };

  private constructor(private readonly socket: TLSSocket) {
    socket.on('data', (c: Buffer) => this.reader.push(c));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  static async open(target: Target): Promise<LeanConnection> {
    return new LeanConnection(await connect(target));
  }

  request(method: string, path: string, body?: string): Promise<Answer> {
    const length = body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    this.socket.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n${length}\r\n${body ?? ''}`);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }
}

/**
 * A streamed answer (a watch) on its own TLS connection, cut into its
 * newline-terminated lines (one watch event each). `open` resolves once the
 * 200 head arrived; `onEnd` is told if the stream ends or fails after that.
 */
export class LeanStream {
  private partial: Buffer | undefined;
  private closing = false;

  private constructor(
    private readonly socket: TLSSocket,
    private readonly onLine: (line: Buffer) => void,
  ) {}

  static async open(target: Target, path: string, onLine: (line: Buffer) => void, onEnd: (why: string) => void): Promise<LeanStream> {
    const socket = await connect(target);
    socket.setNoDelay(true);
    const stream = new LeanStream(socket, onLine);
    return new Promise((resolve, reject) => {
      let opened = false;
      const end = (why: string) => {
        if (stream.closing) return;
        stream.closing = true;
        socket.destroy();
        if (opened) onEnd(why);
        else reject(new Error(`GET ${path}: ${why}`));
      };
      const reader = new ResponseReader({
        head: (status) => {
          if (status !== 200) return;
          opened = true;
          resolve(stream);
        },
        body: (slice) => {
          if (opened) stream.lines(slice);
        },
        end: (status, sample) => end(opened ? 'the stream ended' : `${status}: ${sample}`),
      });
      socket.on('data', (c: Buffer) => reader.push(c));
      socket.on('error', (e) => end(e.message));
      socket.on('close', () => end('the server closed the connection'));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n`);
    });
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private lines(slice: Buffer): void {
    let from = 0;
    for (let nl = slice.indexOf(10); nl >= 0; nl = slice.indexOf(10, from)) {
      const line = this.partial ? Buffer.concat([this.partial, slice.subarray(from, nl)]) : slice.subarray(from, nl);
      this.partial = undefined;
      from = nl + 1;
      this.onLine(line);
    }
    if (from < slice.length) this.partial = this.partial ? Buffer.concat([this.partial, slice.subarray(from)]) : slice.subarray(from);
  }
}

// ------------------------------------------------------------------ the load client (a worker thread)

/** One timed run of `ops` requests at `concurrency`; `{i}` in path and body becomes the operation's index (mod `cycle`, if given) plus `offset`. */
export interface LoadSpec extends Target {
  concurrency: number;
  ops: number;
  offset: number;
  cycle?: number;
  method: string;
  path: string;
  body?: string;
  status: number;
}

export interface LoadResult {
  seconds: number;
  p50: number;
  p99: number;
  /** The worker's event loop utilization over the timed run (1.0: the client was saturated). */
  elu: number;
}

async function runLoad(spec: LoadSpec): Promise<void> {
  // The TLS handshakes, and the server's once-per-connection reading of the client certificate, happen before the timed part.
  const conns = await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      const conn = await LeanConnection.open(spec);
      await conn.request('GET', '/version');
      return conn;
    }),
  );
  parentPort!.postMessage({ type: 'warmed' });
  await new Promise<void>((r) => parentPort!.once('message', () => r()));
  const fill = (s: string, i: number) => s.split('{i}').join(String(spec.offset + (spec.cycle ? i % spec.cycle : i)));
  const latencies: number[] = [];
  let next = 0;
  const e0 = performance.eventLoopUtilization();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    conns.map(async (conn) => {
      while (next < spec.ops) {
        const i = next++;
        const path = fill(spec.path, i);
        const s0 = process.hrtime.bigint();
        const a = await conn.request(spec.method, path, spec.body === undefined ? undefined : fill(spec.body, i));
        latencies.push(sinceMs(s0));
        if (a.status !== spec.status) throw new Error(`${spec.method} ${path}: ${a.status}, wanted ${spec.status}: ${a.head}`);
      }
    }),
  );
  const seconds = sinceMs(t0) / 1000;
  const elu = performance.eventLoopUtilization(e0).utilization;
  for (const c of conns) c.close();
  const result: LoadResult = { seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), elu };
  parentPort!.postMessage({ type: 'done', result });
}

if (!isMainThread && (workerData as { leanLoad?: LoadSpec } | null)?.leanLoad) await runLoad((workerData as { leanLoad: LoadSpec }).leanLoad);

/**
 * Runs one LoadSpec in a fresh worker; each server's CPU seconds (by pid, in
 * the order given) are read only around the timed part (after the TLS handshakes).
 */
export async function load(spec: LoadSpec, serverPids: number[]): Promise<LoadResult & { serverCpuS: number[] }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { leanLoad: spec } });
  const cpu = () => Promise.all(serverPids.map(cpuSeconds));
  try {
    let cpu0: number[] = [];
    let done = false;
    return await new Promise((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => done || reject(new Error(`load worker exited (${code}) without a result`)));
      worker.on('message', (m: { type: 'warmed' } | { type: 'done'; result: LoadResult }) => {
        if (m.type === 'warmed') {
          void cpu().then((c) => {
            cpu0 = c;
            worker.postMessage('go');
          });
          return;
        }
        done = true;
        void cpu().then((c) => resolve({ ...m.result, serverCpuS: c.map((s, k) => s - cpu0[k]!) }));
      });
    });
  } finally {
    await worker.terminate();
  }
}
