/**
 * "Delete…" with a modal confirmation (a native `<dialog>`: it takes the focus, Escape cancels, the
 * page behind is inert). Deleting calls `onDelete`; its failure is shown in the dialog.
 */
import { useId, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';

export interface DeleteButtonProps {
  /** What is deleted, as the user reads it: `test “Order API”`. */
  readonly what: string;
  /** Deletes; the dialog closes once it resolves. */
  readonly onDelete: () => Promise<void>;
}

export function DeleteButton({ what, onDelete }: DeleteButtonProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    dialogRef.current?.close();
  };
  const confirm = () => {
    setBusy(true);
    setError(null);
    onDelete().then(
      () => {
        setBusy(false);
        dialogRef.current?.close();
      },
      (reason: unknown) => {
        setBusy(false);
        setError(reason instanceof ApiError ? reason.detail : String(reason));
      },
    );
  };
  return (
    <>
      <button type="button" className="button button-danger" onClick={() => dialogRef.current?.showModal()}>
        Delete…
      </button>
      <dialog
        ref={dialogRef}
        className="confirm-dialog"
        role="alertdialog"
        aria-labelledby={titleId}
        aria-describedby={textId}
        onClose={() => setError(null)}
      >
        <h2 id={titleId}>Delete {what}?</h2>
        <p id={textId}>This cannot be undone. Its runs are deleted with it.</p>
        {error ? (
          <p className="inline-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          {/* Cancel comes first, so `showModal` focuses it: Enter on the dialog never deletes by accident. */}
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={confirm}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </dialog>
    </>
  );
}
