// Slash-command helpers for tests: run `/support <text>` as a person and read the ephemeral answer.
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

export interface Answer {
  response_type: string;
  text: string;
  blocks?: unknown[];
}

/** Runs the command, returns the answer carried in the ack, and lets its side effects finish. */
export async function ask(h: Harness, text: string, userId: string): Promise<Answer> {
  const res = await h.slack.command(text, userId);
  assert.equal(res.status, 200);
  const answer = (await res.json()) as Answer;
  assert.equal(answer.response_type, 'ephemeral');
  await h.settle();
  return answer;
}

/** How slackDate() shows an instant, up to the format and fallback. */
export function slackTime(iso: string): string {
  return `<!date^${new Date(iso).getTime() / 1000}^`;
}

/** The user ids mentioned in a text, in order. */
export function mentionsIn(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!);
}
