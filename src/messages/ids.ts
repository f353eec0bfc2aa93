/** Callback, block and action ids shared by the views and the listeners that read them. */
export const CALLBACK = {
  createTicket: 'ticket_create',
  resolveTicket: 'ticket_resolve',
  changePriority: 'ticket_priority',
} as const;

export const ACTION = {
  take: 'ticket_take',
  resolve: 'ticket_resolve_open',
  changePriority: 'ticket_priority_open',
  reopen: 'ticket_reopen',
  wait: 'ticket_wait',
  unwait: 'ticket_unwait',
} as const;

/** Every input of the forms lives in a block named for its field with one element "value". */
export const FIELD_ACTION = 'value';
