/** The parts of a TTY write stream the progress bar needs (node's process.stderr has them). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
  label: string;
  columns: number;
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Throughput in the unit that reads best: images per second, or seconds per image when slow. */
export function formatRate(perSecond: number): string {
  if (!(perSecond > 0)) return "-- img/s";
  if (perSecond < 1) return `${(1 / perSecond).toFixed(1)} s/img`;
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1)} img/s`;
}

/** One line: count, bar, percent, rate, time left, current file; cut to the terminal width. */
export function formatProgress(st: ProgressState): string {
  const { done, total, failed, elapsedMs } = st;
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const secs = elapsedMs / 1000;
  const rate = done > 0 && secs > 0 ? done / secs : 0;
  const rateText = formatRate(rate);
  const eta = rate > 0 ? formatDuration(((total - done) / rate) * 1000) : "--:--";
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  const fails = failed > 0 ? `  ${failed} failed` : "";
  const tail = `${Math.floor(frac * 100)
    .toString()
    .padStart(3)}%  ${rateText}  ETA ${eta}${fails}`;
  const columns = Math.max(20, st.columns);
  const barWidth = Math.max(10, Math.min(30, columns - count.length - tail.length - 8));
  const filled = Math.round(frac * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  const line = `${count} ${bar} ${tail}  ${st.label}`;
  // Leave the last column free: writing into it makes some terminals wrap and break the \r redraw.
  return line.length >= columns ? line.slice(0, columns - 1) : line;
}

/**
 * A progress bar on stderr that only draws on a terminal: when stderr is piped or redirected it
 * writes nothing, so logs and CI output stay clean. Results go to stdout; `log` clears the bar,
 * lets the caller print, and draws it again so the two never garble each other.
 */
export class Progress {
  readonly enabled: boolean;
  private done = 0;
  private failed = 0;
  private label = "";
  private readonly started: number;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    options: { enabled?: boolean; now?: () => number } = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.enabled = (options.enabled ?? true) && stream.isTTY === true && total > 1;
    this.started = this.now();
  }

  private readonly now: () => number;

  start(label: string): void {
    this.label = label;
    this.draw(false);
  }

  /** Marks one item finished (successfully or not). */
  step(ok: boolean): void {
    this.done++;
    if (!ok) this.failed++;
    this.draw(this.done === this.total);
  }

  /** Prints something without tearing the bar. */
  log(print: () => void): void {
    this.clear();
    print();
    this.draw(true);
  }

  /** Removes the bar; call before the final summary. */
  finish(): void {
    this.clear();
  }

  private clear(): void {
    if (this.enabled && this.drawn) {
      this.stream.write("\r\x1b[K");
      this.drawn = false;
    }
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const t = this.now();
    // Redrawing on every tiny step costs more than it shows; ~10 frames a second is plenty.
    if (!force && this.drawn && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const line = formatProgress({
      done: this.done,
      total: this.total,
      failed: this.failed,
      elapsedMs: t - this.started,
      label: this.label,
      columns: this.stream.columns || 80,
    });
    this.stream.write(`\r\x1b[K${line}`);
    this.drawn = true;
  }
}
