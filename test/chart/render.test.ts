/**
 * The chart renderer (test/chart/render) does what `helm template` does, on a
 * fixture chart that exercises each rule the frontdoor chart relies on or could
 * trip over: helm's merge of -f files and coalesce over values.yaml (null
 * removes a default), numbers read as float64 (1000000 prints as 1e+06, as in
 * helm), include/tpl/toYaml/fromYaml/toJson/required/lookup, .Release, .Chart,
 * .Capabilities, .Files, .Template, "<no value>" blanked, partials and empty or
 * comment-only documents not emitted, helm's install order, NOTES apart, and the
 * chart's kubeVersion constraint.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../helpers/frontdoor.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { buildRenderer, rendererSkipReason } from './renderer.js';

const run = promisify(execFile);
const fixtures = join(repoRoot, 'test/chart/fixtures');
const chart = join(fixtures, 'semantics');

describe('chart renderer', { skip: rendererSkipReason() }, () => {
  let work: TempDir;
  let renderer: string;
  before(async () => {
    work = await makeTempDir('frontdoor-render-');
    renderer = await buildRenderer(work.path);
  });
  after(async () => {
    await work?.remove();
  });

  const render = (extra: string[]) => run(renderer, ['-chart', chart, '-name', 'rel', '-namespace', 'ns', ...extra]);

  test('renders as helm template: values, functions, built-in objects, documents and their order', async () => {
    const notes = join(work.path, 'NOTES.txt');
    const { stdout } = await render(['-notes', notes, '-f', join(fixtures, 'semantics-a.yaml'), '-f', join(fixtures, 'semantics-b.yaml')]);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> });
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), ['Namespace/ns', 'ConfigMap/semantics-rel', 'Service/semantics-rel'], 'install order; the empty and comment-only documents dropped');
    assert.deepEqual([...stdout.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]), ['semantics/templates/multi.yaml', 'semantics/templates/configmap.yaml', 'semantics/templates/multi.yaml']);
    assert.doesNotMatch(stdout, /outside any define/, 'a partial is not emitted');
    assert.deepEqual(docs[1]!.data, {
      tpl: 'rel-default',
      missing: '',
      drop: 'false',
      nested: 'a: 1\nb: three\nc: 5',
      list: '[9]',
      big: '1e+06',
      hasMonitoring: 'false',
      hasApps: 'true',
      kube: 'v1.32.0',
      lookup: '0',
      chart: 'semantics-1.2.3-4.5',
      template: 'semantics/templates/configmap.yaml',
      basePath: 'semantics/templates',
      service: 'Helm',
      install: 'true',
      fromYaml: '3',
      file: 'hello from a file',
    });
    assert.equal(await readFile(notes, 'utf8'), 'release rel in ns: semantics-rel\n');
  });

  test('-api-versions and -kube-version feed .Capabilities; the chart\'s kubeVersion constraint is enforced', async () => {
    const { stdout } = await render(['-api-versions', 'monitoring.coreos.com/v1', '-kube-version', '1.31.2']);
    assert.match(stdout, /hasMonitoring: "true"/);
    assert.match(stdout, /kube: "v1\.31\.2"/);
    await assert.rejects(render(['-kube-version', '1.29.0']), (err: { stderr: string }) => /chart requires kubeVersion: >=1\.30\.0-0 which is incompatible with Kubernetes v1\.29\.0/.test(err.stderr));
  });

  test('required and a bad values file fail the render with helm\'s message', async () => {
    const check = join(work.path, 'check.yaml');
    await writeFile(check, 'check: true\n');
    await assert.rejects(render(['-f', check]), (err: { stderr: string }) => /need must be set when check is on/.test(err.stderr));
    const broken = join(work.path, 'broken.yaml');
    await writeFile(broken, 'a: [unclosed\n');
    await assert.rejects(render(['-f', broken]), (err: { stderr: string }) => /broken\.yaml/.test(err.stderr));
  });
});
