/** ✔, ✘ or – in the colour of the verdict; hidden from screen readers, which get the verdict in words. */
export function VerdictIcon({ verdict }: { readonly verdict: 'passed' | 'failed' | 'skipped' }) {
  return (
    <span className={`verdict-icon verdict-${verdict}`} aria-hidden="true">
      {verdict === 'passed' ? '✔' : verdict === 'failed' ? '✘' : '–'}
    </span>
  );
}
