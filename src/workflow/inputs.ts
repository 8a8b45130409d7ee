/** A string `train` uploads (a path) rather than passes on (a file id): it has a `/` or `\`, or a data-file extension. */
export function isPath(value: string): boolean {
  return /[\\/]/.test(value) || /\.(jsonl|json|csv|parquet|txt)$/i.test(value);
}
