"""``gsnlp label export|import``: section-五 clauses to and from Label Studio."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT


def register(app: typer.Typer) -> None:
    label_app = typer.Typer(no_args_is_help=True, help="Label section-五 clauses with Label Studio.")
    app.add_typer(label_app, name="label")

    @label_app.command("export")
    def export_cmd(
        inputs: list[Path] = typer.Argument(..., help="Report files or folders of reports."),
        output: Path = typer.Option(..., "-o", "--output", help="Label Studio tasks (JSON) to write."),
        config: Path | None = typer.Option(None, "--config", help="Also write the labeling config (XML) here."),
        model: str | None = typer.Option(None, "--model", "-m", help="Themes model for pre-annotations "
                                         "(default themes-default)."),
        no_predict: bool = typer.Option(False, "--no-predict", help="No model pre-annotations."),
        labels: Path | None = typer.Option(None, "--labels", help="Hand labels (labels.tsv) to include as "
                                           "annotations (default: the corpus's, when run in a checkout)."),
    ) -> None:
        """One task per clause of section 五, with the clause's span; known hand labels become
        annotations, the model's labels become predictions (to correct, never imported as labels)."""
        from gsnlp.cli.common import expand
        from gsnlp.errors import GsnlpError
        from gsnlp.themes.dataset import GOLD_DIR, LABEL_STUDIO_CONFIG, export_tasks, read_hand_labels

        try:
            lab_path = labels if labels is not None else GOLD_DIR / "labels.tsv"
            known = read_hand_labels(lab_path) if lab_path.is_file() else {}
            clf = None
            if not no_predict:
                from gsnlp.themes.pipeline import load

                clf = load(model)
            paths = expand(inputs)
            missing = [p for p in paths if not p.exists()]
            if missing:
                typer.echo(f"gsnlp: error: {missing[0]}: no such file", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            tasks, notes = export_tasks(paths, clf, known)
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        for n in notes:
            typer.echo(f"gsnlp label: {n}", err=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
        if config is not None:
            config.write_text(LABEL_STUDIO_CONFIG, encoding="utf-8")
        n_lab = sum(1 for t in tasks if t.get("annotations"))
        typer.echo(f"gsnlp label: {len(tasks)} tasks from {len(paths)} files ({n_lab} already labeled) -> {output}",
                   err=True)

    @label_app.command("import")
    def import_cmd(
        tasks_file: Path = typer.Argument(..., help="A Label Studio JSON export."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Clauses (JSONL); default stdout."),
        tsv: Path | None = typer.Option(None, "--tsv", help="Also write the labels as labels.tsv rows here."),
        skip_unlabeled: bool = typer.Option(False, "--skip-unlabeled", help="Skip tasks without an annotation "
                                            "(default: an error)."),
    ) -> None:
        """The annotated clauses as JSONL (id, doc, start, end, input, role, themes, unsure, note)."""
        from gsnlp.errors import GsnlpError
        from gsnlp.themes.dataset import from_label_studio, label_rows

        try:
            try:
                tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                typer.echo(f"gsnlp: error: {tasks_file}: no such file", err=True)
                raise typer.Exit(EXIT_BAD_INPUT) from None
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                typer.echo(f"gsnlp: error: {tasks_file}: not a JSON file ({e}); export the project from Label "
                           "Studio as JSON", err=True)
                raise typer.Exit(EXIT_BAD_INPUT) from None
            if not isinstance(tasks, list):
                typer.echo(f"gsnlp: error: {tasks_file}: expected a JSON list of tasks", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            recs = from_label_studio(tasks, skip_unlabeled=skip_unlabeled, origin=str(tasks_file))
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
        if output is None:
            sys.stdout.write(lines)
        else:
            output.write_text(lines, encoding="utf-8")
        if tsv is not None:
            header = "text\trole\tthemes\tunsure\tnote\n"
            tsv.write_text(header + "".join(r + "\n" for r in label_rows(recs)), encoding="utf-8")
        skipped = len(tasks) - len(recs)
        typer.echo(f"gsnlp label: {len(recs)} labeled clauses" + (f", {skipped} unlabeled tasks skipped"
                                                                   if skipped else ""), err=True)
