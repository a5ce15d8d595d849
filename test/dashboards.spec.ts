import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const dashboardsDir = 'deploy/grafana/dashboards';

/** Labels every series carries once scraped (prometheus.yml adds `service`; Prometheus `job` and `instance`). */
const targetLabels = ['job', 'instance', 'service'];

interface MetricSpec {
  /** null: labels not known (prom-client default metrics), so they are not checked. */
  labels: string[] | null;
  source: string;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'testing', 'test', 'bench'].includes(entry.name) || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/.test(entry.name)) yield full;
  }
}

/** The text of the balanced `{...}` starting at `start`, skipping string literals. */
function balancedObject(text: string, start: number): string {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === "'" || char === '"' || char === '`') {
      index = text.indexOf(char, index + 1);
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}' && --depth === 0) return text.slice(start, index + 1);
  }
  return text.slice(start);
}

const stringList = (list: string | undefined) => [...(list ?? '').matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);

function addMetric(metrics: Map<string, MetricSpec>, kind: string, name: string, labels: string[] | null, source: string): void {
  metrics.set(name, { labels, source });
  if (kind === 'Histogram') {
    metrics.set(`${name}_bucket`, { labels: labels && [...labels, 'le'], source });
    metrics.set(`${name}_sum`, { labels, source });
    metrics.set(`${name}_count`, { labels, source });
  }
  if (kind === 'Summary') {
    metrics.set(name, { labels: labels && [...labels, 'quantile'], source });
    metrics.set(`${name}_sum`, { labels, source });
    metrics.set(`${name}_count`, { labels, source });
  }
}

/** Every Prometheus series the code can export: prom-client metrics, the gateway's hot metrics, default process metrics, and `up`. */
function collectMetrics(): Map<string, MetricSpec> {
  const metrics = new Map<string, MetricSpec>([['up', { labels: [], source: 'Prometheus' }]]);
  let defaults = false;
  for (const file of [...sourceFiles(join(root, 'libs')), ...sourceFiles(join(root, 'services'))]) {
    const text = readFileSync(file, 'utf8');
    const source = relative(root, file);
    for (const match of text.matchAll(/new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{/g)) {
      const body = balancedObject(text, match.index! + match[0].length - 1);
      const name = /\bname:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/.exec(body)?.[1];
      if (name) addMetric(metrics, match[1]!, name, stringList(/\blabelNames:\s*\[([^\]]*)\]/.exec(body)?.[1]), source);
    }
    for (const match of text.matchAll(/new\s+Hot(Counter|Histogram)\s*\(\s*[\w.]+\s*,\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]\s*,\s*'(?:[^'\\]|\\.)*'\s*,\s*\[([^\]]*)\]/g)) {
      addMetric(metrics, match[1]!, match[2]!, stringList(match[3]), source);
    }
    if (/\bcollectDefaultMetrics\(/.test(text)) defaults = true;
  }
  if (defaults) {
    const dir = join(root, 'node_modules/prom-client/lib/metrics');
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
      for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/['"]((?:process|nodejs)_[a-z0-9_]+)['"]/g)) addMetric(metrics, 'Histogram', match[1]!, null, 'prom-client default metrics');
    }
  }
  return metrics;
}

interface Selector {
  metric: string | null;
  labels: string[];
}

const aggregations = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan', ...aggregations]);
const groupings = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Index of the `}` closing the matcher list opened at `start`, skipping quoted values; -1 if none. */
function closingBrace(expr: string, start: number): number {
  for (let index = start + 1; index < expr.length; index += 1) {
    const char = expr[index]!;
    if (char === '}') return index;
    if (char === '"' || char === "'" || char === '`') {
      for (index += 1; index < expr.length && expr[index] !== char; index += 1) if (expr[index] === '\\') index += 1;
    }
  }
  return -1;
}

