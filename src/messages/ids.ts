/** Callback, block and action ids shared by the views and the listeners that read them. */
export const CALLBACK = {
  createTicket: 'ticket_create',
  resolveTicket: 'ticket_resolve',
  changePriority: 'ticket_priority',
  markDuplicate: 'ticket_duplicate',
} as const;

/** Callback ids of the shortcuts declared in manifest.yml. */
export const SHORTCUT = {
  createTicketFromMessage: 'create_ticket_from_message',
} as const;

export const ACTION = {
  take: 'ticket_take',
  resolve: 'ticket_resolve_open',
  changePriority: 'ticket_priority_open',
  reopen: 'ticket_reopen',
  wait: 'ticket_wait',
  unwait: 'ticket_unwait',
  markDuplicate: 'ticket_duplicate_open',
} as const;

/** Every input of the forms lives in a block named for its field with one element "value". */
export const FIELD_ACTION = 'value';

/** Buttons of a cover request message; the value is the request's id. */
export const COVER_ACTION = {
  take: 'cover_take',
  withdraw: 'cover_withdraw',
} as const;
