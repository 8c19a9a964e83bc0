"""The category taxonomy: SPEC's default, editable in config.toml, joined by the user's own labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    name: str
    description: str


DEFAULT_TAXONOMY: tuple[Category, ...] = (
    Category("Scaling", "scaling laws, compute allocation, training vs inference compute"),
    Category("Reasoning", "reasoning models, chain of thought, latent reasoning, math and proof, search at test time"),
    Category("RL", "reinforcement learning for LLMs: RLHF, GRPO, preference optimization, reward models, agentic RL"),
    Category("Safety", "alignment and misalignment, backdoors, jailbreaks, AI risk, governance"),
    Category("Interpretability", "sparse autoencoders, probing, steering, persona and representation geometry"),
    Category("Data", "pretraining and synthetic data, filtering, curation"),
    Category("Multimodal", "vision, audio, video, world and robotics models, omni-modal models"),
    Category("Eval", "benchmarks and evaluation methods"),
    Category("ML Theory", "theory and foundations, toy models, the mathematics of learning"),
    Category("Architecture", "attention variants, MoE, linear attention and state-space models, diffusion LMs, tokenization"),
    Category("Training", "pretraining and fine-tuning methods, distillation, optimizers, LoRA, context extension"),
    Category("Inference", "serving, decoding, quantization, speculative decoding, KV cache"),
    Category("Systems", "GPUs, kernels, compilers, TPUs, interconnects, distributed training infrastructure"),
    Category("Agents", "agents, tool use, coding agents, agent harnesses, memory, retrieval agents"),
    Category("News", "model and product releases, company and industry news"),
    Category("Writing", "writing, communication, research practice and careers"),
)
