// Domain errors the features throw; only the request guard (guard.ts) turns them into LSP errors.

/** The request can't be answered as asked (malformed parameters, no such map): InvalidParams. */
export class RequestError extends Error {}

/** The client cancelled: RequestCancelled. */
export class Cancelled extends Error {}

/** The document closed or was replaced while the request waited for it: ContentModified. */
export class DocumentGone extends Error {}
