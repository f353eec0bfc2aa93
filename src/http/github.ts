// GitHub's `deployment_status` webhook: the payload we read (its DTO) and how it maps to a deploy report.
import { z } from 'zod';
import { type DeployInput, type DeployStatus, describeIssues, PRODUCTION } from '../domain/deploy.js';

/** GitHub's `deployment_status` webhook, the parts we read. */
const githubDeploymentStatusSchema = z.object({
  deployment_status: z.object({
    id: z.union([z.number(), z.string()]),
    state: z.string(),
    environment: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    target_url: z.string().nullish(),
  }),
  deployment: z.object({
    id: z.union([z.number(), z.string()]),
    sha: z.string(),
    ref: z.string(),
    environment: z.string().nullish(),
    // Teams can pass their own fields in the deployment's payload (e.g. `gh api … -f payload=…`).
    payload: z.unknown().optional(),
    creator: z.object({ login: z.string(), type: z.string().nullish() }).nullish(),
  }),
  repository: z.object({ full_name: z.string(), html_url: z.string() }),
});

const GITHUB_STATES: Record<string, DeployStatus> = { success: 'succeeded', failure: 'failed', error: 'failed' };

export type GithubMapping =
  | { kind: 'deploy'; input: DeployInput; repositoryUrl: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'unmapped'; message: string };

/** Which configured service a repository deploys; ambiguity is the caller's to resolve with `payload.service`. */
export function servicesForRepository(services: Record<string, { repositories: string[] }>, fullName: string): string[] {
  const repo = fullName.toLowerCase();
  return Object.entries(services)
    .filter(([, s]) => s.repositories.some((r) => r.toLowerCase() === repo))
    .map(([id]) => id);
}

/**
 * Maps a `deployment_status` delivery to a deploy. Only final states count (success → succeeded,
 * failure / error → failed); queued, in_progress and inactive are progress reports, not deploys.
 * The version is the ref and the short commit ("main@1a2b3c4"), so two deploys of a branch differ.
 */
export function fromGithubDeploymentStatus(body: unknown, services: Record<string, { repositories: string[] }>): GithubMapping {
  const parsed = githubDeploymentStatusSchema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', message: `Not a deployment_status payload: ${describeIssues(parsed.error.issues)}.` };
  const { deployment_status: status, deployment, repository } = parsed.data;
  const mapped = GITHUB_STATES[status.state];
  if (!mapped) return { kind: 'ignored', reason: `deployment state "${status.state}" is not final` };
  const extra = (typeof deployment.payload === 'object' && deployment.payload !== null ? deployment.payload : {}) as Record<
    string,
    unknown
  >;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const candidates = servicesForRepository(services, repository.full_name);
  const asked = str(extra.service)?.toLowerCase();
  const service = asked && candidates.includes(asked) ? asked : candidates.length === 1 ? candidates[0]! : null;
  if (!service) {
    const mappedRepos = Object.entries(services).flatMap(([id, s]) => s.repositories.map((r) => `${r} → ${id}`));
    return {
      kind: 'unmapped',
      message: candidates.length
        ? `Repository ${repository.full_name} deploys several services (${candidates.join(', ')}); name one in the deployment payload's "service".`
        : `Repository ${repository.full_name} is not mapped to a service. Add it to services.<id>.repositories in the config (mapped now: ${mappedRepos.join(', ') || 'none'}).`,
    };
  }
  const creator =
    deployment.creator && deployment.creator.type !== 'Bot' && !deployment.creator.login.endsWith('[bot]')
      ? deployment.creator.login
      : null;
  const short = deployment.sha.slice(0, 7);
  const at = status.updated_at ?? status.created_at;
  const deployedAt = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : null;
  return {
    kind: 'deploy',
    repositoryUrl: repository.html_url,
    input: {
      externalId: `github:deployment_status:${status.id}`,
      service,
      version: str(extra.version) ?? (deployment.ref === deployment.sha ? short : `${deployment.ref}@${short}`),
      commit: deployment.sha,
      author: str(extra.author) ?? creator,
      mergedBy: str(extra.mergedBy),
      url: null,
      environment: (status.environment ?? deployment.environment ?? PRODUCTION).toLowerCase(),
      status: mapped,
      deployedAt,
      source: 'github',
    },
  };
}