/** The metric selectors of a PromQL expression and the labels named in by/without/on/ignoring/group_* clauses. */
function parsePromql(raw: string): { selectors: Selector[]; grouping: string[]; problems: string[] } {
  const expr = raw.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const problems: string[] = [];
  let depth = 0;
  let index = 0;
  const nextChar = (from: number) => /\S/.exec(expr.slice(from))?.[0];
  const skipSpace = (from: number) => from + (/^\s*/.exec(expr.slice(from))?.[0].length ?? 0);
  while (index < expr.length) {
    const char = expr[index]!;
    if (/\s/.test(char)) index += 1;
    else if (char === '"' || char === "'" || char === '`') {
      const end = expr.indexOf(char, index + 1);
      if (end < 0) problems.push(`unterminated string in ${raw}`);
      index = end < 0 ? expr.length : end + 1;
    } else if (char === '[') {
      const end = expr.indexOf(']', index);
      if (end < 0) problems.push(`unterminated range in ${raw}`);
      index = end < 0 ? expr.length : end + 1;
    } else if (char === '{') {
      const end = closingBrace(expr, index);
      const body = expr.slice(index + 1, end < 0 ? expr.length : end);
      const labels = [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g)].map((match) => match[1]!);
      const last = selectors.at(-1);
      if (last && last.labels.length === 0 && expr.slice(0, index).trimEnd().endsWith(last.metric ?? '\u0000')) last.labels = labels;
      else selectors.push({ metric: null, labels });
      index = end < 0 ? expr.length : end + 1;
    } else if (/[0-9.]/.test(char)) {
      index += /^[0-9.]+(?:e[+-]?[0-9]+)?[a-zA-Z0-9]*/i.exec(expr.slice(index))![0].length;
    } else if (/[a-zA-Z_:]/.test(char)) {
      const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(index))![0];
      index += word.length;
      if (groupings.has(word) && nextChar(index) === '(') {
        const open = skipSpace(index);
        const close = expr.indexOf(')', open);
        grouping.push(...expr.slice(open + 1, close).split(',').map((label) => label.trim()).filter(Boolean));
        index = close + 1;
      } else if (nextChar(index) === '(' || keywords.has(word)) {
        // A function or an aggregation: its arguments are scanned like the rest.
      } else selectors.push({ metric: word, labels: [] });
    } else {
      if (char === '(') depth += 1;
      if (char === ')') depth -= 1;
      if (depth < 0) problems.push(`unbalanced parentheses in ${raw}`);
      index += 1;
    }
  }
  if (depth !== 0) problems.push(`unbalanced parentheses in ${raw}`);
  return { selectors, grouping, problems };
}

interface Panel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ refId?: string; expr?: string; datasource?: { type?: string; uid?: string } }>;
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; type: string; datasource?: { type?: string; uid?: string }; query?: string | { query?: string }; definition?: string }> };
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ uid: string; type: string }> };
const prometheus = datasources.datasources.find((entry) => entry.type === 'prometheus')!;
const files = readdirSync(join(root, dashboardsDir)).filter((name) => name.endsWith('.json')).sort();
const dashboards = files.map((file) => ({ file, text: read(join(dashboardsDir, file)) }));
const metrics = collectMetrics();

function expressions(dashboard: Dashboard): string[] {
  const fromPanels = allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
  const fromVariables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '')))
    .map((query) => /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/.exec(query)?.[1] ?? query);
  return [...fromPanels, ...fromVariables];
}

