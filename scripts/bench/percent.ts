/**
 * The percents the benchmark reports, and the key that matches each report
 * with the `job:progress` events it raised.
 */

/** The percent of report `i` (1..n): rising, distinct at the server's 0.01 resolution, ending at 100. */
export const percentFor = (i: number, n: number) => Math.round((i * 10_000) / n) / 100;

/** A percent as whole hundredths, to match reports with the events they raised. */
export const keyOf = (percent: number) => Math.round(percent * 100);
