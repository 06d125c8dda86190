/**
 * A labelled text field with a list of suggestions (an ARIA combobox): the list follows the text
 * before the cursor; ArrowDown/ArrowUp move in it, Enter or Tab take a suggestion, Escape closes it.
 * A syntax problem is shown under the field with its column and a caret.
 */
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { applySuggestion, type Suggestion, type SyntaxProblem } from './spec-language';

export interface SuggestInputProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly suggest: (text: string, cursor: number) => readonly Suggestion[];
  readonly problem?: SyntaxProblem | null;
  readonly placeholder?: string;
  /** Extra text after the field (the number of matched spans…). */
  readonly status?: string;
}

export function SuggestInput(props: SuggestInputProps) {
  const { label, value, onChange, suggest, problem, placeholder, status } = props;
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [cursor, setCursor] = useState(value.length);
  const [active, setActive] = useState(0);
  const suggestions = open ? suggest(value, Math.min(cursor, value.length)) : [];
  const shown = suggestions.length > 0;
  const activeIndex = Math.min(active, suggestions.length - 1);

  const take = (suggestion: Suggestion) => {
    const next = applySuggestion(value, Math.min(cursor, value.length), suggestion);
    onChange(next.text);
    setCursor(next.cursor);
    setActive(0);
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(next.cursor, next.cursor));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || (event.key === ' ' && event.ctrlKey)) {
      event.preventDefault();
      if (!open) setOpen(true);
      else setActive((index) => (suggestions.length === 0 ? 0 : (index + 1) % suggestions.length));
    } else if (event.key === 'ArrowUp' && shown) {
      event.preventDefault();
      setActive((index) => (index + suggestions.length - 1) % suggestions.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && shown) {
      const suggestion = suggestions[activeIndex];
      if (suggestion !== undefined) {
        event.preventDefault();
        take(suggestion);
      }
    } else if (event.key === 'Escape' && shown) {
      event.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className={`suggest-field${problem ? ' has-problem' : ''}`}>
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        ref={inputRef}
        id={`${id}-input`}
        type="text"
        className="suggest-input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={shown ? `${id}-list` : undefined}
        aria-activedescendant={shown ? `${id}-option-${activeIndex}` : undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        spellCheck={false}
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        onChange={(event) => {
          onChange(event.target.value);
          setCursor(event.target.selectionStart ?? event.target.value.length);
          setActive(0);
          setOpen(true);
        }}
        onSelect={(event) => setCursor(event.currentTarget.selectionStart ?? value.length)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {shown ? (
        <div
          id={`${id}-list`}
          role="listbox"
          aria-label={`Suggestions for ${label}`}
          className="suggest-list"
        >
          {suggestions.map((suggestion, index) => (
            <div
              key={`${suggestion.insert}-${suggestion.detail}`}
              tabIndex={-1}
              id={`${id}-option-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className={index === activeIndex ? 'is-active' : undefined}
              // mousedown, not click: the field keeps its focus.
              onMouseDown={(event) => {
                event.preventDefault();
                take(suggestion);
              }}
            >
              <code>{suggestion.label}</code> <span className="muted small">{suggestion.detail}</span>
            </div>
          ))}
        </div>
      ) : null}
      {problem ? (
        <p id={`${id}-problem`} className="syntax-problem" role="alert">
          Column {problem.column}: {problem.message}
          <code className="caret-line" aria-hidden="true">
            {`${value}\n${' '.repeat(Math.max(0, problem.column - 1))}${'^'.repeat(Math.max(1, problem.length))}`}
          </code>
        </p>
      ) : status ? (
        <p className="muted small suggest-status" aria-live="polite">
          {status}
        </p>
      ) : null}
    </div>
  );
}
