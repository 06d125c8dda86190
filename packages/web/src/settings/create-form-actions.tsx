/** The end of an admin "New …" form: its submit button, busy while it creates, and why it was not created. */
export function CreateFormActions({
  label,
  busy,
  failure,
}: {
  /** The submit button's text, e.g. "Create token". */
  readonly label: string;
  readonly busy: boolean;
  readonly failure: string | null;
}) {
  return (
    <>
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : label}
        </button>
      </div>
      {failure ? (
        <p className="inline-error" role="alert">
          Not created: {failure}
        </p>
      ) : null}
    </>
  );
}