describe('Grafana dashboards', () => {
  it('are provisioned from deploy/grafana/dashboards with a Prometheus datasource', () => {
    expect(prometheus?.uid).toBeTruthy();
    const provider = parse(read('deploy/grafana/provisioning/dashboards/gatehouse.yml')) as { providers: Array<{ options: { path: string } }> };
    const mountTarget = provider.providers[0]!.options.path;
    expect(read('docker-compose.yml')).toContain(`./${dashboardsDir}:${mountTarget}`);
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('found the metrics the code defines', () => {
    for (const name of ['gateway_requests_total', 'gatehouse_messaging_consumer_lag', 'metering_records_ingested_total', 'gatehouse_identity_tokens_issued_total', 'process_cpu_seconds_total']) {
      expect(metrics.has(name), name).toBe(true);
    }
    expect(metrics.get('gateway_upstream_seconds_bucket')?.labels).toEqual(['route', 'le']);
    expect(metrics.has('gateway_not_a_metric_total')).toBe(false);
  });

  it('parses PromQL selectors and groupings', () => {
    const parsed = parsePromql('histogram_quantile(0.99, sum by (route, le) (rate(gateway_upstream_seconds_bucket{route=~"$route", x="a{b}"}[$__rate_interval]))) / on(route) group_left up');
    expect(parsed.selectors).toEqual([{ metric: 'gateway_upstream_seconds_bucket', labels: ['route', 'x'] }, { metric: 'up', labels: [] }]);
    expect(parsed.grouping).toEqual(['route', 'le', 'route']);
    expect(parsePromql('sum(rate(x[5m])').problems).not.toEqual([]);
  });

  for (const { file, text } of dashboards) {
    describe(file, () => {
      const dashboard = JSON.parse(text) as Dashboard;
      const panels = allPanels(dashboard.panels);

      it('has a uid, a title and unique panel ids laid out on the 24-column grid', () => {
        expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
        expect(dashboard.title).toBeTruthy();
        const ids = panels.map((panel) => panel.id);
        expect(ids.every((id) => Number.isInteger(id))).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        const cells = new Set<string>();
        for (const panel of dashboard.panels) {
          const { x, y, w, h } = panel.gridPos!;
          expect(x + w, `${panel.title} fits the grid`).toBeLessThanOrEqual(24);
          for (let row = y; row < y + h; row += 1) {
            for (let column = x; column < x + w; column += 1) {
              expect(cells.has(`${row}:${column}`), `${panel.title} overlaps another panel`).toBe(false);
              cells.add(`${row}:${column}`);
            }
          }
        }
      });

      it('queries only the provisioned Prometheus datasource', () => {
        for (const panel of panels.filter((entry) => (entry.targets ?? []).length > 0)) {
          expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: prometheus.uid });
          for (const target of panel.targets!) expect(target.datasource ?? panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: prometheus.uid });
          const refIds = panel.targets!.map((target) => target.refId);
          expect(new Set(refIds).size, panel.title).toBe(refIds.length);
        }
        for (const variable of dashboard.templating?.list ?? []) {
          if (variable.type === 'query') expect(variable.datasource, variable.name).toEqual({ type: 'prometheus', uid: prometheus.uid });
        }
      });

      it('uses only metrics and labels that exist in the code', () => {
        const exprs = expressions(dashboard);
        expect(exprs.length).toBeGreaterThan(0);
        for (const expr of exprs) {
          expect(expr.trim(), 'empty expression').not.toBe('');
          const { selectors, grouping, problems } = parsePromql(expr);
          expect(problems).toEqual([]);
          expect(selectors.length, expr).toBeGreaterThan(0);
          const known = new Set(targetLabels);
          for (const selector of selectors) {
            expect(selector.metric, `selector without a metric name in ${expr}`).not.toBeNull();
            const spec = metrics.get(selector.metric!);
            expect(spec, `${selector.metric} (in ${file}) is defined nowhere in libs/ or services/`).toBeDefined();
            if (spec!.labels === null) continue;
            spec!.labels.forEach((label) => known.add(label));
            for (const label of selector.labels) {
              expect([...targetLabels, ...spec!.labels], `${selector.metric} has no label ${label} (${spec!.source})`).toContain(label);
            }
          }
          if (selectors.every((selector) => metrics.get(selector.metric!)?.labels !== null)) {
            for (const label of grouping) expect([...known], `label ${label} of a grouping in ${expr}`).toContain(label);
          }
        }
      });
    });
  }

  it('has nothing but JSON dashboards in the folder', () => {
    const others = readdirSync(join(root, dashboardsDir)).filter((name) => !name.endsWith('.json') && name !== '.gitkeep');
    expect(others).toEqual([]);
    expect(existsSync(join(root, 'deploy/grafana/provisioning/dashboards/gatehouse.yml'))).toBe(true);
  });
});
