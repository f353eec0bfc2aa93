// HTML text helpers for the server-rendered pages: anything not written by us goes through `esc`.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values alike. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A link only for http(s) URLs; anything else (javascript:, data:, …) is shown as text. */
export function safeLink(url: string, label: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" rel="noreferrer noopener" target="_blank">${esc(label)}</a>` : esc(label);
}
