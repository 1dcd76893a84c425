import type { ExchangeObserver } from './surface';
import type { Usage } from '../kernel/usage';

/** The state every observer keeps: usage seen, whether the terminal event passed, an in-band failure. */
export abstract class ObserverBase implements ExchangeObserver {
  protected seen: Usage | undefined;
  protected done = false;
  protected failed: string | undefined;

  public abstract json(body: Buffer): Buffer;
  public abstract event(raw: Buffer): Buffer | null;

  public usage(): Usage | undefined {
    return this.seen;
  }

  public completed(): boolean {
    return this.done;
  }

  public failure(): string | undefined {
    return this.failed;
  }
}
