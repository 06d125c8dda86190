/**
 * A button that asks first, in a modal `<dialog>` (it takes the focus, Escape cancels, the page behind
 * is inert, Cancel is focused first so Enter never confirms by accident): deleting a resource (see
 * `DeleteButton`), removing a member, revoking a token or an invite.
 */
import { useId, useRef } from 'react';
import { usePendingAction } from './use-pending-action';

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke…". */
  readonly label: string;
  /** The button's accessible name when its text alone is ambiguous in a list, e.g. "Revoke token CI". */
  readonly accessibleName?: string;
  /** A small button, for a row of a list. */
  readonly small?: boolean;
  /** The dialog's question, e.g. "Revoke token “CI”?". */
  readonly title: string;
  /** What happens, e.g. "Calls with it are refused from the next request on." */
  readonly consequence: string;
  /** The confirming button's text, e.g. "Revoke". */
  readonly confirmLabel: string;
  /** The confirming button's text while the action runs (default "Working…"). */
  readonly busyLabel?: string;
  /** Runs the action; the dialog closes once it resolves and shows its failure otherwise. */
  readonly onConfirm: () => Promise<void>;
}

export function ConfirmButton(props: ConfirmButtonProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const pending = usePendingAction();
  return (
    <>
      <button
        type="button"
        className={props.small ? 'button button-small button-danger' : 'button button-danger'}
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
        onClose={() => pending.fail(null)}
      >
        <h2 id={titleId}>{props.title}</h2>
        <p id={textId}>{props.consequence}</p>
        {pending.failure ? (
          <p className="inline-error" role="alert">
            {pending.failure}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={pending.busy}
            onClick={() => pending.run(props.onConfirm(), () => dialogRef.current?.close())}
          >
            {pending.busy ? (props.busyLabel ?? 'Working…') : props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
