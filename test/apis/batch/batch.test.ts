import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchV1Resources, cronJobs, jobs, type CronJob, type Job } from '../../../src/apis/batch/v1/index.js';
import { cronScheduleError } from '../../../src/apis/batch/v1/cron-schedule.js';
import { cells, create, NOW, ago, update } from '../core/v1/helpers.js';
import { KUBECTL_132, kubectlCreate } from './kubectl-create.js';

const UID = '6f3b4a3e-0000-4000-8000-000000000001';

function job(): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: UID },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
  };
}

function cronJob(): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: UID },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
    },
  };
}

describe('batch/v1: resource info', () => {
  it('jobs and cronjobs as kube names them', () => {
    assert.deepEqual(
      batchV1Resources.map((d) => [d.info.group, d.info.resource, d.info.kind, d.info.shortNames, d.info.categories, d.generation, !!d.status]),
      [
        ['batch', 'jobs', 'Job', undefined, ['all'], 'spec', true],
        ['batch', 'cronjobs', 'CronJob', ['cj'], ['all'], 'spec', true],
      ],
    );
    assert.equal(jobs.scale, undefined);
  });
});

describe('jobs', () => {
  it('defaults: completions/parallelism 1, backoffLimit 6, NonIndexed, not suspended, replacement policy, pod defaults', () => {
    const { obj, errs } = create(jobs, job());
    assert.deepEqual(errs, []);
    const spec = obj.spec!;
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, 'NonIndexed');
    assert.equal(spec.suspend, false);
    assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(spec.template!.spec!.dnsPolicy, 'ClusterFirst');
    assert.deepEqual(obj.status, {});
  });

  it('generates the selector and the template labels from name and uid', () => {
    const { obj } = create(jobs, job());
    assert.deepEqual(obj.spec!.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
    assert.deepEqual(obj.spec!.template!.metadata!.labels, {
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': UID,
      'batch.kubernetes.io/controller-uid': UID,
    });
  });

  it('only parallelism given: completions stay unset; template labels become the job labels', () => {
    const j = job();
    j.spec!.parallelism = 3;
    j.spec!.template!.metadata = { labels: { app: 'pi' } };
    const { obj } = create(jobs, j);
    assert.equal(obj.spec!.completions, undefined);
    assert.deepEqual(obj.metadata!.labels, { app: 'pi' });
  });

  const cases: { name: string; mutate: (j: Job) => void; want: string[] }[] = [
    {
      name: 'restartPolicy Always is refused (the pod default when unset)',
      mutate: (j) => delete j.spec!.template!.spec!.restartPolicy,
      want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    },
    {
      name: 'negative counts',
      mutate: (j) => {
        j.spec!.parallelism = -1;
        j.spec!.backoffLimit = -2;
      },
      want: [
        'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
        'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
      ],
    },
    {
      name: 'completion mode enum, Indexed needs completions',
      mutate: (j) => {
        j.spec!.completionMode = 'Indexed';
        j.spec!.parallelism = 2;
      },
      want: ['spec.completions: Required value: when completion mode is Indexed'],
    },
    {
      name: 'unknown completion mode',
      mutate: (j) => (j.spec!.completionMode = 'Sometimes'),
      want: ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'],
    },
    {
      name: 'a manual selector must match the template',
      mutate: (j) => {
        j.spec!.manualSelector = true;
        j.spec!.selector = { matchLabels: { app: 'x' } };
        j.spec!.template!.metadata = { labels: { app: 'y' } };
      },
      want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`'],
    },
    {
      name: 'a manual job without selector',
      mutate: (j) => (j.spec!.manualSelector = true),
      want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`'],
    },
  ];
  for (const c of cases) {
    it(`validation: ${c.name}`, () => {
      const j = job();
      c.mutate(j);
      assert.deepEqual(create(jobs, j).errs, c.want);
    });
  }

  it('update: selector and template are immutable while running; the template may change while suspended', () => {
    const old = create(jobs, job()).obj;
    const next = structuredClone(old);
    next.spec!.template!.spec!.containers![0].image = 'perl:5';
    next.spec!.selector = { matchLabels: { other: 'x' } };
    const errs = update(jobs, next, old).errs;
    assert.equal(errs.length, 3, errs.join('\n'));
    assert.match(errs[1], /^spec\.selector: Invalid value: &v1\.LabelSelector\{.*\}: field is immutable$/);
    assert.match(errs[2], /^spec\.template: Invalid value: .*: field is immutable$/);
    const suspended = structuredClone(old);
    suspended.spec!.suspend = true;
    const nextSuspended = structuredClone(suspended);
    nextSuspended.spec!.template!.spec!.containers![0].image = 'perl:5';
    assert.deepEqual(update(jobs, nextSuspended, suspended).errs, []);
  });

  it('table: Status, Completions, Duration, Age and the wide columns', () => {
    const j = create(jobs, job()).obj;
    j.metadata!.creationTimestamp = ago(3600_000);
    assert.deepEqual(
      jobs.tableColumns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Status', 'string', 0],
        ['Completions', 'string', 0],
        ['Duration', 'string', 0],
        ['Age', 'string', 0],
        ['Containers', 'string', 1],
        ['Images', 'string', 1],
        ['Selector', 'string', 1],
      ],
    );
    assert.deepEqual(cells(jobs, j, NOW), ['Running', '0/1', '', '60m', 'pi', 'perl', `batch.kubernetes.io/controller-uid=${UID}`]);
    j.status = {
      succeeded: 1,
      startTime: ago(600_000),
      completionTime: ago(480_000),
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    assert.deepEqual(cells(jobs, j, NOW).slice(0, 3), ['Complete', '1/1', '2m']);
    j.status = { startTime: ago(30_000), conditions: [{ type: 'Suspended', status: 'True' }] };
    delete j.spec!.completions;
    j.spec!.parallelism = 4;
    assert.deepEqual(cells(jobs, j, NOW).slice(0, 3), ['Suspended', '0/1 of 4', '30s']);
  });

  it('field label status.successful', () => {
    assert.deepEqual(jobs.fieldLabels?.({ status: { succeeded: 3 } }), { 'status.successful': '3' });
    assert.deepEqual(jobs.fieldLabels?.({ metadata: {} }), { 'status.successful': '0' });
  });
});

