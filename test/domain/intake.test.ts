import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutGraphemes, visibleLength as graphemeLength } from '../../src/domain/typedText.js';
import { checkDuplicate, draftFromMessage, parseTicketNumber, readableText } from '../../src/domain/intake.js';

describe('a message as a ticket draft', () => {
  it('reads Slack markup as a person sees it', () => {
    assert.equal(
      readableText(
        '<!here> <@U1> <@U2|jane> in <#C1|general> <#C2>: see <https://x.io/a|the log>, <https://x.io/b> &amp; &lt;1&gt; <!subteam^S1|@oncall>',
      ),
      '@here @U1 @jane in #general #C2: see the log (https://x.io/a), https://x.io/b & <1> @oncall',
    );
  });

  it('takes the first non-empty line as the title and keeps the whole text', () => {
    assert.deepEqual(draftFromMessage('\n\n  Checkout down  \nsince 9:00'), {
      title: 'Checkout down',
      description: 'Checkout down  \nsince 9:00',
    });
    assert.deepEqual(draftFromMessage(''), { title: '', description: '' });
  });

  it('cuts by graphemes, never inside one', () => {
    const family = '👨‍👩‍👧‍👦';
    assert.equal(graphemeLength(family.repeat(3)), 3);
    assert.equal(cutGraphemes(family.repeat(5), 3), `${family.repeat(2)}…`);
    assert.equal(cutGraphemes('abc', 3), 'abc');
    assert.equal(graphemeLength(draftFromMessage('x'.repeat(4000)).description), 3000);
  });
});

describe('duplicate rules', () => {
  it('parses #142 and 142, refuses anything else', () => {
    assert.deepEqual(parseTicketNumber(' #142 '), { ok: true, value: 142 });
    assert.equal(parseTicketNumber('14a').ok, false);
    assert.equal(parseTicketNumber('0').ok, false);
    assert.equal(parseTicketNumber(null).ok, false);
  });

  it('refuses itself, unknown tickets and chains, pointing at the original', () => {
    const t = { id: 5, duplicateOfId: null };
    assert.equal(checkDuplicate(t, 5, t, []).ok, false);
    assert.deepEqual(checkDuplicate(t, 9, null, []), { ok: false, error: 'There is no ticket #9.' });
    assert.match(
      String((checkDuplicate(t, 7, { id: 7, duplicateOfId: 3 }, []) as { error: string }).error),
      /duplicate of #3; mark this one as a duplicate of #3/,
    );
    assert.equal(checkDuplicate(t, 7, { id: 7, duplicateOfId: null }, [8]).ok, false);
    assert.deepEqual(checkDuplicate(t, 7, { id: 7, duplicateOfId: null }, []), { ok: true, value: 7 });
  });
});
