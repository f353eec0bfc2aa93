// What a person is told when Slack sends a click or a form the bot no longer knows: a button or a
// modal from an older version of the bot (ids renamed or removed since the message was posted).
import { plain } from './text.js';

export const STALE_BUTTON_TEXT =
  'This button is from an older version of supportbot and no longer does anything — open the ticket again and use its current buttons.';

/** Replaces the submitted modal, so the person sees why nothing happened and can close it. */
export function staleFormView() {
  return {
    type: 'modal',
    title: plain('Supportbot'),
    close: plain('Close'),
    blocks: [
      {
        type: 'section',
        text: plain('This form is from an older version of supportbot and can no longer be submitted. Close it and start again.'),
      },
    ],
  };
}