describe('cron schedules (robfig/cron ParseStandard)', () => {
  const ok = ['*/5 * * * *', '0 0 1 1 *', '0 9-17 * * mon-fri', '15,45 */2 1-31/3 JAN,jul 0', '@hourly', '@every 1h30m', '0 0 * * 6'];
  for (const s of ok) it(`accepts ${s}`, () => assert.equal(cronScheduleError(s), undefined));
  const bad: [string, string][] = [
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
  ];
  for (const [s, msg] of bad) it(`refuses ${s}`, () => assert.equal(cronScheduleError(s), msg));
});

describe('cronjobs', () => {
  it('defaults: Allow, not suspended, history limits 3 and 1; the job template gets pod defaults only', () => {
    const { obj, errs } = create(cronJobs, cronJob());
    assert.deepEqual(errs, []);
    const spec = obj.spec!;
    assert.equal(spec.concurrencyPolicy, 'Allow');
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.equal(spec.jobTemplate!.spec!.backoffLimit, undefined);
    assert.equal(spec.jobTemplate!.spec!.template!.spec!.schedulerName, 'default-scheduler');
  });

  const cases: { name: string; mutate: (c: CronJob) => void; want: string[] }[] = [
    {
      name: 'schedule required',
      mutate: (c) => delete c.spec!.schedule,
      want: ['spec.schedule: Required value'],
    },
    {
      name: 'schedule parse error is kube\'s text',
      mutate: (c) => (c.spec!.schedule = '* * *'),
      want: ['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'],
    },
    {
      name: 'TZ in the schedule',
      mutate: (c) => (c.spec!.schedule = 'TZ=UTC 0 * * * *'),
      want: ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    },
    {
      name: 'unknown time zone',
      mutate: (c) => (c.spec!.timeZone = 'Mars/Olympus'),
      want: ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    },
    {
      name: 'concurrency policy enum',
      mutate: (c) => (c.spec!.concurrencyPolicy = 'Sometimes'),
      want: ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
    },
    {
      name: 'job template: selector is generated, restartPolicy OnFailure or Never',
      mutate: (c) => {
        c.spec!.jobTemplate!.spec!.selector = { matchLabels: { a: 'b' } };
        c.spec!.jobTemplate!.spec!.template!.spec!.restartPolicy = 'Always';
      },
      want: [
        'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
        'spec.jobTemplate.spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
      ],
    },
    {
      name: 'name at most 52 characters',
      mutate: (c) => (c.metadata!.name = 'a'.repeat(53)),
      want: [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`],
    },
  ];
  for (const c of cases) {
    it(`validation: ${c.name}`, () => {
      const cj = cronJob();
      c.mutate(cj);
      assert.deepEqual(create(cronJobs, cj).errs, c.want);
    });
  }

  it('a valid time zone passes', () => {
    const cj = cronJob();
    cj.spec!.timeZone = 'Europe/Berlin';
    assert.deepEqual(create(cronJobs, cj).errs, []);
  });

  it('table: Schedule, Timezone, Suspend, Active, Last Schedule, Age', () => {
    const cj = create(cronJobs, cronJob()).obj;
    cj.metadata!.creationTimestamp = ago(7200_000);
    assert.deepEqual(
      cronJobs.tableColumns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Schedule', 'string', 0],
        ['Timezone', 'string', 0],
        ['Suspend', 'boolean', 0],
        ['Active', 'integer', 0],
        ['Last Schedule', 'string', 0],
        ['Age', 'string', 0],
        ['Containers', 'string', 1],
        ['Images', 'string', 1],
        ['Selector', 'string', 1],
      ],
    );
    assert.deepEqual(cells(cronJobs, cj, NOW), ['*/5 * * * *', '<none>', 'False', 0, '<none>', '120m', 'c', 'busybox', '<none>']);
    cj.status = { active: [{ name: 'tick-1' }], lastScheduleTime: ago(90_000) };
    cj.spec!.timeZone = 'Etc/UTC';
    assert.deepEqual(cells(cronJobs, cj, NOW).slice(0, 5), ['*/5 * * * *', 'Etc/UTC', 'False', 1, '90s']);
  });
});

describe('kubectl 1.32 create job|cronjob produce valid objects', { skip: KUBECTL_132 ? false : 'kubectl.1.32 not installed' }, () => {
  it('create job', () => {
    const { obj, errs } = create(jobs, kubectlCreate(['job', 'j1', '--image=busybox'], ['echo', 'hi']) as Job);
    assert.deepEqual(errs, []);
    assert.equal(obj.spec!.template!.spec!.restartPolicy, 'Never');
  });
  it('create cronjob', () => {
    const { errs } = create(cronJobs, kubectlCreate(['cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *'], ['date']) as CronJob);
    assert.deepEqual(errs, []);
  });
  it('create cronjob with a bad schedule is refused with kube\'s message', () => {
    const { errs } = create(cronJobs, kubectlCreate(['cronjob', 'cj2', '--image=busybox', '--schedule=61 * * * *']) as CronJob);
    assert.deepEqual(errs, ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  });
});
