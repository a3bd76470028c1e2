/**
 * The one-off Jobs an overlay ships beside it, each rendered by a kustomization of its own
 * (overlays/<name>/<job>, from infra/k8s/jobs) so that applying the overlay never touches them.
 * Each must render exactly its Job, in the overlay's namespace, with the image the overlay's
 * services run, run the operator CLI with arguments it accepts and an environment its config
 * loader accepts (read from the overlay's ConfigMaps and Secrets), be locked down like every pod,
 * and neither restart in place nor stay forever once finished.
 */
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { parseCommand, UsageError } from '../../services/cli/src/args.js';
import { checkPodEnvironment, type PodEnvironmentInput } from './k8s-env.js';
import { indexObjects, nameOf, podSpecOf } from './k8s-index.js';
import { checkLockedDown } from './k8s-workload-rules.js';
import type { Report } from './report.js';

export interface JobKustomization extends PodEnvironmentInput {
  /** The Job's name, which is also its kustomization's folder. */
  job: string;
  /** What overlays/<name>/<job> renders. */
  objects: unknown[];
  /** The overlay's namespace. */
  namespace: string;
  /** What the image can run (services/<name>/src/main.ts). */
  runnable: readonly string[];
}

export async function checkJobKustomization(
  input: JobKustomization,
  report: Report,
): Promise<void> {
  const { overlay, job } = input;
  const rendered = indexObjects(input.objects);
  for (const o of rendered.objects) {
    if (o.kind !== 'Job' || nameOf(o) !== job) {
      report.error(
        `${overlay.name}: ${job}: renders ${String(o.kind)}/${nameOf(o)}; it may render only Job/${job}`,
      );
    }
  }
  const found = rendered.byKind('Job').find((o) => nameOf(o) === job) as IJob | undefined;
  if (!found) {
    report.error(`${overlay.name}: ${job}: renders no Job/${job}`);
    return;
  }
  report.count(`${overlay.name} jobs`);
  checkJob(found, input, report);
  await checkPodEnvironment(found, input, report);
}

function checkJob(job: IJob, input: JobKustomization, report: Report): void {
  const where = `${input.overlay.name}: Job/${nameOf(job)}`;
  const namespace = job.metadata?.namespace;
  if (namespace !== input.namespace) {
    report.error(
      `${where}: namespace ${namespace ?? '(none)'} is not the overlay's (${input.namespace})`,
    );
  }
  const pod = podSpecOf(job);
  const c = pod?.containers[0];
  if (!pod || !c) {
    report.error(`${where}: no pod template or container`);
    return;
  }
  const images = new Set(
    input.index.workloads.map((w) => podSpecOf(w)?.containers[0]?.image ?? ''),
  );
  if (images.size === 1 && !images.has(c.image ?? '')) {
    report.error(
      `${where}: image ${c.image ?? '(none)'} is not the image of the overlay’s services (${[...images].join('')})`,
    );
  }
  if (pod.restartPolicy !== 'Never' && pod.restartPolicy !== 'OnFailure') {
    report.error(`${where}: restartPolicy must be Never or OnFailure`);
  }
  if (job.spec?.ttlSecondsAfterFinished === undefined) {
    report.error(
      `${where}: no ttlSecondsAfterFinished (a finished Job and its pod would stay forever)`,
    );
  }
  checkLockedDown(where, pod, c, report);
  checkCliArgs(where, c.args ?? [], input.runnable, report);
}

/** The Job runs the operator CLI with a command it accepts (not help, which does nothing). */
function checkCliArgs(
  where: string,
  args: string[],
  runnable: readonly string[],
  report: Report,
): void {
  const [role, ...argv] = args;
  if (role !== 'cli' || !runnable.includes('cli')) {
    report.error(`${where}: args[0] must be cli, the operator CLI (got ${JSON.stringify(role)})`);
    return;
  }
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help' || command.kind === 'version') {
      report.error(`${where}: args ${args.join(' ')} only print ${command.kind}; name a command`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    report.error(`${where}: args ${args.join(' ')}: gun-sync rejects them: ${err.message}`);
  }
}
