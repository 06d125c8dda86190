/** "Expires": a select of presets, and a date picker when "On a date…" is chosen. */
import { useId } from 'react';
import { FieldProblemText } from '../editor/form-fields';
import {
  type DraftProblem,
  EXPIRY_LABELS,
  EXPIRY_PRESETS,
  type ExpiryChoice,
  type ExpiryPreset,
} from './admin-drafts';

export function ExpiryField({
  label,
  value,
  problem,
  onChange,
}: {
  readonly label: string;
  readonly value: ExpiryChoice;
  readonly problem: DraftProblem | undefined;
  readonly onChange: (value: ExpiryChoice) => void;
}) {
  const id = useId();
  const problemId = `${id}-problem`;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value.preset}
        aria-invalid={problem && value.preset !== 'date' ? true : undefined}
        onChange={(event) => onChange({ ...value, preset: event.target.value as ExpiryPreset })}
      >
        {EXPIRY_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {EXPIRY_LABELS[preset]}
          </option>
        ))}
      </select>
      {value.preset === 'date' ? (
        <input
          type="date"
          aria-label={`${label}: day`}
          value={value.date}
          className={problem ? 'input-invalid' : undefined}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(event) => onChange({ ...value, date: event.target.value })}
        />
      ) : null}
      {problem ? <FieldProblemText id={problemId} problem={problem} /> : null}
    </div>
  );
}
