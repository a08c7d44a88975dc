"""Lesson body blocks. Each has its own template in templates/blocks/.

courses may not import cms or assessments (DESIGN.md: imports flow one way),
so blocks that point at their pages name the page type as a string.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An uploaded video (served with HTTP ranges so phones can seek) or an embed."""

    video = DocumentChooserBlock(
        label=_("Video file (MP4)"),
        required=False,
        help_text=_("Upload an MP4 to the documents library, or give an embed URL."),
    )
    poster = ImageChooserBlock(label=_("Poster image"), required=False)
    embed = EmbedBlock(label=_("Embed URL"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"


class AudioBlock(blocks.StructBlock):
    audio = DocumentChooserBlock(label=_("Audio file (MP3/M4A)"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "blocks/audio.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document (PDF, Word, PPT)"))
    title = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document.html"


class LawCitationBlock(blocks.StructBlock):
    law = blocks.PageChooserBlock(label=_("Law"), page_type="cms.LawPage")
    article = blocks.IntegerBlock(
        label=_("Article number"), min_value=1, help_text=_("7 for 第七条")
    )
    note = blocks.TextBlock(label=_("Why it matters here"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        law = value["law"].specific if value["law"] else None
        context["law"] = law
        context["article"] = law.article(value["article"]) if law else None
        return context

    class Meta:
        icon = "openquote"
        label = _("Law citation")
        template = "blocks/law_citation.html"


class CaseStudyBlock(blocks.StructBlock):
    case = blocks.PageChooserBlock(label=_("Case"), page_type="cms.CasePage")
    note = blocks.TextBlock(label=_("What to look for"), required=False)

    class Meta:
        icon = "folder-open-inverse"
        label = _("Case study")
        template = "blocks/case_study.html"


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    points = blocks.ListBlock(blocks.CharBlock(label=_("Point")), label=_("Points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "blocks/key_points.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("note", _("Note")), ("warning", _("Warning"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        label = _("Tip / callout")
        template = "blocks/callout.html"


class ReflectionBlock(blocks.StructBlock):
    """A question the worker answers in a private note only they can see.

    The lesson template passes the block's id (`include_block … with
    block_id=block.id`); the note is keyed by lesson and block id, and the
    lesson page reads all of the worker's notes in one query.
    """

    question = blocks.TextBlock(label=_("Question"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        parent = parent_context or {}
        block_id = parent.get("block_id")
        page = parent.get("page")
        request = parent.get("request")
        user = getattr(request, "user", None)
        can_write = bool(
            block_id
            and page is not None
            and page.pk
            and user is not None
            and user.is_authenticated
            and not getattr(request, "is_preview", False)
        )
        note = (parent.get("reflection_notes") or {}).get(block_id)
        drafts = parent.get("reflection_drafts") or {}
        context["note_text"] = drafts.get(block_id, note.text if note else "")
        context["note_saved_at"] = note.updated_at if note else None
        context["note_error"] = (parent.get("reflection_errors") or {}).get(block_id)
        context["save_url"] = (
            reverse("courses:reflection_save", args=[page.pk, block_id])
            if can_write
            else ""
        )
        return context

    class Meta:
        icon = "edit"
        label = _("Reflection question")
        template = "blocks/reflection.html"


class QuizBlock(blocks.StructBlock):
    """A quiz inside a lesson; the Assessments app supplies the quiz and rendering."""

    title = blocks.CharBlock(label=_("Title"), required=False)
    quiz_id = blocks.IntegerBlock(label=_("Quiz"), required=False)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz.html"


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Text"), icon="pilcrow", template="blocks/rich_text.html"
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    document = DocumentBlock()
    law_citation = LawCitationBlock()
    case_study = CaseStudyBlock()
    key_points = KeyPointsBlock()
    callout = CalloutBlock()
    reflection = ReflectionBlock()
    quiz = QuizBlock()
