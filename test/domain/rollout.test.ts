import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCompareTemplate, expandCompareUrl } from '../../src/domain/compareUrl.js';
import { isUnderWay, parseStage, stageLabel, stallDueAt } from '../../src/domain/rollout.js';

describe('rollout stages', () => {
  it('normalises canary, percentages and rolled_back', () => {
    assert.deepEqual(parseStage('Canary'), { ok: true, value: 'canary' });
    assert.deepEqual(parseStage('10 %'), { ok: true, value: '10%' });
    assert.deepEqual(parseStage('12.5%'), { ok: true, value: '12.5%' });
    assert.deepEqual(parseStage('100%'), { ok: true, value: '100%' });
    assert.deepEqual(parseStage('rolled_back'), { ok: true, value: 'rolled_back' });
  });

  it('refuses anything else, saying what a stage is', () => {
    for (const raw of ['0%', '101%', '10', 'half', '-5%']) {
      const r = parseStage(raw);
      assert.ok(!r.ok, raw);
      assert.equal(r.error, 'must be "canary", a percentage such as "10%" or "100%", or "rolled_back"');
    }
  });

  it('a rollout is under way until 100% or a rollback; a deploy without stages never is', () => {
    assert.equal(isUnderWay('canary'), true);
    assert.equal(isUnderWay('50%'), true);
    assert.equal(isUnderWay('100%'), false);
    assert.equal(isUnderWay('rolled_back'), false);
    assert.equal(isUnderWay(null), false);
    assert.equal(stageLabel('rolled_back'), 'rolled back');
    assert.equal(stallDueAt(new Date('2026-11-24T10:00:00Z'), 24).toISOString(), '2026-11-25T10:00:00.000Z');
  });
});

describe('compare URL templates', () => {
  const values = { service: 'checkout', version: 'v1.2 rc', previous: 'v1.1', commit: 'abc', previousCommit: 'def' };

  it('fills every placeholder, URL-encoded', () => {
    assert.equal(
      expandCompareUrl(
        'https://grafana.example.com/d/abc?var-old={previous}&var-new={version}&s={service}&c={previousCommit}..{commit}',
        values,
      ),
      'https://grafana.example.com/d/abc?var-old=v1.1&var-new=v1.2%20rc&s=checkout&c=def..abc',
    );
    assert.equal(expandCompareUrl('https://x.example/?v={version}', { ...values, version: 'a&b=#' }), 'https://x.example/?v=a%26b%3D%23');
  });

  it('no link when a used value is missing (a first deploy has no previous)', () => {
    assert.equal(expandCompareUrl('https://x.example/{previous}...{version}', { ...values, previous: null }), null);
    assert.equal(expandCompareUrl('https://x.example/{version}', { ...values, previous: null }), 'https://x.example/v1.2%20rc');
  });

  it('an unknown placeholder is an error naming it; the template must be an http(s) URL', () => {
    const r = checkCompareTemplate('https://x.example/?old={prev}&new={version}&x={sha}');
    assert.ok(!r.ok);
    assert.equal(r.error, 'unknown placeholders {prev}, {sha} (known: {service}, {version}, {previous}, {commit}, {previousCommit})');
    const notUrl = checkCompareTemplate('grafana/{version}');
    assert.ok(!notUrl.ok);
    assert.equal(notUrl.error, 'must be an http(s) URL template');
  });
});
