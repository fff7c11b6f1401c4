/**
 * Tells when a file may have changed, however it was changed: rewritten in
 * place, replaced by a rename, or reached through a symlink that was swapped
 * (Kubernetes secret and ConfigMap volumes: name -> ..data/name, and ..data
 * -> ..<timestamp> is replaced atomically).
 *
 * Built on node's fs.watch (inotify here) rather than chokidar: we need two
 * plain watches, not globbing or polling, and chokidar's handling of a
 * watched file that is itself a symlink to a swapped directory is the part
 * least under our control. Two watches cover every case:
 * - the directory holding the path: renames over the name and ..data swaps
 *   are entry events there, and they survive the file being replaced;
 * - the path itself, which inotify resolves through symlinks to the current
 *   file: in-place writes to the real file, wherever it lives. It is re-armed
 *   after any event, since the path may now lead to another inode.
 * Events only say "look again"; the reader compares bytes, so spurious events
 * are cheap. A missed event is caught by the owner's periodic re-read.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../observability/logger.js';

export class FileWatcher {
  private dirWatcher: FSWatcher | undefined;
  private fileWatcher: FSWatcher | undefined;
  private closed = false;
  private rearmQueued = false;

  constructor(
    private readonly path: string,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  /** True while the directory watch is up (the file watch may be briefly down during a replace). */
  get watching(): boolean {
    return this.dirWatcher !== undefined;
  }

  /** Sets up whichever watch is missing; throws if the directory cannot be watched. Safe to call again. */
  ensure(): void {
    if (this.closed) return;
    if (!this.dirWatcher) {
      const w = watch(dirname(this.path), { persistent: false }, () => this.changed());
      w.on('error', (err) => this.lost('directory', w, err));
      this.dirWatcher = w;
    }
    if (!this.fileWatcher) this.armFile();
  }

  close(): void {
    this.closed = true;
    this.dirWatcher?.close();
    this.fileWatcher?.close();
    this.dirWatcher = this.fileWatcher = undefined;
  }

  private armFile(): void {
    try {
      const w = watch(this.path, { persistent: false }, () => this.changed());
      w.on('error', (err) => this.lost('file', w, err));
      this.fileWatcher = w;
    } catch {
      // Missing right now (mid-replace, or a dangling symlink): the directory watch will tell us when it is back.
      this.fileWatcher = undefined;
    }
  }

  private changed(): void {
    if (this.closed) return;
    this.onChange();
    // Re-arm once per burst of events, after they are delivered.
    if (this.rearmQueued) return;
    this.rearmQueued = true;
    setImmediate(() => {
      this.rearmQueued = false;
      if (this.closed) return;
      this.fileWatcher?.close();
      this.armFile();
    });
  }

  private lost(which: 'directory' | 'file', w: FSWatcher, err: Error): void {
    w.close();
    if (which === 'directory' && this.dirWatcher === w) this.dirWatcher = undefined;
    if (which === 'file' && this.fileWatcher === w) this.fileWatcher = undefined;
    if (this.closed) return;
    this.logger.warn('file watch failed; relying on the periodic re-read until it is re-established', { file: this.path, watch: which, err: err.message });
    this.onChange();
  }
}
