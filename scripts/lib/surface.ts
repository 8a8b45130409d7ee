export interface Surface {
  include: string[];
  exclude: string[];
}

export function matchesPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

export function inSurface(path: string, surface: Surface): boolean {
  const included = surface.include.some((prefix) => matchesPrefix(path, prefix));
  const excluded = surface.exclude.some((prefix) => matchesPrefix(path, prefix));
  return included && !excluded;
}
