"""python manage.py rebuild_search_index: rebuild the table behind /search/."""

from django.core.management.base import BaseCommand

from cms.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the plain-text search table (cms.SearchEntry) from the live "
        "courses, lessons, cases and law articles. Saving and publishing keep it "
        "up to date; run this after a restore or a bulk change made without saves."
    )

    def handle(self, *args, **options):
        count = search_index_rebuild()
        # A fixed, untranslated line: scripts read it.
        self.stdout.write(f"indexed {count} entries")
