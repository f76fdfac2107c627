/**
 * TrainLint's own messages between the server and the VS Code client. This file imports nothing,
 * so the client can share it without pulling in the server's libraries.
 */

/**
 * Client to server: the summary of a document, asked when the active editor or its diagnostics change
 * (the language status item; other editors may show its markdown). Null for a document the server does not have open.
 */
export const SUMMARY_REQUEST = 'trainlint/summary';

export interface SummaryParams {
  uri: string;
}

export interface SummaryResult {
  /** The detected format, e.g. "deepspeed"; "unknown" for files that are not training configs. */
  format: string;
  /** The format in words, e.g. "DeepSpeed config". */
  formatName: string;
  /** One line: the batch identity, the estimate and the problem counts. */
  headline: string;
  /** The file summary with the estimate tables. */
  markdown: string;
  /** Problem counts, for the status item's severity (0 for files left out by `files.include`/`exclude`). */
  errors: number;
  warnings: number;
}

/**
 * Client to server: a document's plan page (memory, schedule, step time, cost, what-if, inputs and assumptions) as
 * self-contained HTML, for `trainlint.showPlan`'s webview. Null for a document the server does not have open.
 */
export const PLAN_PAGE_REQUEST = 'trainlint/planPage';

export interface PlanPageResult {
  /** The tab's title, plain text. */
  title: string;
  html: string;
}

/**
 * The client command behind "Choose the architecture...": a picker over the catalog, then SET_PROJECT_MODEL_COMMAND.
 * Offered only to a client that lists it in `initializationOptions.clientCommands` (TrainLint's VS Code extension).
 */
export const CHOOSE_ARCHITECTURE_COMMAND = 'trainlint.chooseArchitecture';

export interface ChooseArchitectureArgs {
  uri: string;
}

/**
 * The client command that shows a file's full plan and estimate; the hover's short summary links to it (a `command:`
 * link) only for a client that lists it in `initializationOptions.clientCommands`.
 */
export const SHOW_PLAN_COMMAND = 'trainlint.showPlan';

/**
 * The client command that opens a rule's page (docs/rules/<rule>.md, shipped in the extension) in the markdown preview;
 * each diagnostic offers it as "Show documentation for <rule>" to a client that declared it in `clientCommands`.
 */
export const OPEN_RULE_DOC_COMMAND = 'trainlint.openRuleDoc';

/** Client to server: the model catalog, for the picker. */
export const CATALOG_MODELS_REQUEST = 'trainlint/catalogModels';

export interface CatalogModelItem {
  id: string;
  /** One line: the family and the size. */
  detail: string;
}

/** The server half of "Choose the architecture...": writes `model:` into the project file governing `uri`. */
export const SET_PROJECT_MODEL_COMMAND = 'trainlint.server.setProjectModel';

export interface SetProjectModelArgs {
  uri: string;
  model: string;
}

export interface SetProjectModelResult {
  applied: boolean;
  message: string;
}

/** The server-side half of `trainlint.changeGlobalBatchSize`; named apart so the client's command id stays free. */
export const CHANGE_GLOBAL_BATCH_COMMAND = 'trainlint.server.changeGlobalBatchSize';

export type LearningRateRule = 'auto' | 'linear' | 'sqrt' | 'malladi' | 'keep';

export interface ChangeGlobalBatchArgs {
  uri: string;
  /** The document version the user saw; the edit is refused if the document has moved on. */
  version: number;
  globalBatch: number;
  learningRate: LearningRateRule;
}

export interface ChangeGlobalBatchResult {
  applied: boolean;
  /** What changed, or why nothing did. */
  message: string;
}
