"""python manage.py export_questions --bank NAME --format moodlexml|gift|xlsx -o FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.exporters import EXPORTERS, export_bank
from assessments.models import QuestionBank


class Command(BaseCommand):
    help = "Export a question bank as Moodle XML, GIFT or the XLSX template."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", required=True, choices=sorted(EXPORTERS))
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, bank: str, format: str, output: Path, **options):
        found = QuestionBank.objects.filter(name=bank).first()
        if found is None:
            raise CommandError(
                _("There is no question bank named %(name)s.") % {"name": bank}
            )
        result = export_bank(bank=found, format=format)
        try:
            output.write_bytes(result.data)
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"exported {result.exported} questions to {output}")
        for skipped in result.skipped:
            self.stdout.write(_("skipped: %(question)s") % {"question": skipped})
