export { loadPromptSet, singlePromptSet, availablePromptSets, promptSetDir, type PromptSet, type SampleRequest } from "./prompts";
export { syntheticPromptSet, textOfTokens } from "./synthetic";
