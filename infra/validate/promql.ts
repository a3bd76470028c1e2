/**
 * The metric names a PromQL expression reads, by Prometheus's own grammar
 * (@prometheus-io/lezer-promql, the parser of Prometheus's web UI): every vector selector's
 * name, or its `__name__="…"` matcher. A syntax error is reported with its position. Grafana's
 * range macros ($__rate_interval, …) are replaced by a duration before parsing.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlNames {
  names: string[];
  /** The first syntax error, e.g. `syntax error at 12: "…"`. */
  error?: string;
}

const grafanaRanges = /\$__(rate_interval|interval|range)\b/g;

export function metricNamesOf(expression: string): PromqlNames {
  const query = expression.replace(grafanaRanges, '5m');
  const names = new Set<string>();
  let error: string | undefined;
  const text = (from: number, to: number) => query.slice(from, to);
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError && error === undefined) {
        error = `syntax error at ${node.from}: ${JSON.stringify(text(Math.max(0, node.from - 10), node.from + 10))}`;
      }
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.add(text(id.from, id.to));
      }
      if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
        const label = node.node.getChild('LabelName');
        const op = node.node.getChild('MatchOp');
        const value = node.node.getChild('StringLiteral');
        if (label && value && text(label.from, label.to) === '__name__') {
          if (op && text(op.from, op.to) === '=')
            names.add(JSON.parse(text(value.from, value.to)) as string);
        }
      }
    },
  });
  return error === undefined ? { names: [...names] } : { names: [...names], error };
}
