/** Hand-written job bodies of realistic size (~1 kB), shaped like each provider's documented answer. */

export const JOB_ID = 'ftjob-4f1c2a9b7d3e48e0a6b1c5d9e2f70a13';

/** Nebius / OpenAI `FineTuningJob` (the same OpenAI-style shape). */
export const openaiStyleJob = {
  object: 'fine_tuning.job',
  id: JOB_ID,
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  created_at: 1_735_689_600,
  finished_at: null,
  fine_tuned_model: null,
  organization_id: 'org-7b2e9c4d1a6f',
  result_files: [],
  status: 'running',
  validation_file: 'file-0c5d1e8f2a7b4c9d',
  training_file: 'file-9a3b6c2d8e1f4a7b',
  hyperparameters: {
    batch_size: 8,
    learning_rate: 0.00001,
    n_epochs: 3,
    warmup_ratio: 0.05,
    weight_decay: 0,
    lora: true,
    lora_r: 16,
    lora_alpha: 32,
    lora_dropout: 0.05,
    packing: true,
    max_grad_norm: 1,
    context_length: 8192,
  },
  method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 8, learning_rate_multiplier: 1, n_epochs: 3 } } },
  trained_tokens: 1_843_200,
  trained_steps: 240,
  total_steps: 720,
  estimated_finish: 1_735_696_800,
  integrations: [{ type: 'wandb', wandb: { project: 'llama-sft', name: 'run-17', entity: null, tags: ['sft', 'lora'] } }],
  seed: 42,
  suffix: 'support-bot-v3',
  error: null,
  user_provided_suffix: 'support-bot-v3',
  metadata: { team: 'applied-ml', ticket: 'ML-2041' },
};

/** Together `FinetuneResponse`. */
export const togetherJob = {
  id: 'ft-4f1c2a9b-7d3e-48e0-a6b1-c5d9e2f70a13',
  training_file: 'file-9a3b6c2d-8e1f-4a7b-9c3d-2e6f1a8b5c4d',
  validation_file: '',
  model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  model_output_name: 'acme/Meta-Llama-3.1-8B-Instruct-Reference-support-bot-v3-7b2e9c4d',
  trainingfile_numlines: 12_000,
  trainingfile_size: 18_432_000,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T01:12:30.000Z',
  started_at: '2025-01-01T00:03:10.000Z',
  n_epochs: 3,
  n_checkpoints: 1,
  n_evals: 0,
  batch_size: 8,
  learning_rate: 0.00001,
  lr_scheduler: { lr_scheduler_type: 'linear', lr_scheduler_args: { min_lr_ratio: 0 } },
  warmup_ratio: 0.05,
  max_grad_norm: 1,
  weight_decay: 0,
  train_on_inputs: 'auto',
  training_method: { method: 'sft', train_on_inputs: 'auto' },
  training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32, lora_dropout: 0.05, lora_trainable_modules: 'all-linear' },
  status: 'running',
  token_count: 1_843_200,
  param_count: 8_030_261_248,
  total_price: 0,
  epochs_completed: 1,
  queue_depth: 0,
  wandb_project_name: 'llama-sft',
  suffix: 'support-bot-v3',
};

/** Which body a path gets: Together answers `/v1/fine-tunes/{id}`, Nebius/OpenAI `/v1/fine_tuning/jobs/{id}`. */
export function bodyFor(path: string): string | undefined {
  if (path.startsWith('/v1/fine-tunes/')) return togetherText;
  if (path.startsWith('/v1/fine_tuning/jobs/')) return openaiStyleText;
  return undefined;
}

const openaiStyleText = JSON.stringify(openaiStyleJob);
const togetherText = JSON.stringify(togetherJob);
