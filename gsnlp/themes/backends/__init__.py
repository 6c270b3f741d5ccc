"""Built-in backends; each module imports its heavy library only inside methods."""

from gsnlp.themes.backends import baselines, bert, ensemble, sklearn_tfidf, spacy_textcat, use  # noqa: F401
