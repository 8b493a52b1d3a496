const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 127.0.0.0/8 only: the mock never listens on, or is reached at, any other address. */
export function isLoopbackAddress(host: string): boolean {
  const m = LOOPBACK.exec(host);
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255);
}
