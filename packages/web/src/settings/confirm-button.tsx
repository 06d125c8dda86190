/**
 * A button that asks first, in a modal `<dialog>` (it takes the focus, Escape cancels, Cancel is
 * focused first so Enter never confirms by accident), as `DeleteButton` does, for actions that are
 * not deletions of a resource: removing a member, revoking a token or an invite.
 */
import { useId, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke…". */
  readonly label: string;
  /** The button's accessible name when its text alone is ambiguous in a list, e.g. "Revoke token CI". */
  readonly accessibleName?: string;
  /** The dialog's question, e.g. "Revoke token “CI”?". */
  readonly title: string;
  /** What happens, e.g. "Calls with it are refused from the next request on." */
  readonly consequence: string;
  /** The confirming button's text, e.g. "Revoke". */
  readonly confirmLabel: string;
  /** Runs the action; the dialog closes once it resolves and shows its failure otherwise. */
  readonly onConfirm: () => Promise<void>;
}

export function ConfirmButton(props: ConfirmButtonProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = () => {
    setBusy(true);
    setError(null);
    props.onConfirm().then(
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
      <button
        type="button"
        className="button button-small button-danger"
        aria-label={props.accessibleName}
        onClick={() => dialogRef.current?.showModal()}
      >
        {props.label}
      </button>
      <dialog
        ref={dialogRef}
        className="confirm-dialog"
        role="alertdialog"
        aria-labelledby={titleId}
        aria-describedby={textId}
        onClose={() => setError(null)}
      >
        <h2 id={titleId}>{props.title}</h2>
        <p id={textId}>{props.consequence}</p>
        {error ? (
          <p className="inline-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={confirm}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
