import { STATUS_CODES } from 'node:http';

/** The non-JSON pages real clusters answer with: Admin Router's (openresty) and Marathon's Jetty error pages. */

const reason = (status: number) => STATUS_CODES[status] ?? 'Error';

/** What a proxy in front of the cluster sends, e.g. a 502 when the upstream is down. */
export function proxyErrorPage(status: number): string {
  return [
    '<html>',
    `<head><title>${status} ${reason(status)}</title></head>`,
    '<body>',
    `<center><h1>${status} ${reason(status)}</h1></center>`,
    '<hr><center>openresty/1.15.8.3</center>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Admin Router's 401, sent with `WWW-Authenticate: oauthjwt`. */
export function unauthorizedPage(): string {
  return proxyErrorPage(401).replace('Unauthorized</h1>', 'Authorization Required</h1>');
}

/** Marathon's servlet error page (sendError), e.g. "Could not determine the current leader". */
export function jettyErrorPage(status: number, message: string, path: string): string {
  const escaped = path.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    `<title>Error ${status} ${message}</title>`,
    '</head>',
    `<body><h2>HTTP ERROR ${status}</h2>`,
    `<p>Problem accessing ${escaped}. Reason:`,
    `<pre>    ${message}</pre></p><hr><a href="http://eclipse.org/jetty">Powered by Jetty:// 9.4.z-SNAPSHOT</a><hr/>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
