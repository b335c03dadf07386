/** The callbacks a GPU worker can call, named in refusal events too. */
export const CALLBACK_NAMES = ["progress", "heartbeat", "output", "complete", "error", "release", "log", "preview", "ws"] as const;
export type CallbackName = (typeof CALLBACK_NAMES)[number];
