/**
 * Labelled form controls shared by the editors: every input has a visible label (its accessible name),
 * and a problem is announced next to the field, with a caret under the column of a syntax error.
 */
import { type ReactNode, useId } from 'react';
import type { KeyValueView } from '../api/api-types';
import type { FieldProblem } from './check-draft';

/** The problem of a field: its message and, for language errors, the text with a caret at the column. */
export function FieldProblemText({
  id,
  problem,
  text,
}: {
  readonly id: string;
  readonly problem: FieldProblem;
  readonly text?: string;
}) {
  const showCaret = problem.column !== undefined && text !== undefined && text !== '' && !text.includes('\n');
  return (
    <div
      id={id}
      className={`field-problem field-problem-${problem.severity}`}
      role={problem.severity === 'error' ? 'alert' : 'status'}
    >
      <span>{problem.message}</span>
      {showCaret ? (
        <pre className="field-problem-caret" aria-hidden="true">
          {text}
          {'\n'}
          {`${' '.repeat(Math.max(0, (problem.column ?? 1) - 1))}^`}
        </pre>
      ) : null}
    </div>
  );
}

export interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly problem?: FieldProblem | undefined;
  readonly multiline?: boolean;
  readonly rows?: number;
  readonly placeholder?: string;
  readonly hint?: ReactNode;
  /** Monospace, no spell check: code, selectors, URLs. */
  readonly code?: boolean;
  readonly type?: 'text' | 'password' | 'url' | 'number';
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly className?: string;
  readonly name?: string;
}

/** A labelled text input or text area. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const problemId = `${id}-problem`;
  const hintId = `${id}-hint`;
  const describedBy = [props.problem ? problemId : '', props.hint ? hintId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    value: props.value,
    placeholder: props.placeholder,
    spellCheck: props.code ? false : undefined,
    className: `${props.code ? 'code-input' : ''}${props.problem?.severity === 'error' ? ' input-invalid' : ''}`,
    'aria-invalid': props.problem?.severity === 'error' ? true : undefined,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
    'aria-required': props.required ? true : undefined,
    name: props.name,
  } as const;
  return (
    <div className={`form-field ${props.className ?? ''}`}>
      <span className="label-line">
        <label htmlFor={id}>{props.label}</label>
        {props.required ? (
          <span className="required-mark" aria-hidden="true">
            *
          </span>
        ) : null}
      </span>
      {props.multiline ? (
        <textarea
          {...common}
          rows={props.rows ?? 4}
          onChange={(event) => props.onChange(event.target.value)}
        />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete ?? 'off'}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
      {props.hint ? (
        <div id={hintId} className="field-hint">
          {props.hint}
        </div>
      ) : null}
      {props.problem ? <FieldProblemText id={problemId} problem={props.problem} text={props.value} /> : null}
    </div>
  );
}

/** A labelled select. */
export function SelectField<T extends string>(props: {
  readonly label: string;
  readonly value: T;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly onChange: (value: T) => void;
  readonly className?: string;
}) {
  const id = useId();
  return (
    <div className={`form-field ${props.className ?? ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value as T)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A labelled checkbox. */
export function CheckboxField(props: {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly hint?: string;
}) {
  const id = useId();
  return (
    <div className="form-field form-field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </div>
  );
}

/** An editable list of `{key, value}` rows (headers, metadata, variables). */
export function KeyValueList(props: {
  /** The list's name, e.g. "Headers"; rows are labelled "Headers 1 key", "Headers 1 value". */
  readonly label: string;
  readonly entries: readonly KeyValueView[];
  readonly onChange: (entries: KeyValueView[]) => void;
  readonly keyPlaceholder?: string;
  readonly valuePlaceholder?: string;
}) {
  const { label, entries, onChange } = props;
  const update = (index: number, entry: KeyValueView) =>
    onChange(entries.map((current, position) => (position === index ? entry : current)));
  return (
    <fieldset className="key-value-list">
      <legend>{label}</legend>
      {entries.length === 0 ? <p className="muted small">None.</p> : null}
      {entries.map((entry, index) => (
        // Rows have no identity but their position while they are edited.
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are identified by their position
        <div key={index} className="key-value-row">
          <input
            aria-label={`${label} ${index + 1} key`}
            placeholder={props.keyPlaceholder ?? 'Key'}
            value={entry.key}
            className="code-input"
            spellCheck={false}
            onChange={(event) => update(index, { ...entry, key: event.target.value })}
          />
          <input
            aria-label={`${label} ${index + 1} value`}
            placeholder={props.valuePlaceholder ?? 'Value'}
            value={entry.value}
            className="code-input"
            spellCheck={false}
            onChange={(event) => update(index, { ...entry, value: event.target.value })}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(entries.filter((_, position) => position !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange([...entries, { key: '', value: '' }])}
      >
        Add {label.toLowerCase().replace(/s$/, '')}
      </button>
    </fieldset>
  );
}
