/** A compact table of an admin list (members, invites, tokens, the audit log), scrolling sideways when narrow. */
import type { ReactNode } from 'react';
import { TableHead } from '../components/table-head';

export function AdminTable({
  label,
  columns,
  hiddenColumn,
  children,
}: {
  /** The table's accessible name, e.g. "Pending invites". */
  readonly label: string;
  readonly columns: readonly string[];
  /** A last column without a visible heading (its row actions), named for assistive technologies. */
  readonly hiddenColumn?: string;
  /** The rows. */
  readonly children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table compact" aria-label={label}>
        <TableHead columns={columns} hiddenColumn={hiddenColumn} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
