import type { JobEvent } from '../poller/types.js';
import type { NeutralCheckpoint } from '../workflow/neutral.js';
import type { LossPoint } from './provider.js';

/** Loss points by step, merged from any number of sources (a later source fills what an earlier one lacks). */
export function mergeLoss(
  ...sources: Iterable<{ step: number | undefined; trainingLoss: number | undefined; validationLoss: number | undefined }>[]
): LossPoint[] {
  const byStep = new Map<number, LossPoint>();
  for (const source of sources) {
    for (const { step, trainingLoss, validationLoss } of source) {
      if (step === undefined || (trainingLoss === undefined && validationLoss === undefined)) continue;
      const point = byStep.get(step) ?? { step, trainingLoss: undefined, validationLoss: undefined };
      point.trainingLoss ??= trainingLoss;
      point.validationLoss ??= validationLoss;
      byStep.set(step, point);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Loss from a job's metrics events and its checkpoints' metrics (Nebius, OpenAI). */
export async function lossFromEvents(events: AsyncIterable<JobEvent>, checkpoints: AsyncIterable<NeutralCheckpoint>): Promise<LossPoint[]> {
  const fromEvents: JobEvent[] = [];
  for await (const event of events) fromEvents.push(event);
  const fromCheckpoints: NeutralCheckpoint[] = [];
  for await (const checkpoint of checkpoints) fromCheckpoints.push(checkpoint);
  return mergeLoss(fromEvents, fromCheckpoints);
}
