"""spaCy: ``textcat`` (role, exclusive) and ``textcat_multilabel`` (themes) on
``spacy.blank("zh")`` with the jieba segmenter, trained from scratch.

Saved with ``nlp.to_disk`` (config.cfg + msgpack weights; spaCy's own format, no pickle).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import register


def _spacy() -> Any:
    try:
        import spacy
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the spacy themes backend", "themes", "spacy") from e
    return spacy


def _model_config(architecture: str, exclusive: bool, length: int) -> dict[str, Any]:
    if architecture == "bow":
        return {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": exclusive, "ngram_size": 2,
                "no_output_layer": False, "length": length}
    if architecture == "cnn":
        return {"@architectures": "spacy.TextCatCNN.v2", "exclusive_classes": exclusive,
                "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64,
                            "depth": 2, "embed_size": 2000, "window_size": 1, "maxout_pieces": 3,
                            "subword_features": True}}
    from gsnlp.errors import UnknownNameError

    raise UnknownNameError("spacy textcat architecture", architecture, ["bow", "cnn"])


@register("spacy")
class SpacyTextcatClassifier(ThemeClassifier):
    def __init__(self, architecture: str = "bow", epochs: int = 20, dropout: float = 0.2, batch_size: int = 16,
                 length: int = 65536, threshold: float = 0.5, seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.architecture = architecture
        self.epochs = epochs
        self.dropout = dropout
        self.batch_size = batch_size
        self.length = length

    def _blank(self, component: str, labels: tuple[str, ...]) -> Any:
        spacy = _spacy()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        exclusive = component == "textcat"
        pipe = nlp.add_pipe(component, config={"model": _model_config(self.architecture, exclusive, self.length)})
        for label in labels:
            pipe.add_label(label)
        return nlp

    def _train(self, component: str, labels: tuple[str, ...], X: list[str], cats: list[dict[str, float]]) -> Any:
        spacy = _spacy()
        from spacy.training import Example
        from spacy.util import minibatch

        spacy.util.fix_random_seed(self.seed)
        nlp = self._blank(component, labels)
        examples = [Example.from_dict(nlp.make_doc(x), {"cats": c}) for x, c in zip(X, cats)]
        opt = nlp.initialize(lambda: examples)
        rng = random.Random(self.seed)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=self.batch_size):
                nlp.update(batch, sgd=opt, drop=self.dropout, losses=losses)
        return nlp

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        import logging

        logging.getLogger("jieba").setLevel(logging.WARNING)
        # two pipelines: spaCy's exclusive textcat rejects docs whose cats hold other labels
        self.role_nlp_ = self._train("textcat", ROLES, X,
                                     [{k: float(i == r) for i, k in enumerate(ROLES)} for r in roles])
        self.theme_nlp_ = self._train("textcat_multilabel", THEMES, X,
                                      [{k: float(t[j]) for j, k in enumerate(THEMES)} for t in themes])

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        r = np.zeros((len(X), len(ROLES)))
        t = np.zeros((len(X), len(THEMES)))
        for i, doc in enumerate(self.role_nlp_.pipe(X, batch_size=64)):
            r[i] = [doc.cats.get(k, 0.0) for k in ROLES]
        for i, doc in enumerate(self.theme_nlp_.pipe(X, batch_size=64)):
            t[i] = [doc.cats.get(k, 0.0) for k in THEMES]
        return r, t

    def _save(self, path: Path) -> None:
        self.role_nlp_.to_disk(path / "spacy-role")
        self.theme_nlp_.to_disk(path / "spacy-themes")

    def _load(self, path: Path) -> None:
        self.role_nlp_ = _spacy().load(path / "spacy-role")
        self.theme_nlp_ = _spacy().load(path / "spacy-themes")
