/** The header row of a data table: a `<th scope="col">` per column, the last one possibly unseen. */
export function TableHead({
  columns,
  hiddenColumn,
}: {
  readonly columns: readonly string[];
  /** A last column without a visible heading (e.g. row actions), named for assistive technologies. */
  readonly hiddenColumn?: string;
}) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {hiddenColumn === undefined ? null : (
          <th scope="col">
            <span className="sr-only">{hiddenColumn}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
