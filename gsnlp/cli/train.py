"""`gsnlp train themes --backend NAME [--config FILE]`: train a section-五 model into models/<name>/."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    train_app = typer.Typer(no_args_is_help=True, help="Train models.")

    @train_app.command("themes")
    def themes(
        backend: str = typer.Option(..., "--backend", "-b", help="Backend name (gsnlp.themes.registry)."),
        config: Path | None = typer.Option(None, "--config", "-c", help="JSON with the backend's parameters."),
        name: str | None = typer.Option(None, "--name", help="Model folder name under models/ "
                                        "(default themes-<backend>)."),
        base_model: Path | None = typer.Option(None, "--base-model",
                                                  help="bert backend: a local checkpoint folder to fine-tune."),
        data: Path | None = typer.Option(None, "--data", help="Gold clauses JSONL (default "
                                         "corpora/gold/themes/clauses.jsonl)."),
        models_dir: Path | None = typer.Option(None, "--models-dir", help="Where model folders go (default models/)."),
        cv: bool = typer.Option(True, "--cv/--no-cv", help="Cross-validate by report and put the metrics in the card."),
    ) -> None:
        """Train a section-五 clause classifier and write it with its model card."""
        from gsnlp.errors import GsnlpError, UnknownNameError
        from gsnlp.themes.dataset import GOLD_DIR
        from gsnlp.themes.pipeline import MODELS_DIR
        from gsnlp.themes.train import read_config, train_model

        try:
            params = read_config(config, backend)
            if base_model is not None:
                params["base_model"] = str(base_model)
            out = train_model(backend, params, name=name, data=data or GOLD_DIR / "clauses.jsonl",
                              models_dir=models_dir or MODELS_DIR, cv=cv)
        except UnknownNameError as e:  # an unknown --backend is a usage error
            print(f"gsnlp: error: {e}", file=sys.stderr)
            raise typer.Exit(2) from None
        except (GsnlpError, ValueError, OSError) as e:
            print(f"gsnlp: error: {e}", file=sys.stderr)
            raise typer.Exit(1) from None
        print(f"gsnlp train themes: wrote {out}", file=sys.stderr)

    app.add_typer(train_app, name="train")
