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


# Words and phrases that mark each default category: the local classifier's prior knowledge,
# used alongside the descriptions until the user's own labels teach it more.
KEYWORDS: dict[str, str] = {
    "Scaling": "scaling law scaling laws compute-optimal chinchilla flops compute budget power law training compute "
               "inference compute test-time compute inference scaling scale up larger models isoflop loss curve "
               "extrapolate emergent abilities parameters tokens trillion compute allocation frontier compute",
    "Reasoning": "reasoning reasoning model chain of thought cot thinking tokens latent reasoning multi-hop math "
                 "mathematics theorem proving proof olympiad lean formal test-time search tree search mcts "
                 "self-consistency planning logic deliberation step-by-step verifier puzzles arithmetic aime "
                 "reasoning traces think longer filler tokens compose facts",
    "RL": "reinforcement learning rlhf rlaif ppo grpo dpo preference optimization reward model reward models rewards "
          "policy gradient rollouts rlvr verifiable rewards on-policy off-policy advantage kl penalty agentic rl "
          "environments reward signal rl training post-training rl policy optimization value function",
    "Safety": "alignment aligned misalignment misaligned emergent misalignment backdoor backdoors jailbreak jailbreaks "
              "red teaming ai risk existential risk governance regulation policy deception scheming sycophancy "
              "harmful safeguards oversight ai control monitoring constitution refusal sleeper agents reward hacking "
              "power-seeking catastrophic biosecurity dangerous capabilities safety malicious finetuning traits "
              "misaligned behavior harmful behaviors unsafe behavioral traits hidden signals model organisms",
    "Interpretability": "interpretability mechanistic interpretability sparse autoencoder sparse autoencoders sae "
                        "features probing linear probe probes steering steering vector activation steering residual "
                        "stream circuits attribution neurons superposition representation representations persona "
                        "persona vectors logit lens transcoder dictionary learning activation patching monosemantic "
                        "geometry directions activations internal",
    "Data": "dataset datasets pretraining data synthetic data data filtering deduplication data curation data mixture "
            "web crawl common crawl data quality annotation labeling rephrasing contamination corpus tokens of data "
            "data pipeline training data curated data generation",
    "Multimodal": "vision image images video audio speech multimodal vision-language vlm text-to-image world model "
                  "world models robotics robot robots embodied omni-modal omnimodal ocr visual camera 3d perception "
                  "pixels vit clip speech recognition text-to-speech brain recordings eeg meg embodied pretraining "
                  "modality modalities cross-modal self-supervised vision vision learning image generation video "
                  "generation diffusion models for images",
    "Eval": "benchmark benchmarks evaluation evaluations eval evals leaderboard metrics held-out mmlu swe-bench gpqa "
            "human evaluation llm-as-a-judge judge test set scores pass@k arena elo measuring capabilities "
            "evaluation framework behavioral evaluations exam",
    "ML Theory": "theory theoretical theorem convergence generalization bound toy model toy models grokking loss "
                 "landscape neural tangent kernel ntk infinite width mathematics of learning implicit bias double "
                 "descent learning dynamics statistical learning optimization theory kernel feature learning phase "
                 "transition in-context learning foundations framework",
    "Architecture": "architecture transformer attention multi-head attention linear attention state space model ssm "
                    "mamba mixture of experts mixture-of-experts moe experts router diffusion language model "
                    "diffusion llm tokenizer tokenization positional encoding rope layer norm feed-forward recurrence "
                    "hybrid sparse attention latent attention mla byte-level looped transformers projections "
                    "query key value next-token prediction autoregressive",
    "Training": "pretraining fine-tuning finetuning fine-tune supervised fine-tuning sft distillation optimizer adam "
                "adamw muon learning rate warmup schedule lora qlora peft context extension long context curriculum "
                "batch size gradient loss spikes mixed precision training recipe train from scratch checkpoint "
                "instruction tuning continual pretraining training loop",
    "Inference": "inference serving latency throughput decoding sampling speculative decoding draft model quantization "
                 "int4 fp8 fp4 kv cache paged attention vllm batching prefill decode tokens per second time to first "
                 "token memory bandwidth llama.cpp gguf edge deployment on-device serving cost",
    "Systems": "gpu gpus cuda kernel kernels triton compiler tpu tpus interconnect interconnects nvlink infiniband "
               "cluster clusters data center distributed training data parallelism tensor parallelism pipeline "
               "parallelism fsdp zero hbm memory hierarchy mfu networking hardware chips blackwell hopper h100 b200 "
               "accelerator supercomputer nvidia sram",
    "Agents": "agent agents agentic tool use tools function calling coding agent coding agents claude code codex "
              "harness harnesses scaffold scaffolds memory retrieval rag browser agent computer use multi-agent "
              "orchestrator planner workflow autonomous mcp terminal software engineering agent self-improving",
    "News": "released release releases launch launches announces announced company funding acquisition startup "
            "industry product model release open-weights api pricing available today partnership ceo revenue "
            "valuation system card lawsuit frontier lab new model flagship model",
    "Writing": "writing write writer communication research practice career careers phd advice productivity reading "
               "papers presenting talks paper writing reviewing peer review mentorship job academia research taste "
               "habits blogging audience clear writing grant abstract",
}
