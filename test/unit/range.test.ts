/**
 * HTTP Range parsing against a known size: one byte range is served
 * partially, anything else the whole file, and ranges past the end 416.
 */
import { describe, expect, it } from "vitest";
import { parseRange } from "../../workers/outputs/range";

const SIZE = 1000;

describe("parseRange", () => {
  it("serves the whole file without a Range header", () => {
    expect(parseRange(null, SIZE)).toEqual({ kind: "full" });
  });

  it("serves a closed range including both ends", () => {
    expect(parseRange("bytes=0-99", SIZE)).toEqual({ kind: "partial", offset: 0, length: 100 });
  });

  it("serves a single byte for a range that starts and ends on it", () => {
    expect(parseRange("bytes=5-5", SIZE)).toEqual({ kind: "partial", offset: 5, length: 1 });
  });

  it("serves from the start to the end of the file for an open range", () => {
    expect(parseRange("bytes=100-", SIZE)).toEqual({ kind: "partial", offset: 100, length: 900 });
  });

  it("serves the last n bytes for a suffix range", () => {
    expect(parseRange("bytes=-100", SIZE)).toEqual({ kind: "partial", offset: 900, length: 100 });
  });

  it("serves the whole file as a range for a suffix longer than the file", () => {
    expect(parseRange("bytes=-5000", SIZE)).toEqual({ kind: "partial", offset: 0, length: SIZE });
  });

  it("clamps an end beyond the file to its last byte", () => {
    expect(parseRange("bytes=900-5000", SIZE)).toEqual({ kind: "partial", offset: 900, length: 100 });
  });

  it("tolerates spaces around the header value", () => {
    expect(parseRange("  bytes=0-9 ", SIZE)).toEqual({ kind: "partial", offset: 0, length: 10 });
  });

  it.each(["bytes=1000-", "bytes=1000-1200", "bytes=5000-"])(
    "cannot satisfy a range starting at or past the end (%s)",
    (header) => {
      expect(parseRange(header, SIZE)).toEqual({ kind: "unsatisfiable" });
    },
  );

  it("cannot satisfy an empty suffix range", () => {
    expect(parseRange("bytes=-0", SIZE)).toEqual({ kind: "unsatisfiable" });
  });

  it("cannot satisfy any range of an empty file", () => {
    expect(parseRange("bytes=-10", 0)).toEqual({ kind: "unsatisfiable" });
  });

  it.each(["bytes=abc", "items=0-9", "bytes=-", "bytes=0-9x", "0-9", "bytes=9-5"])(
    "serves the whole file for a malformed range (%s)",
    (header) => {
      expect(parseRange(header, SIZE)).toEqual({ kind: "full" });
    },
  );

  it("serves the whole file for a multi-range request", () => {
    expect(parseRange("bytes=0-9,20-29", SIZE)).toEqual({ kind: "full" });
  });
});
