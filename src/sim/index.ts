// Public surface of the simulator: the pure physics/timing model, profiles, and the server.
export {
  getGpuProfile, getModelProfile, findModelProfile, listGpuProfiles, listModelProfiles, engineAssumptions,
  type GpuProfile, type ModelProfile, type EngineAssumptions,
} from "./profiles";
export {
  weightBytes, bytesReadPerDecodeToken, kvBytesPerToken, paramCount, paramBreakdown, dtypeBytes, resolveDtype,
  engineStepCost, engineStepMs, decodeStepMs, prefillMs, decodeBoundTokensPerS, modelledDecodeTokensPerS,
  modelledLoadTimeS, modelledLoadPhases, memoryPlan, defaultBatchLimits, DTYPE_ARGS,
  type Dtype, type DtypeArg, type StepWork, type StepCost, type LoadPhasesS, type MemoryPlan,
} from "./physics";
export { parseSimArgs, parseMaxModelLen, DEFAULT_GPU_MEMORY_UTILIZATION, type SimOptions } from "./args";
export { planBoot, SimStartupError, SIM_VLLM_VERSION, type BootPlan } from "./boot";
export { startSimServer, formatLogLine, type SimServer, type StartHooks, type LogSink } from "./server";
export { SimEngine, ENGINE_DEAD_MESSAGE, type EngineConfig, type EngineTimers } from "./engine";
export { Scheduler, Sequence, type SchedulerConfig, type ScheduledItem } from "./scheduler";
