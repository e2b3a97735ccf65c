export { runEval, type EvalOptions } from "./run.ts";
export { formatEvalReport, folderWinner } from "./format.ts";
export type { EvalReport, EvalImage, FolderSummary, MethodResult, MethodSummary, TimingStats, WorstCase } from "./types.ts";
export { jaccardIndex } from "../geometry/jaccard.ts";
