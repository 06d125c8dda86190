/**
 * A small Prometheus metrics registry: counters and gauges with labels, rendered in the Prometheus
 * text exposition format (version 0.0.4). Hand-written because the agent needs nothing more, and
 * because the hot path (a counter bound to fixed labels) must stay a field increment.
 */

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The content type of `MetricsRegistry.render()`. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type LabelValues<L extends string> = { readonly [K in L]: string };

export interface MetricDefinition<L extends string> {
  /** Prometheus metric name; counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

/** One series of a counter (a metric with its label values fixed). */
export interface CounterSeries {
  inc(amount?: number): void;
  value(): number;
}

/** One series of a gauge. */
export interface GaugeSeries {
  set(value: number): void;
  inc(amount?: number): void;
  dec(amount?: number): void;
  value(): number;
}

/**
 * A counter. Bind label values once with `labels()` and keep the series on hot paths; `inc()` on the
 * counter itself is for counters without labels.
 */
export interface Counter<L extends string> extends CounterSeries {
  labels(values: LabelValues<L>): CounterSeries;
}

export interface Gauge<L extends string> extends GaugeSeries {
  labels(values: LabelValues<L>): GaugeSeries;
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /** Called at every render to refresh the gauge (for values owned elsewhere, such as cache sizes). */
  readonly collect?: (gauge: Gauge<L>) => void;
}

/**
 * The registry of one process (or one embedded agent). Pass it in; there is no global registry.
 * @example
 * const registry = createMetricsRegistry();
 * const received = registry.counter({ name: 'spans_received_total', help: 'Spans received.', labelNames: ['transport'] });
 * received.labels({ transport: 'http' }).inc(512);
 * registry.render(); // '# HELP spans_received_total Spans received.\n# TYPE ...'
 */
export interface MetricsRegistry {
  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L>;
  gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L>;
  /** Every metric in registration order, in the Prometheus text format. */
  render(): string;
}

interface Series {
  readonly labelText: string;
  current: number;
}

interface RegisteredMetric {
  readonly type: 'counter' | 'gauge';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly series: Map<string, Series>;
  readonly collect: (() => void) | undefined;
}

/** Creates an empty registry. */
export function createMetricsRegistry(): MetricsRegistry {
  const metrics = new Map<string, RegisteredMetric>();

  function register(
    type: RegisteredMetric['type'],
    definition: MetricDefinition<string>,
    collect: (() => void) | undefined,
  ): RegisteredMetric {
    const labelNames = definition.labelNames ?? [];
    if (!METRIC_NAME_RE.test(definition.name)) {
      throw new TypeError(
        `invalid metric name "${definition.name}": use letters, digits, "_" and ":", not starting with a digit`,
      );
    }
    if (metrics.has(definition.name)) {
      throw new TypeError(`metric "${definition.name}" is already registered: register each metric once`);
    }
    for (const label of labelNames) {
      if (!LABEL_NAME_RE.test(label) || label.startsWith('__')) {
        throw new TypeError(
          `invalid label name "${label}" on metric "${definition.name}": use letters, digits and "_", not starting with a digit or "__"`,
        );
      }
    }
    const metric: RegisteredMetric = {
      type,
      name: definition.name,
      help: definition.help,
      labelNames,
      series: new Map(),
      collect,
    };
    metrics.set(definition.name, metric);
    return metric;
  }

  function seriesOf(metric: RegisteredMetric, values: Readonly<Record<string, string>>): Series {
    const key = metric.labelNames.map((name) => values[name]).join('\u0000');
    const existing = metric.series.get(key);
    if (existing) return existing;
    const given = Object.keys(values);
    if (given.length !== metric.labelNames.length || metric.labelNames.some((n) => values[n] === undefined)) {
      throw new TypeError(
        `metric "${metric.name}" takes the labels [${metric.labelNames.join(', ')}], got [${given.join(', ')}]`,
      );
    }
    const labelText = metric.labelNames.length
      ? `{${metric.labelNames.map((n) => `${n}="${escapeLabelValue(values[n]!)}"`).join(',')}}`
      : '';
    const created: Series = { labelText, current: 0 };
    metric.series.set(key, created);
    return created;
  }

  function counterSeries(metric: RegisteredMetric, series: Series): CounterSeries {
    return {
      inc(amount = 1) {
        if (!(amount >= 0)) {
          throw new RangeError(`counter "${metric.name}" can only go up: got inc(${amount})`);
        }
        series.current += amount;
      },
      value: () => series.current,
    };
  }

  function gaugeSeries(series: Series): GaugeSeries {
    return {
      set(value) {
        series.current = value;
      },
      inc(amount = 1) {
        series.current += amount;
      },
      dec(amount = 1) {
        series.current -= amount;
      },
      value: () => series.current,
    };
  }

  return {
    counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L> {
      const metric = register('counter', definition, undefined);
      const children = new Map<Series, CounterSeries>();
      const labels = (values: LabelValues<L>): CounterSeries => {
        const series = seriesOf(metric, values);
        let child = children.get(series);
        if (!child) {
          child = counterSeries(metric, series);
          children.set(series, child);
        }
        return child;
      };
      return {
        labels,
        inc: (amount?: number) => labels({} as LabelValues<L>).inc(amount),
        value: () => labels({} as LabelValues<L>).value(),
      };
    },

    gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L> {
      let gauge: Gauge<L> | undefined;
      const collect = definition.collect;
      const metric = register('gauge', definition, collect ? () => collect(gauge!) : undefined);
      const labels = (values: LabelValues<L>): GaugeSeries => gaugeSeries(seriesOf(metric, values));
      const unlabelled = (): GaugeSeries => labels({} as LabelValues<L>);
      gauge = {
        labels,
        set: (value) => unlabelled().set(value),
        inc: (amount) => unlabelled().inc(amount),
        dec: (amount) => unlabelled().dec(amount),
        value: () => unlabelled().value(),
      };
      return gauge;
    },

    render(): string {
      let out = '';
      for (const metric of metrics.values()) {
        metric.collect?.();
        out += `# HELP ${metric.name} ${escapeHelp(metric.help)}\n# TYPE ${metric.name} ${metric.type}\n`;
        if (metric.series.size === 0 && metric.labelNames.length === 0) out += `${metric.name} 0\n`;
        for (const series of metric.series.values()) {
          out += `${metric.name}${series.labelText} ${formatSampleValue(series.current)}\n`;
        }
      }
      return out;
    },
  };
}

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
