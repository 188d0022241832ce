export * from './errors.ts';
export * from './summary.ts';
export * from './http.ts';
export * from './ws.ts';
export * from './send.ts';
export * from './accounts.ts';
