// Package serve keeps world models loaded behind an HTTP API: the server of `wfm serve`.
//
// A Server opens every model once (worldgen.Open for a diffusion model folder, compiled once per
// worker), the tokenizers they record (tokenizer.Open) and a prompt guard
// (guardrail.OpenPromptGuard), then answers:
//
//	POST   /v1/videos               submit a generation job (JSON, or multipart with a condition
//	                                image or video): 202 and the job
//	GET    /v1/videos               list jobs, newest first, paged (?limit=&after=)
//	GET    /v1/videos/{id}          a job: status, progress, timings, guard verdicts, seed
//	GET    /v1/videos/{id}/content  the video (?format=mp4, y4m or gif)
//	GET    /v1/videos/{id}/events   Server-Sent Events: the job each time it changes
//	DELETE /v1/videos/{id}          cancel a queued or running job; delete a finished one (its
//	                                record, videos and upload)
//	POST   /v1/tokenize             video -> tokens file; POST /v1/detokenize: tokens -> video
//	POST   /v1/guard/prompt         the pre-guard's verdict on a prompt
//	GET    /v1/models, /healthz, /metrics (Prometheus text), /v1/openapi.json
//	GET    /v1/reports              the benchmark reports of Config.ReportsDir
//	GET    /reports/{name...}       one of them, read-only (through an os.Root; no dotfiles)
//	GET    /, /static/...           the web page (embedded, package serve/web)
//
// Scheduling: a bounded queue (Config.MaxQueue jobs waiting; beyond it 429 with Retry-After),
// Config.Workers workers per model, each with its own compiled pipeline, per-job cancel and
// deadline. Requests are not batched into one model call: worldgen.Pipeline.Generate samples one
// video per call (the denoiser batches only the guided and unguided halves of one request), so
// throughput comes from keeping the models loaded and compiled and from several workers.
//
// Durability: jobs, their parameters and results live in a bbolt database under Config.DataDir
// (jobs.db), which the server holds with internal/dirlock. Uploaded condition files and videos
// are written atomically under server-chosen names (the job id, validated on every lookup). A
// job is acknowledged (202) only after its record is committed; when a server restarts, jobs
// that were queued or running run again, and finished ones are served as before. Nothing is
// removed by age: a finished job stays until a DELETE removes its record and files.
//
// Security: bearer API keys (Config.APIKeys, compared in constant time; a key sees, cancels and
// deletes only its own jobs), per-key rate limits, request and upload size limits (and 2
// minutes to send a body), uploads sniffed and decoded before a job is accepted, and the prompt
// guard on every prompt and negative prompt (a blocked one is 422 with the reason and creates
// nothing). Without keys the server refuses a non-loopback address unless
// Config.AllowRemoteWithoutKeys. The page, its assets, /healthz, /v1/openapi.json and the
// reports are open; everything else is behind the key.
//
// Metrics: /metrics gives the queue, job latency and run-time histograms, evaluations, HTTP
// responses, the process's CPU memory (Go heap, resident set) and, on machines with NVIDIA
// GPUs, each GPU's used and total memory as nvidia-smi reports it (no compute backend reports
// device memory through its interface; the figure is the whole device's).
//
// New models plug in through RegisterKind: a Kind opens a model folder into Generators (the
// autoregressive model will register itself the way the diffusion model does here).
package serve
