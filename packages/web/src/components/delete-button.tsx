/** "Delete…" with a modal confirmation (see `ConfirmButton`); its failure is shown in the dialog. */
import { ConfirmButton } from './confirm-button';

export interface DeleteButtonProps {
  /** What is deleted, as the user reads it: `test “Order API”`. */
  readonly what: string;
  /** Deletes; the dialog closes once it resolves. */
  readonly onDelete: () => Promise<void>;
}

export function DeleteButton({ what, onDelete }: DeleteButtonProps) {
  return (
    <ConfirmButton
      label="Delete…"
      title={`Delete ${what}?`}
      consequence="This cannot be undone. Its runs are deleted with it."
      confirmLabel="Delete"
      busyLabel="Deleting…"
      onConfirm={onDelete}
    />
  );
}
