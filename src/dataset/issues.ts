import type { DatasetIssueCode } from '../core/dataset-codes.js';
import type { Severity } from './profile.js';
import type { DatasetIssue } from '../core/dataset-report.js';

/** Collects issues: keeps the first `cap` of each severity, counts all, per code too. */
export class IssueLog {
  readonly errors: DatasetIssue[] = [];
  readonly warnings: DatasetIssue[] = [];
  errorCount = 0;
  warningCount = 0;
  readonly byCode: Partial<Record<DatasetIssueCode, number>> = {};
  /** Errors reported on the current line (the engine resets it per line). */
  lineErrors = 0;

  constructor(private readonly cap: number) {}

  add(severity: Severity, line: number, code: DatasetIssueCode, message: string, field?: string): void {
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    const issue: DatasetIssue = field === undefined ? { line, code, message } : { line, code, message, field };
    if (severity === 'error') {
      this.lineErrors++;
      if (this.errorCount++ < this.cap) this.errors.push(issue);
    } else if (this.warningCount++ < this.cap) this.warnings.push(issue);
  }

  /** A problem of the whole file (line 0): always kept, listed first. */
  addFile(severity: Severity, code: DatasetIssueCode, message: string): void {
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    if (severity === 'error') {
      this.errorCount++;
      this.errors.unshift({ line: 0, code, message });
    } else {
      this.warningCount++;
      this.warnings.unshift({ line: 0, code, message });
    }
  }
}
