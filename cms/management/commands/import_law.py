"""python manage.py import_law FILE.md [FILE.md …] | --shipped: load law texts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.laws import LawFormatError, decode_law, parse_law
from cms.services import law_import

SHIPPED_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "laws"


def shipped_law_files() -> list[Path]:
    """The law files that ship with the project (cms/data/laws/*.md)."""
    return sorted(p for p in SHIPPED_DIR.glob("*.md") if p.name != "SOURCE.md")


class Command(BaseCommand):
    help = (
        "Import laws from LawRefBook Markdown files into the law library, creating "
        "or updating one law page per file. Every file is checked first; if any "
        "is malformed, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="law files in Markdown (.md)")
        parser.add_argument(
            "--shipped",
            action="store_true",
            help="also import every law in cms/data/laws/",
        )

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        if options["shipped"]:
            paths += shipped_law_files()
        if not paths:
            raise CommandError(_("Name one or more law files, or use --shipped."))

        texts, problems, warnings = [], [], []
        for path in paths:
            try:
                text = decode_law(path.read_bytes())
                warnings += [f"{path}: {w}" for w in parse_law(text).warnings]
            except OSError as exc:
                problems.append(
                    _("Cannot read %(file)s: %(problem)s")
                    % {"file": path, "problem": exc.strerror or exc}
                )
            except LawFormatError as exc:
                problems.append(f"{path}: {exc}")
            else:
                texts.append(text)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                _("Nothing was imported: %(count)d of %(total)d files have problems.")
                % {"count": len(problems), "total": len(paths)}
            )

        for warning in warnings:
            self.stderr.write(warning)
        for text in texts:
            law = law_import(text=text)
            # A fixed, untranslated line: scripts read it.
            self.stdout.write(f"imported {law.title}: {law.articles.count()} articles")
