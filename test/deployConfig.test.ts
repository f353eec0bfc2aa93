// The deploy keys of the config: windows, the rollout stall time and compare templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { testConfigDoc } from './support/harness.js';

type ConfigDoc = ReturnType<typeof testConfigDoc>;

function withDoc(change: (doc: ConfigDoc) => void) {
  const doc = testConfigDoc();
  change(doc);
  return () => parseSupportConfig(doc, 'test config');
}

describe('deploy config', () => {
  it('defaults: no windows (always inside), a rollout stalls after 24 h, no compare link', () => {
    const config = withDoc(() => {})();
    assert.deepEqual(config.deploys.windows, []);
    assert.equal(config.deploys.rolloutStallHours, 24);
    assert.equal(config.services.checkout!.compare, undefined);
    assert.equal(config.services.checkout!.deployWindows, undefined);
  });

  it('reads company windows, a per-service override and a compare template', () => {
    const config = withDoc((doc) => {
      doc.deploys = { windows: ['mon-thu 10:00-16:00', 'fri 10:00-12:00'], rolloutStallHours: 6 };
      doc.services.checkout.deployWindows = ['mon-fri 08:00-20:00'];
      doc.services.checkout.compare = 'https://grafana.example.com/d/abc?var-old={previous}&var-new={version}';
    })();
    assert.equal(config.deploys.windows.length, 2);
    assert.deepEqual(config.services.checkout!.deployWindows, [{ days: [1, 2, 3, 4, 5], start: 480, end: 1200 }]);
    assert.equal(config.deploys.rolloutStallHours, 6);
    assert.match(config.services.checkout!.compare!, /var-old=\{previous\}/);
  });

  it('an unknown compare placeholder is a startup error naming the key and the placeholder', () => {
    assert.throws(
      withDoc((doc) => {
        doc.services.billing.compare = 'https://grafana.example.com/d/abc?old={prev}&new={version}';
      }),
      /services\.billing\.compare: unknown placeholder \{prev\} \(known: \{service\}, \{version\}, \{previous\}, \{commit\}, \{previousCommit\}\)/,
    );
  });

  it('a bad window or stall time names its key', () => {
    assert.throws(
      withDoc((doc) => {
        doc.deploys = { windows: ['mon-thu 10-16'] };
      }),
      /deploys\.windows\.0: invalid deploy window "mon-thu 10-16"/,
    );
    assert.throws(
      withDoc((doc) => {
        doc.services.search.deployWindows = ['tue 18:00-09:00'];
      }),
      /services\.search\.deployWindows\.0: invalid deploy window "tue 18:00-09:00": the end time must be after the start time/,
    );
    assert.throws(
      withDoc((doc) => {
        doc.deploys = { rolloutStallHours: 0 };
      }),
      /deploys\.rolloutStallHours:/,
    );
  });
});
