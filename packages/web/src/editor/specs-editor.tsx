/**
 * Specs and outputs as editable lists: a selector with its assertions, one per line of its own
 * input, each checked as it is typed with core's parsers.
 */
import type { FieldProblem } from './check-draft';
import { FieldProblemText, TextField } from './form-fields';
import type { OutputDraft, SpecDraft, TestDraft } from './test-draft';

type Problems = ReadonlyMap<string, FieldProblem>;
type Update = (change: (draft: TestDraft) => TestDraft) => void;

function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((current, position) => (position === index ? item : current));
}

function SpecCard({
  spec,
  index,
  problems,
  onChange,
  onRemove,
}: {
  readonly spec: SpecDraft;
  readonly index: number;
  readonly problems: Problems;
  readonly onChange: (spec: SpecDraft) => void;
  readonly onRemove: () => void;
}) {
  const number = index + 1;
  const assertionsProblem = problems.get(`specs.${index}.assertions`);
  return (
    <li className="editor-card" aria-label={`Spec ${number}`}>
      <div className="editor-card-header">
        <h3>Spec {number}</h3>
        <button
          type="button"
          className="button button-small"
          onClick={onRemove}
          aria-label={`Remove spec ${number}`}
        >
          Remove
        </button>
      </div>
      <TextField
        label={`Spec ${number} name`}
        value={spec.name}
        placeholder="The order is stored"
        onChange={(name) => onChange({ ...spec, name })}
      />
      <TextField
        label={`Spec ${number} selector`}
        code
        value={spec.selector}
        placeholder='span[tracetest.span.type="http" name="POST /orders"]'
        hint="Empty selects every span."
        problem={problems.get(`specs.${index}.selector`)}
        onChange={(selector) => onChange({ ...spec, selector })}
      />
      <fieldset className="assertion-fields">
        <legend>Spec {number} assertions</legend>
        {spec.assertions.map((assertion, position) => {
          const problem = problems.get(`specs.${index}.assertions.${position}`);
          const problemId = `spec-${index}-assertion-${position}-problem`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: assertions are identified by their position
            <div key={position} className="assertion-row">
              <div className="assertion-input">
                <input
                  aria-label={`Spec ${number} assertion ${position + 1}`}
                  className={`code-input${problem?.severity === 'error' ? ' input-invalid' : ''}`}
                  spellCheck={false}
                  value={assertion}
                  placeholder="attr:http.status_code = 200"
                  aria-invalid={problem?.severity === 'error' ? true : undefined}
                  aria-describedby={problem ? problemId : undefined}
                  onChange={(event) =>
                    onChange({
                      ...spec,
                      assertions: replaceAt(spec.assertions, position, event.target.value),
                    })
                  }
                  onKeyDown={(event) => {
                    // Enter adds the next assertion, as in a list.
                    if (event.key === 'Enter') {
                      event.preventDefault();
                      onChange({ ...spec, assertions: [...spec.assertions, ''] });
                    }
                  }}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove assertion ${position + 1} of spec ${number}`}
                  onClick={() =>
                    onChange({ ...spec, assertions: spec.assertions.filter((_, at) => at !== position) })
                  }
                >
                  ×
                </button>
              </div>
              {problem ? <FieldProblemText id={problemId} problem={problem} text={assertion} /> : null}
            </div>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange({ ...spec, assertions: [...spec.assertions, ''] })}
        >
          Add assertion
        </button>
        {assertionsProblem ? (
          <FieldProblemText id={`spec-${index}-assertions-problem`} problem={assertionsProblem} />
        ) : null}
      </fieldset>
    </li>
  );
}

function OutputCard({
  output,
  index,
  problems,
  onChange,
  onRemove,
}: {
  readonly output: OutputDraft;
  readonly index: number;
  readonly problems: Problems;
  readonly onChange: (output: OutputDraft) => void;
  readonly onRemove: () => void;
}) {
  const number = index + 1;
  return (
    <li className="editor-card" aria-label={`Output ${number}`}>
      <div className="editor-card-header">
        <h3>Output {number}</h3>
        <button
          type="button"
          className="button button-small"
          onClick={onRemove}
          aria-label={`Remove output ${number}`}
        >
          Remove
        </button>
      </div>
      <div className="form-row">
        <TextField
          label={`Output ${number} name`}
          code
          value={output.name}
          placeholder="ORDER_ID"
          problem={problems.get(`outputs.${index}.name`)}
          onChange={(name) => onChange({ ...output, name })}
        />
        <TextField
          label={`Output ${number} selector`}
          className="field-grow"
          code
          value={output.selector}
          problem={problems.get(`outputs.${index}.selector`)}
          onChange={(selector) => onChange({ ...output, selector })}
        />
      </div>
      <TextField
        label={`Output ${number} value`}
        code
        value={output.value}
        placeholder="attr:tracetest.response.body | json_path '$.id'"
        problem={problems.get(`outputs.${index}.value`)}
        onChange={(value) => onChange({ ...output, value })}
      />
    </li>
  );
}

export function SpecsEditor({
  draft,
  update,
  problems,
}: {
  draft: TestDraft;
  update: Update;
  problems: Problems;
}) {
  return (
    <>
      <section aria-labelledby="editor-specs-title" className="editor-section">
        <h2 id="editor-specs-title">Specs</h2>
        {draft.specs.length === 0 ? (
          <p className="empty-hint">
            No spec yet: runs only check that a trace arrives. A spec selects spans (
            <code>span[name="POST /orders"]</code>) and asserts on their attributes (
            <code>attr:http.status_code = 201</code>, <code>attr:tracetest.span.duration &lt; 500ms</code>).
          </p>
        ) : null}
        <ol className="editor-card-list">
          {draft.specs.map((spec, index) => (
            <SpecCard
              // biome-ignore lint/suspicious/noArrayIndexKey: specs are identified by their position
              key={index}
              spec={spec}
              index={index}
              problems={problems}
              onChange={(next) => update((d) => ({ ...d, specs: replaceAt(d.specs, index, next) }))}
              onRemove={() => update((d) => ({ ...d, specs: d.specs.filter((_, at) => at !== index) }))}
            />
          ))}
        </ol>
        <button
          type="button"
          className="button"
          onClick={() =>
            update((d) => ({ ...d, specs: [...d.specs, { name: '', selector: '', assertions: [''] }] }))
          }
        >
          Add spec
        </button>
      </section>
      <section aria-labelledby="editor-outputs-title" className="editor-section">
        <h2 id="editor-outputs-title">Outputs</h2>
        {draft.outputs.length === 0 ? (
          <p className="empty-hint">
            Outputs turn a value of the trace into a variable for the next tests of a suite, e.g.{' '}
            <code>ORDER_ID</code> from <code>attr:tracetest.response.body | json_path '$.id'</code>.
          </p>
        ) : null}
        <ol className="editor-card-list">
          {draft.outputs.map((output, index) => (
            <OutputCard
              // biome-ignore lint/suspicious/noArrayIndexKey: outputs are identified by their position
              key={index}
              output={output}
              index={index}
              problems={problems}
              onChange={(next) => update((d) => ({ ...d, outputs: replaceAt(d.outputs, index, next) }))}
              onRemove={() => update((d) => ({ ...d, outputs: d.outputs.filter((_, at) => at !== index) }))}
            />
          ))}
        </ol>
        <button
          type="button"
          className="button"
          onClick={() =>
            update((d) => ({ ...d, outputs: [...d.outputs, { name: '', selector: '', value: '' }] }))
          }
        >
          Add output
        </button>
      </section>
    </>
  );
}
