import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | undefined;

/**
 * undici, loaded on first use: it costs about 90 ms of start-up, and a service whose EHRs send full prefetch with
 * statically configured keys may never make an outbound request.
 */
export const loadUndici = (): Promise<typeof Undici> => (loading ??= import('undici'));
