/**
 * Vision encoders that multimodal training programs load beside the language model (LLaVA's `--vision_tower`), with
 * their shape. Each is a ViT: a patch embedding, learned positions, pre-LN transformer layers with biased
 * projections, and (SigLIP) an attention-pooling head. Shapes are from the checkpoints' config.json.
 */
export interface VisionTower {
  id: string;
  layers: number;
  hidden: number;
  intermediate: number;
  patch: number;
  image: number;
  /** CLIP prepends a class token (one more position); SigLIP does not. */
  classToken: boolean;
  /** SigLIP's SiglipMultiheadAttentionPoolingHead: a probe, one attention block and one MLP. */
  poolingHead: boolean;
  source: string;
}

const TOWERS: VisionTower[] = [
  // openai/clip-vit-large-patch14 config.json vision_config: hidden 1024, intermediate 4096, 24 layers, patch 14, image 224.
  { id: 'openai/clip-vit-large-patch14', layers: 24, hidden: 1024, intermediate: 4096, patch: 14, image: 224, classToken: true, poolingHead: false, source: 'openai/clip-vit-large-patch14 config.json vision_config (303.2M vision parameters)' },
  // openai/clip-vit-large-patch14-336 config.json vision_config: as above at image 336 (577 positions); LLaVA-1.5's tower.
  { id: 'openai/clip-vit-large-patch14-336', layers: 24, hidden: 1024, intermediate: 4096, patch: 14, image: 336, classToken: true, poolingHead: false, source: 'openai/clip-vit-large-patch14-336 config.json vision_config (303.5M vision parameters)' },
  // openai/clip-vit-base-patch16 / -patch32 config.json vision_config: hidden 768, intermediate 3072, 12 layers.
  { id: 'openai/clip-vit-base-patch16', layers: 12, hidden: 768, intermediate: 3072, patch: 16, image: 224, classToken: true, poolingHead: false, source: 'openai/clip-vit-base-patch16 config.json vision_config' },
  { id: 'openai/clip-vit-base-patch32', layers: 12, hidden: 768, intermediate: 3072, patch: 32, image: 224, classToken: true, poolingHead: false, source: 'openai/clip-vit-base-patch32 config.json vision_config' },
  // google/siglip-so400m-patch14-384 config.json vision_config: hidden 1152, intermediate 4304, 27 layers; LLaVA-NeXT's tower.
  { id: 'google/siglip-so400m-patch14-384', layers: 27, hidden: 1152, intermediate: 4304, patch: 14, image: 384, classToken: false, poolingHead: true, source: 'google/siglip-so400m-patch14-384 config.json vision_config (about 428M vision parameters)' },
  // OpenGVLab/InternViT-300M-448px config.json: hidden 1024, intermediate 4096, 24 layers, patch 14, image 448.
  { id: 'OpenGVLab/InternViT-300M-448px', layers: 24, hidden: 1024, intermediate: 4096, patch: 14, image: 448, classToken: true, poolingHead: false, source: 'OpenGVLab/InternViT-300M-448px config.json' },
];

/** Parameters of a ViT tower: per layer 4(h^2 + h) attention, 2 h f + f + h MLP, two LayerNorms; plus embeddings. */
export function visionTowerParams(t: VisionTower): number {
  const h = t.hidden;
  const mlp = 2 * h * t.intermediate + t.intermediate + h;
  const layer = 4 * (h * h + h) + mlp + 4 * h;
  const positions = Math.floor(t.image / t.patch) ** 2 + (t.classToken ? 1 : 0);
  // CLIP (CLIPVisionEmbeddings): a bias-free patch convolution, a class embedding, pre- and post-LayerNorm.
  // SigLIP (SiglipVisionEmbeddings): a patch convolution with bias, a post-LayerNorm only.
  const patchAndClass = 3 * t.patch * t.patch * h + h;
  const norms = t.classToken ? 4 * h : 2 * h;
  const embeddings = patchAndClass + positions * h + norms;
  const head = t.poolingHead ? h + 4 * (h * h + h) + 2 * h + mlp : 0;
  return t.layers * layer + embeddings + head;
}

/** The tower a path or id names: the id itself, or a local folder named after it (`./checkpoints/clip-vit-large-patch14-336`). */
export function findVisionTower(name: string): VisionTower | undefined {
  const wanted = name.replace(/\/+$/, '').toLowerCase();
  const base = wanted.slice(wanted.lastIndexOf('/') + 1);
  return TOWERS.find((t) => t.id.toLowerCase() === wanted) ?? TOWERS.find((t) => t.id.toLowerCase().endsWith(`/${base}`));
}
