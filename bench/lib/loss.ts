/**
 * Packet-loss models for the benchmarks, applied outside the PBX (in bench/lib/relay.ts). Each model
 * is a function called once per packet that says whether this packet is lost; `random` is injectable
 * so the models can be checked deterministically.
 */
export type LossModel = () => boolean;

export interface LossSpec {
  /** How the benchmark names it in results and docs, e.g. `random 5 %`. */
  label: string;
  kind: 'none' | 'random' | 'burst';
  /** Long-run share of packets lost. */
  rate: number;
  /** Burst loss only: mean number of packets lost in a row. */
  meanBurst?: number;
}

export const NO_LOSS: LossSpec = { label: 'no loss', kind: 'none', rate: 0 };
export const RANDOM_5: LossSpec = { label: '5 % random', kind: 'random', rate: 0.05 };
export const BURST_5: LossSpec = { label: '5 % in bursts (mean 3)', kind: 'burst', rate: 0.05, meanBurst: 3 };

/**
 * Gilbert–Elliott loss as the simple two-state chain (Gilbert): in the bad state every packet is
 * lost, in the good state none. Leaving the bad state with probability r gives a mean burst of 1/r
 * packets; entering it with probability p gives a long-run loss of p / (p + r).
 */
export function gilbertElliott(rate: number, meanBurst: number, random = Math.random): LossModel {
  const r = 1 / meanBurst;
  const p = (rate * r) / (1 - rate);
  let bad = false;
  return () => {
    bad = bad ? random() >= r : random() < p;
    return bad;
  };
}

export function lossModel(spec: LossSpec, random = Math.random): LossModel {
  switch (spec.kind) {
    case 'none':
      return () => false;
    case 'random':
      return () => random() < spec.rate;
    case 'burst':
      return gilbertElliott(spec.rate, spec.meanBurst ?? 3, random);
  }
}
