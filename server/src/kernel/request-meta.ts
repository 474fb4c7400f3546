/** What a service may know about the request that asked: for audit rows, session records and emails. */
export interface RequestMeta {
  ip: string | undefined;
  userAgent: string | undefined;
}
