/** A run's counts of passed and failed assertion results, e.g. "✔ 3 ✘ 1". */
export function PassFailCounts({
  pass,
  fail,
  titled = false,
}: {
  readonly pass: number;
  readonly fail: number;
  /** Explains each count in a tooltip, where the counts stand without a column heading. */
  readonly titled?: boolean;
}) {
  return (
    <span className="counts">
      <span className="count-passed" title={titled ? 'Assertion results that passed' : undefined}>
        ✔ {pass}
      </span>
      <span className="count-failed" title={titled ? 'Assertion results that failed' : undefined}>
        ✘ {fail}
      </span>
    </span>
  );
}
