/** A secret the server shows once (a token's plaintext, an invite's code or link), with a copy button. */
import { useId } from 'react';
import { CopyButton } from '../components/copy-button';

function SecretRow({ label, value }: { readonly label: string; readonly value: string }) {
  const id = useId();
  return (
    <div className="secret-once-row">
      <label htmlFor={id} className="secret-once-label">
        {label}
      </label>
      {/* Read-only, so it can be selected and read by assistive technologies, never edited. */}
      <input
        id={id}
        className="code-input secret-once-value"
        readOnly
        value={value}
        spellCheck={false}
        onFocus={(event) => event.target.select()}
      />
      <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}

export function SecretOnce({
  title,
  entries,
  onDone,
}: {
  /** E.g. "Token “CI” created". */
  readonly title: string;
  /** What to copy: a label ("Token", "Invite link") and the value. */
  readonly entries: readonly { readonly label: string; readonly value: string }[];
  /** Hides the secret for good. */
  readonly onDone: () => void;
}) {
  return (
    <div className="notice notice-success secret-once" role="status">
      <p>
        <strong>{title}.</strong> Copy it now: <strong>you won't see it again</strong> once you leave this
        page or press Done.
      </p>
      {entries.map((entry) => (
        <SecretRow key={entry.label} label={entry.label} value={entry.value} />
      ))}
      <button type="button" className="button button-small secret-once-done" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
