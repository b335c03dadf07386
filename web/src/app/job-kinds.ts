/** The kinds of export the demo can start, with what each takes as input. */
export const JOB_KINDS = [
  { kind: "video.render", label: "Render video", field: "scene", placeholder: "intro" },
  { kind: "audio.transcode", label: "Transcode audio", field: "track", placeholder: "podcast-42.wav" },
  { kind: "model.run", label: "Run model", field: "prompt", placeholder: "a lighthouse at dusk" },
] as const;
