/**
 * A plain text table: headers, then one line per row, columns padded to their widest cell and separated
 * by two spaces. No borders, so it greps and diffs well.
 * @example renderTable(['ID', 'NAME'], [['a1', 'create order']])
 * // 'ID  NAME\na1  create order\n'
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (cell: string) => cell.replace(/\s*\n\s*/g, ' ');
  const cells = [headers, ...rows.map((row) => row.map(clean))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
