"""python manage.py import_workers FILE [--create-orgs]: import a roster (花名册)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.roster import roster_error_text, roster_import


class Command(BaseCommand):
    help = (
        "Import workers from a roster (.xlsx or .csv). Every row is checked "
        "first; if any row is wrong, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster file, .xlsx or .csv")
        parser.add_argument(
            "--create-orgs",
            action="store_true",
            help="create org units named in the file that do not exist yet",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(problem)s")
                % {"file": path, "problem": exc.strerror or exc}
            ) from exc
        result = roster_import(
            content=content,
            filename=path.name,
            create_orgs=options["create_orgs"],
            actor=None,
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(roster_error_text(error))
            raise CommandError(
                _("Nothing was imported: %(count)s problems in %(file)s.")
                % {"count": len(result.errors), "file": path.name}
            )
        # A fixed, untranslated line: scripts read it.
        self.stdout.write(
            f"imported: {result.created} created, {result.updated} updated"
        )
