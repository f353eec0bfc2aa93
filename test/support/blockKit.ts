// Block Kit limits Slack enforces, checked on a payload (messages: 50 blocks, modals and Home: 100).
import assert from 'node:assert/strict';

/** The parts of a block the limits concern, whatever its type. */
interface BlockParts {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: unknown[];
  element?: { options?: Array<{ text: { text: string }; value: string; description?: { text: string } }> };
}

/** Walks a Block Kit payload and checks the limits Slack enforces. */
export function assertWithinLimits(blocks: readonly object[], maxBlocks: number) {
  assert.ok(blocks.length <= maxBlocks, `${blocks.length} blocks`);
  for (const b of blocks as BlockParts[]) {
    if (b.type === 'section') {
      if (b.text) assert.ok(b.text.text.length <= 3000, `section text ${b.text.text.length}`);
      if (b.fields) {
        assert.ok(b.fields.length <= 10);
        for (const f of b.fields) assert.ok(f.text.length <= 2000);
      }
    }
    if (b.type === 'actions') assert.ok(b.elements!.length <= 25);
    if (b.type === 'header') assert.ok(b.text!.text.length <= 150);
    for (const o of b.element?.options ?? []) {
      assert.ok(o.text.text.length <= 75, o.text.text);
      assert.ok(o.value.length <= 75);
      if (o.description) assert.ok(o.description.text.length <= 75);
    }
  }
}
