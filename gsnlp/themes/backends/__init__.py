"""Built-in backends; each module imports its heavy library only inside methods."""

from gsnlp.themes.backends import (  # noqa: F401
    baselines,
    bert,
    ensemble,
    linear,
    sklearn_tfidf,
    spacy_textcat,
    use,
)
