/**
 * The empty state of a new install: how to get from nothing to a first run, in three steps a person
 * can copy and paste.
 */
import { CodeBlock } from './copy-button';

const START = 'npx tracecheck start';

const EXPORTER = `# OpenTelemetry SDKs read these; the agent receives OTLP over HTTP (:4318) and gRPC (:4317)
export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
export OTEL_TRACES_SAMPLER=always_on`;

const FIRST_TEST = `type: Test
spec:
  name: Health check answers 200
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://localhost:8080/health
  specs:
    - name: The service answers 200
      selector: span[tracetest.span.type="http" kind="server"]
      assertions:
        - attr:http.status_code = 200
        - attr:tracetest.span.duration < 500ms`;

const RUN = 'npx tracecheck run test -f health-check.yaml';

export function FirstRunGuide() {
  return (
    <section className="first-run-guide" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Your first trace-based test, in three steps</h2>
      <p className="muted">
        Tracecheck fires a request at your app, collects the trace it produces and checks its spans. Tests you
        run appear here, updated live.
      </p>
      <ol className="guide-steps">
        <li>
          <h3>Start Tracecheck</h3>
          <p>One process runs the server, this dashboard and the agent that receives your app's spans.</p>
          <CodeBlock code={START} label="Command that starts Tracecheck" />
        </li>
        <li>
          <h3>Point your app's OTLP exporter at the agent</h3>
          <p>
            Set these variables where your app runs (a container reaches the agent through the host's address,
            not localhost), then restart the app. W3C trace context propagation is on by default in
            OpenTelemetry SDKs.
          </p>
          <CodeBlock code={EXPORTER} label="Exporter settings" />
        </li>
        <li>
          <h3>Create a first test and run it</h3>
          <p>
            Save this as <code>health-check.yaml</code>, change the URL to one of your app's, and run it.
            Tracetest test files work unchanged.
          </p>
          <CodeBlock code={FIRST_TEST} label="A first test" />
          <CodeBlock code={RUN} label="Command that runs the test" />
        </li>
      </ol>
    </section>
  );
}
