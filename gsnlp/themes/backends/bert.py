"""transformers: a tiny BERT trained from scratch on a character vocabulary built from the
training clauses, or any local checkpoint directory fine-tuned (``base_model=PATH``).

Two heads on the mean-pooled encoder output: role (softmax) and themes (sigmoid).
Saved as ``encoder/`` (``save_pretrained``: config.json, model.safetensors, tokenizer files)
plus ``heads.safetensors``. Nothing is ever fetched from a hub: ``local_files_only=True``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier, sigmoid, softmax
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import register

SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def _torch() -> Any:
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the bert themes backend", "themes", "transformers") from e
    from gsnlp.themes.pipeline import encoder_threads

    torch.set_num_threads(encoder_threads())  # 1 by default: batch workers each run their own
    return torch


def build_vocab(texts: list[str], min_freq: int = 1) -> dict[str, int]:
    """Character vocabulary (what BERT's Chinese pre-tokenizer produces) plus special tokens."""
    from transformers import BertTokenizerFast

    pre = BertTokenizerFast(vocab={s: i for i, s in enumerate(SPECIAL)}, do_lower_case=False)
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(w for w, _ in pre.backend_tokenizer.pre_tokenizer.pre_tokenize_str(t))
    vocab = {s: i for i, s in enumerate(SPECIAL)}
    for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_freq and w not in vocab:
            vocab[w] = len(vocab)
    return vocab


def _net(encoder: Any, hidden: int, dropout: float) -> Any:
    torch = _torch()

    class Net(torch.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.drop = torch.nn.Dropout(dropout)
            self.role = torch.nn.Linear(hidden, len(ROLES))
            self.themes = torch.nn.Linear(hidden, len(THEMES))

        def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = self.drop((h * m).sum(1) / m.sum(1).clamp(min=1.0))
            return self.role(pooled), self.themes(pooled)

    return Net()


@register("bert")
class BertClassifier(ThemeClassifier):
    def __init__(self, base_model: str | None = None, hidden_size: int = 128, num_layers: int = 2,
                 num_heads: int = 2, intermediate_size: int = 256, max_length: int = 160, epochs: int = 40,
                 batch_size: int = 16, lr: float | None = None, dropout: float = 0.1, threshold: float = 0.5,
                 seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.base_model = base_model
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_size = intermediate_size
        self.max_length = max_length
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.dropout = dropout

    def _init_encoder(self, X: list[str]) -> tuple[Any, Any, int]:
        from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizerFast

        if self.base_model:
            tok = AutoTokenizer.from_pretrained(self.base_model, local_files_only=True)
            enc = AutoModel.from_pretrained(self.base_model, local_files_only=True)
            return tok, enc, int(enc.config.hidden_size)
        tok = BertTokenizerFast(vocab=build_vocab(X), do_lower_case=False)
        cfg = BertConfig(vocab_size=len(tok.get_vocab()), hidden_size=self.hidden_size,
                         num_hidden_layers=self.num_layers, num_attention_heads=self.num_heads,
                         intermediate_size=self.intermediate_size, max_position_embeddings=self.max_length + 2,
                         hidden_dropout_prob=self.dropout, attention_probs_dropout_prob=self.dropout)
        return tok, BertModel(cfg), self.hidden_size

    def _batches(self, X: list[str]) -> Any:
        return self.tokenizer_(X, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        torch = _torch()
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        tok, enc, hidden = self._init_encoder(X)
        self.tokenizer_ = tok
        net = _net(enc, hidden, self.dropout)
        lr = self.lr if self.lr is not None else (5e-5 if self.base_model else 1e-3)
        opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
        pos = themes.sum(0)
        pos_weight = torch.tensor(np.clip((len(X) - pos) / np.maximum(pos, 1), 1.0, 10.0), dtype=torch.float32)
        counts = np.bincount(roles, minlength=len(ROLES)).astype(np.float64)
        role_w = torch.tensor(np.where(counts > 0, len(roles) / (len(ROLES) * np.maximum(counts, 1)), 0.0),
                              dtype=torch.float32)
        ce = torch.nn.CrossEntropyLoss(weight=role_w)
        bce = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        yr = torch.tensor(roles, dtype=torch.long)
        yt = torch.tensor(themes, dtype=torch.float32)
        steps = self.epochs * int(np.ceil(len(X) / self.batch_size))
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.1)
        net.train()
        for _ in range(self.epochs):
            order = rng.permutation(len(X))
            for i in range(0, len(X), self.batch_size):
                idx = order[i:i + self.batch_size]
                b = self._batches([X[k] for k in idx])
                lr_, lt_ = net(b["input_ids"], b["attention_mask"])
                loss = ce(lr_, yr[idx]) + bce(lt_, yt[idx])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
        net.eval()
        self.net_ = net

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        torch = _torch()
        rs, ts = [], []
        with torch.no_grad():
            for i in range(0, len(X), 64):
                b = self._batches(X[i:i + 64])
                lr_, lt_ = self.net_(b["input_ids"], b["attention_mask"])
                rs.append(lr_.numpy().astype(np.float64))
                ts.append(lt_.numpy().astype(np.float64))
        return softmax(np.vstack(rs)), sigmoid(np.vstack(ts))

    def _save(self, path: Path) -> None:
        from safetensors.torch import save_file

        self.net_.encoder.save_pretrained(path / "encoder")
        self.tokenizer_.save_pretrained(path / "encoder")
        heads = {f"{n}.{k}": v.detach().contiguous() for n in ("role", "themes")
                 for k, v in getattr(self.net_, n).state_dict().items()}
        save_file(heads, str(path / "heads.safetensors"))
        (path / "encoder" / "gsnlp.json").write_text(json.dumps({"hidden": int(self.net_.role.in_features)}),
                                                      encoding="utf-8")

    def _load(self, path: Path) -> None:
        _torch()
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer_ = AutoTokenizer.from_pretrained(path / "encoder", local_files_only=True)
        enc = AutoModel.from_pretrained(path / "encoder", local_files_only=True)
        hidden = int(json.loads((path / "encoder" / "gsnlp.json").read_text(encoding="utf-8"))["hidden"])
        net = _net(enc, hidden, self.dropout)
        heads = load_file(str(path / "heads.safetensors"))
        for n in ("role", "themes"):
            getattr(net, n).load_state_dict({k.split(".", 1)[1]: v for k, v in heads.items() if k.startswith(n + ".")})
        net.eval()
        self.net_ = net
