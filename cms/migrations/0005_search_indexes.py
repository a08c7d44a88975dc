# The search table (cms.SearchEntry) and, on PostgreSQL, trigram indexes for it.
#
# Search matches Chinese words anywhere in a sentence with `icontains`, which
# Django writes on PostgreSQL as UPPER(col::text) LIKE UPPER('%word%'). A GIN
# index with gin_trgm_ops on exactly that expression lets PostgreSQL answer it
# from the index for words of 3 or more characters; shorter words have no
# trigram and fall back to a scan. SQLite has no such index: plain LIKE scans.
# pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
# create it without being a superuser.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "cms_searchentry_title_trgm": 'UPPER(("title")::text)',
    "cms_searchentry_text_trgm": 'UPPER(("text")::text)',
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cms_searchentry "
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0004_case_library"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Course"),
                            (2, "Lesson"),
                            (3, "Law article"),
                            (4, "Case"),
                        ],
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cms.lawarticle",
                        verbose_name="law article",
                    ),
                ),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.WAGTAIL_PAGE_MODEL,
                        verbose_name="page",
                    ),
                ),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("article__isnull", True)),
                        fields=("page",),
                        name="cms_searchentry_unique_page",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("article__isnull", False)),
                        fields=("article",),
                        name="cms_searchentry_unique_article",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
