/** Whether `pathname` is `allowed` or below it ("/" allows everything). */
export function isUnderPath(pathname: string, allowed: string): boolean {
  return allowed === '/' || pathname === allowed || pathname.startsWith(`${allowed}/`);
}

/** OHIF's router matches paths regardless of case (react-router's default), so a reserved route is compared so too. */
export function isReservedPath(pathname: string, reservedPaths: readonly string[]): boolean {
  const lower = pathname.toLowerCase();
  return reservedPaths.some(reserved => isUnderPath(lower, reserved.toLowerCase()));
}
