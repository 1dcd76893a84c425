import type { ResolvedModel } from '../config/gateway-config';
import type { GroupConfig } from '../config/schema';

/** How long a target that answered 429 without a Retry-After is cooled. */
export const DEFAULT_COOLING_MS = 10_000;
/** Targets one instance remembers as cooling (the oldest goes first beyond it). */
const MAX_COOLING = 5_000;

/**
 * The order in which a group's targets are tried (SPEC section 14), per instance: `priority` keeps
 * the group's order, `spread` rotates where it starts; targets cooling after a 429 are skipped while
 * another is available, and when every target is cooling the one whose cooling ends first is tried.
 */
export class TargetSelector {
  private readonly cooling = new Map<string, number>();
  private readonly turns = new Map<string, number>();

  public constructor(private readonly now: () => number = Date.now) {}

  public order(group: GroupConfig, targets: readonly ResolvedModel[]): ResolvedModel[] {
    let ordered = [...targets];
    if (group.strategy === 'spread' && ordered.length > 1) {
      const turn = this.turns.get(group.name) ?? 0;
      this.turns.set(group.name, (turn + 1) % ordered.length);
      ordered = [...ordered.slice(turn % ordered.length), ...ordered.slice(0, turn % ordered.length)];
    }
    const now = this.now();
    const until = (t: ResolvedModel): number => {
      const u = this.cooling.get(t.id) ?? 0;
      return u > now ? u : 0;
    };
    const healthy = ordered.filter((t) => until(t) === 0);
    if (healthy.length > 0) return healthy;
    // Every target is cooling: the one whose cooling ends first is tried.
    return [ordered.reduce((a, b) => (until(b) < until(a) ? b : a))];
  }

  /** Cools a target for `ms` (its Retry-After, or DEFAULT_COOLING_MS). */
  public cool(target: ResolvedModel, ms: number | undefined): void {
    this.cooling.delete(target.id);
    this.cooling.set(target.id, this.now() + (ms ?? DEFAULT_COOLING_MS));
    if (this.cooling.size > MAX_COOLING) this.cooling.delete(this.cooling.keys().next().value as string);
  }
}
