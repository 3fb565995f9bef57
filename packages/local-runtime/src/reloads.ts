/** One reload of a running stack (a handler rebuilt, a template applied) or one refused, as the watcher told it. */
export interface ReloadRecord {
  /** When (epoch ms). */
  at: number;
  /** The watcher's line: what changed, what was reloaded, how long it took; or the error. */
  text: string;
  /** False when the change was refused and the running version kept. */
  ok: boolean;
}

/**
 * The newest reloads, for whoever shows them (the browser console's overview). The runtime applies a
 * template itself but a handler is rebuilt at a watcher's request, so the watcher records both.
 */
export class ReloadLog {
  private readonly records: ReloadRecord[] = [];

  constructor(private readonly size = 20) {}

  record(text: string, ok: boolean): void {
    this.records.push({ at: Date.now(), text, ok });
    if (this.records.length > this.size) this.records.shift();
  }

  /** Newest first. */
  recent(limit = this.size): ReloadRecord[] {
    return this.records.slice(-Math.max(0, limit)).reverse();
  }
}
