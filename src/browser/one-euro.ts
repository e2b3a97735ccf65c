/**
 * One-Euro filter (Casiez, Roussel, Vogel, CHI 2012) for a 2-D point.
 *
 * A low-pass filter whose cutoff rises with the point's speed: at rest it smooths hard (kills
 * jitter), when the point moves it opens up (little lag). The speed that drives the cutoff is the
 * 2-D speed of the point, not each axis on its own, so a corner moving diagonally is not smoothed
 * differently along x and y.
 */
export interface OneEuroParams {
  /** Cutoff in Hz when the point is at rest. Lower = smoother and slower. */
  minCutoff: number;
  /** How fast the cutoff grows with speed (per unit of speed). Higher = less lag when moving. */
  beta: number;
  /** Cutoff in Hz for the speed estimate itself. */
  dCutoff: number;
}

function alpha(cutoffHz: number, dtSeconds: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtSeconds);
}

export class OneEuroFilter2D {
  private x = 0;
  private y = 0;
  private vx = 0;
  private vy = 0;
  private primed = false;

  constructor(private readonly params: OneEuroParams) {}

  reset(x?: number, y?: number): void {
    this.primed = x !== undefined && y !== undefined;
    this.x = x ?? 0;
    this.y = y ?? 0;
    this.vx = 0;
    this.vy = 0;
  }

  get initialized(): boolean {
    return this.primed;
  }

  /** Filtered speed estimate (units per second). */
  get speed(): number {
    return Math.hypot(this.vx, this.vy);
  }

  /** Feed one sample taken dtSeconds after the previous one; returns the filtered point. */
  filter(x: number, y: number, dtSeconds: number): [number, number] {
    if (!this.primed) {
      this.reset(x, y);
      return [x, y];
    }
    const dt = dtSeconds > 0 && Number.isFinite(dtSeconds) ? dtSeconds : 1 / 30;
    const ad = alpha(this.params.dCutoff, dt);
    this.vx += ad * ((x - this.x) / dt - this.vx);
    this.vy += ad * ((y - this.y) / dt - this.vy);
    const cutoff = this.params.minCutoff + this.params.beta * Math.hypot(this.vx, this.vy);
    const a = alpha(cutoff, dt);
    this.x += a * (x - this.x);
    this.y += a * (y - this.y);
    return [this.x, this.y];
  }
}
