/** The source of "now" for every date rule; injected so tests and replays are deterministic. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock frozen at one instant (tests, demos, "as-of" evaluation). */
export const fixedClock =
  (iso: string): Clock =>
  () =>
    new Date(iso);
