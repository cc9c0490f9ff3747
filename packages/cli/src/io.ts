/** Where a command writes; tests pass an in-memory Io. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  readonly cwd: string;
  exitCode?: number;
  /** stderr is a terminal: long commands show a progress bar instead of plain lines. */
  readonly isTTY?: boolean;
}
