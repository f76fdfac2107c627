// ASSUMPTION, not a quote: example on-demand prices per GPU-hour from third-party pages at the dates given
// (hardware.json `cloud_price_examples`, marked "EXAMPLES ONLY"). Prices vary by provider, region and commitment;
// the estimator uses them only when the plan gives no price, and says so.

export interface GpuPrice {
  usdPerGpuHour: number;
  basis: string;
  source: string;
}

export const EXAMPLE_GPU_PRICES: Record<string, GpuPrice> = {
  a100_80gb_sxm: {
    usdPerGpuHour: 1.99,
    basis: 'midpoint of the $1.49-2.49 typical list range (Lambda, CoreWeave, vast.ai, RunPod), early 2026',
    source: 'https://pricegpu.pages.dev/blog/h100-vs-a100-cloud-price',
  },
  h100_sxm: {
    usdPerGpuHour: 2.65,
    basis: 'blended cloud hourly price, 2026',
    source: 'HF dataset devidasmishra/ai-inference-hardware-economics-2026',
  },
  h200_sxm: {
    usdPerGpuHour: 3.2,
    basis: 'blended cloud hourly price, 2026',
    source: 'HF dataset devidasmishra/ai-inference-hardware-economics-2026',
  },
  b200: {
    usdPerGpuHour: 4.6,
    basis: 'blended cloud hourly price, 2026',
    source: 'HF dataset devidasmishra/ai-inference-hardware-economics-2026',
  },
  mi325x: {
    usdPerGpuHour: 2.125,
    basis: 'midpoint of the $2.00-2.25 cloud rental range',
    source: 'https://awesomeagents.ai/hardware/amd-mi325x',
  },
  h800_sxm: {
    usdPerGpuHour: 2.07,
    basis: 'derived: MiniMax-M1 RL run, $534,700 for 512 H800 x 3 weeks (research-rules.md e4)',
    source: 'MiniMax-M1 paper (arXiv 2506.13585) abstract',
  },
};
