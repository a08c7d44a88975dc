"""python manage.py import_questions FILE --bank NAME [--format ...]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.importers import PARSERS, import_questions


class Command(BaseCommand):
    help = (
        "Import questions into a bank from XLSX, CSV, Moodle XML, GIFT or Aiken; "
        "all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--bank", required=True, help="bank name (created if new)")
        parser.add_argument(
            "--format",
            choices=sorted(PARSERS),
            help="guessed from the content when not given",
        )

    def handle(self, *args, file: Path, bank: str, format: str | None, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        report = import_questions(
            data=data, bank_name=bank, format=format, filename=file.name
        )
        # The first line is fixed and untranslated: scripts read it.
        self.stdout.write(f"imported {report.imported} questions")
        for skipped in report.skipped:
            self.stdout.write(_("skipped: %(question)s") % {"question": skipped})
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(count)s problems found.")
                % {"count": len(report.errors)}
            )
