export { runEval, type EvalOptions } from "./run.ts";
export { formatEvalReport, folderWinner } from "./format.ts";
export { JITTER_CROPS, MAX_JITTER } from "./jitter.ts";
export type { EvalReport, EvalImage, FolderSummary, ImageJitter, JitterLook, JitterSummary, MethodResult, MethodSummary, TimingStats, WorstCase } from "./types.ts";
export { jaccardIndex } from "../geometry/jaccard.ts";
