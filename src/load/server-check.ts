// Before a run: is the server reachable, and does it serve the model? (exit 1 otherwise.) Also
// collects /version and /v1/models for the run's metadata.
import { ServerUnusableError } from "../errors";
import { apiUrls, fetchJson } from "../client/http-agent";
import { errorMessageOf } from "../client/sse-accumulator";
import type { ServerInfo } from "../record/meta";

export async function checkServer(baseUrl: string, model: string, apiKey?: string, timeoutMs = 10_000): Promise<ServerInfo> {
  const { root, api } = apiUrls(baseUrl);
  let models;
  try {
    models = await fetchJson(`${api}/models`, { apiKey, timeoutMs });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ServerUnusableError(`cannot reach ${api}/models (${e.code ?? e.message}); start the server or fix --base-url`, { cause: err });
  }
  if (models.status !== 200) {
    const why = errorMessageOf(models.body) ?? (models.text.slice(0, 200) || "(empty body)");
    throw new ServerUnusableError(`${api}/models answered HTTP ${models.status}: ${why}; check --base-url${models.status === 401 ? " and --api-key" : ""}`);
  }
  const data = (models.body as { data?: Array<{ id?: unknown }> } | null)?.data;
  if (!Array.isArray(data)) throw new ServerUnusableError(`${api}/models did not return an OpenAI model list; is ${baseUrl} an OpenAI-compatible server?`);
  const ids = data.map((m) => String(m.id));
  if (!ids.includes(model)) {
    throw new ServerUnusableError(`model ${JSON.stringify(model)} is not served by ${baseUrl}; it serves: ${ids.join(", ") || "(none)"}; pass one of them with --model`);
  }
  let version: unknown = null;
  try {
    const v = await fetchJson(`${root}/version`, { apiKey, timeoutMs });
    if (v.status === 200) version = v.body;
  } catch {
    version = null; // /version is optional (not every OpenAI-compatible server has it)
  }
  return { version, models: models.body };
}
